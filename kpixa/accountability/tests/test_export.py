"""``export_flags`` (JSON and formula-safe CSV) and ``detect_flags``, and the measures a framework
reads (docs/flags.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from kpixa.accountability.models import AccountabilityFlag
from kpixa.accountability.queries import pass_around_ranking, period_measures
from kpixa.accountability.tests.test_pass import bounced, load, normal

pytestmark = pytest.mark.django_db


def detect(capsys: Any) -> str:
    call_command("detect_flags", "--province", "52", "--period", "2026-03")
    return str(capsys.readouterr().out)


def test_it_exports_the_flags_as_a_json_list(catalogue: Any, tmp_path: Path, capsys: Any) -> None:
    load(tmp_path, [bounced(), normal()])
    assert "pass_around=1" in detect(capsys)
    assert "created=0 updated=0 deleted=0" in detect(capsys)  # a re-run changes nothing
    call_command("export_flags", "--province", "52", "--period", "2026-03", "--kind", "pass_around")
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "ma_ho_so": "HS-BOUNCE",
            "unit_code": "23872",
            "kind": "pass_around",
            "reason": "returned",
            "evidence": rows[0]["evidence"],
        }
    ]
    assert rows[0]["evidence"]["returned_to"] == ["Địa chính - Xây dựng"]
    call_command("export_flags", "--province", "66", "--period", "2026-03")
    assert json.loads(capsys.readouterr().out) == []


def test_it_exports_unit_flags_with_a_null_dossier_and_safe_csv(catalogue: Any, tmp_path: Path) -> None:
    AccountabilityFlag.objects.create(
        commune=catalogue.commune, kind="period_end_burst", reason="burst", evidence={"note": "=1+1"},
        day=date(2026, 3, 31), period_code="2026-03",
    )  # fmt: skip
    AccountabilityFlag.objects.create(
        commune=catalogue.commune, ma_ho_so="=HYPERLINK(1)", kind="late_receipt", reason="x", evidence={},
        day=date(2026, 3, 5),
    )  # fmt: skip
    out = tmp_path / "flags.json"
    call_command("export_flags", "--province", "52", "--period", "2026-Q1", "--output", str(out))
    rows = json.loads(out.read_text("utf-8"))
    assert {r["kind"]: r["ma_ho_so"] for r in rows} == {
        "period_end_burst": None,
        "late_receipt": "=HYPERLINK(1)",
    }
    csv_out = tmp_path / "flags.csv"
    call_command(
        "export_flags", "--province", "52", "--period", "2026-03", "--format", "csv", "--output", str(csv_out)
    )
    text = csv_out.read_text("utf-8-sig")
    assert text.splitlines()[0] == "ma_ho_so,unit_code,kind,reason,evidence"
    assert "'=HYPERLINK(1)" in text
    assert ",=" not in text


def test_it_counts_the_measures_and_ranks_the_communes(catalogue: Any, tmp_path: Path, capsys: Any) -> None:
    load(tmp_path, [bounced(), normal()])
    detect(capsys)
    march = (date(2026, 3, 1), date(2026, 3, 31))
    measures = period_measures([catalogue.commune.pk, catalogue.sibling.pk], *march)
    mine = measures[catalogue.commune.pk]
    assert mine["dossiers.pass_around"] == 1
    assert mine["dossiers.made_late_by_staff"] == 1
    assert mine["dossiers.late_steps"] == 2
    assert measures[catalogue.sibling.pk]["dossiers.pass_around"] == 0
    flag = AccountabilityFlag.objects.get(kind="pass_around")
    flag.status = "dismissed"
    flag.save()
    assert period_measures([catalogue.commune.pk], *march)[catalogue.commune.pk]["dossiers.pass_around"] == 0
    ranking = pass_around_ranking("52", *march)
    assert ranking[0].code == "23872"
    assert ranking[0].dossiers == 2


PASS_AROUND_SHARE = """\
  - code: "9"
    name: Trách nhiệm
    max: 100
    indicators:
      - code: "9.1"
        name: Hồ sơ bị đùn đẩy
        numerator: dossiers.pass_around
        denominator: dossiers.total
        unit_label: hồ sơ
        max_points: 100
"""


def test_it_gives_a_framework_the_pass_around_measure(catalogue: Any, tmp_path: Path, capsys: Any) -> None:
    from kpixa.frameworks.tests.helpers import framework_from
    from kpixa.scoring.inputs import CommuneRow, dossier_measures, gather_inputs, verified_reported_values

    load(tmp_path, [bounced(), normal()])
    detect(capsys)
    framework = framework_from(PASS_AROUND_SHARE)
    row = CommuneRow(catalogue.commune.pk, "23872", "Xã Ia Dom", "xa", catalogue.province.pk, frozenset())
    inputs = gather_inputs(framework, [row], "2026-03", date(2026, 3, 1), date(2026, 3, 31),
                           dossier_measures, verified_reported_values)  # fmt: skip
    assert inputs["23872"]["dossiers.pass_around"] == 1
    assert inputs["23872"]["dossiers.total"] == 2


def test_it_counts_per_department_late_steps_and_dossiers_passed_back(
    catalogue: Any, tmp_path: Path, capsys: Any
) -> None:
    from kpixa.accountability.queries import departments

    load(tmp_path, [bounced(), normal()])
    detect(capsys)
    lines = {
        line.department: line
        for line in departments(catalogue.commune.pk, date(2026, 3, 1), date(2026, 3, 31))
    }
    land = lines["Địa chính - Xây dựng"]
    assert (land.late_steps, land.overrun_hours, land.dossiers_made_late, land.passed_back) == (1, 1.5, 1, 1)
    assert lines["Lãnh đạo UBND xã"].passed_back == 0
