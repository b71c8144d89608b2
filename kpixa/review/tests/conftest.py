"""A scored world with two review meetings of Gia Lai: 2025-09-10 reviewing 2025-08 (three
commitments on indicator 2.1) and 2025-10-10 reviewing 2025-09."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kpixa.review.models import MeetingBody
from kpixa.review.services import add_commitment, prepare_meeting
from kpixa.units.models import PostKind
from kpixa.web.tests.scored import scored_fixture  # noqa: F401


@pytest.fixture
def meetings(scored: Any) -> Any:
    admin = scored.users["province_admin"]
    first = prepare_meeting(
        admin, scored.province, MeetingBody.PEOPLES_COMMITTEE, date(2025, 9, 10), "2025-08", "dvc766"
    )
    second = prepare_meeting(
        admin, scored.province, MeetingBody.PARTY_COMMITTEE, date(2025, 10, 10), "2025-09", "dvc766"
    )
    made = [
        add_commitment(
            admin,
            first,
            commune,
            PostKind.CHAIRMAN,
            "2.1",
            f"Giải quyết đúng hạn ({commune.code})",
            date(2025, 9, 30),
        )
        for commune in (scored.commune, scored.sibling, scored.third)
    ]
    scored.meetings = (first, second)
    scored.commitments = made
    return scored
