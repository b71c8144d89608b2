"""The units app's changes reach the audit log of the layer above through its own signal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from kpixa.accounts.models import AuditEntry
from kpixa.accounts.receivers import record_units_change
from kpixa.units.signals import changed, record_change

pytestmark = pytest.mark.django_db


def test_it_audits_a_units_change_through_the_signal() -> None:
    record_change("units.test", object_type="units.Commune", province_code="52", after={"n": 1})
    entry = AuditEntry.objects.get(action="units.test")
    assert (entry.object_type, entry.province_code, entry.after) == ("units.Commune", "52", {"n": 1})


def test_it_refuses_a_units_change_nobody_audits() -> None:
    changed.disconnect(dispatch_uid="kpixa_accounts_units_changed")
    try:
        with pytest.raises(ImproperlyConfigured):
            record_change("units.test")
    finally:
        changed.connect(record_units_change, dispatch_uid="kpixa_accounts_units_changed")
    assert not AuditEntry.objects.filter(action="units.test").exists()
