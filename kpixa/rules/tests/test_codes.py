"""The portal's codes as enums: the same values and names the record validation uses."""

from __future__ import annotations

import pytest

from kpixa.dossiers.records import STATUS_NAMES, Reject, channel_code
from kpixa.rules.codes import END_STATUSES, FINISHED_STATUSES, Channel, DossierStatus


def test_it_names_every_status_as_the_record_validation_does() -> None:
    assert {int(s): s.label for s in DossierStatus} == STATUS_NAMES


def test_it_accepts_exactly_the_channel_codes_of_the_enum() -> None:
    assert {channel_code({"KenhThucHien": str(int(c))}) for c in Channel} == set(Channel)
    assert channel_code({}) == Channel.IN_PERSON
    with pytest.raises(Reject):
        channel_code({"KenhThucHien": "4"})


def test_it_compares_equal_to_the_stored_integers() -> None:
    assert DossierStatus.RETURNED == 10 and Channel.ONLINE == 2
    assert 10 in FINISHED_STATUSES and 4 not in FINISHED_STATUSES
    assert [int(s) for s in END_STATUSES] == [9, 10, 8, 3, 7]
