"""The explanation of a dossier says why one without a due time is not on time, and names the
record's own time limit when it was used (docs/rules.md, "Dossier outcome")."""

from __future__ import annotations

from typing import Any

import pytest

from kpixa.dossiers.explain import reasoning
from kpixa.dossiers.models import Dossier, Procedure
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db


def test_it_explains_why_a_dossier_without_a_due_time_is_not_on_time(world: Any) -> None:
    Procedure.objects.create(code="1.000004", name="Không có thời hạn", limit_value=None)
    records = [
        base_record("NO-DUE", MaTTHC="1.000004", NgayHenTra=None),
        base_record("OWN", MaTTHC="1.000004", NgayHenTra=None, ThoiGianGiaiQuyet="2"),
    ]
    importing.run_batch(importing.new_batch("dossier", "motcua"), source_from_document(records))
    lines = reasoning(Dossier.objects.get(ma_ho_so="NO-DUE"))
    assert any("không xác định được hạn" in line and "không đúng hạn" in line for line in lines)
    own = Dossier.objects.get(ma_ho_so="OWN")
    assert own.due_source == "ThoiGianGiaiQuyet"
    assert any("ThoiGianGiaiQuyet" in line for line in reasoning(own))
