"""Migration 0006 gives stored dossiers without a due time the facts the ingest now computes."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from kpixa.dossiers.models import Dossier, Procedure
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db
FACTS = ("on_time", "overdue_day", "end_day", "effective_due_at")


def test_it_turns_stored_no_due_dossiers_not_on_time(world: Any) -> None:
    Procedure.objects.create(code="1.000004", name="Không có thời hạn", limit_value=None)
    no_due = {"MaTTHC": "1.000004", "NgayHenTra": None}
    records = [
        base_record("FINISHED", **no_due, NgayKetThucXuLy="20260304090000", TrangThaiHoSo="9"),
        base_record("OPEN", **no_due),
        base_record("SAME-DAY", **no_due, NgayKetThucXuLy="20260303100000", TrangThaiHoSo="9"),
        base_record("WITH-DUE", NgayKetThucXuLy="20260304090000", TrangThaiHoSo="9"),
    ]
    batch = importing.new_batch("dossier", "motcua")
    importing.run_batch(batch, source_from_document(records))
    now = {d.ma_ho_so: tuple(getattr(d, f) for f in FACTS) for d in Dossier.objects.all()}
    assert len(now) == 4 and now["FINISHED"][0] is False and now["OPEN"][1] is not None
    # As the previous version stored them: on time, never overdue.
    Dossier.objects.filter(effective_due_at__isnull=True, on_time=False).update(on_time=True)
    Dossier.objects.filter(effective_due_at__isnull=True).update(overdue_day=None)
    migration = importlib.import_module("kpixa.dossiers.migrations.0006_no_due_not_on_time")
    migration.not_on_time(apps, None)
    assert {d.ma_ho_so: tuple(getattr(d, f) for f in FACTS) for d in Dossier.objects.all()} == now
