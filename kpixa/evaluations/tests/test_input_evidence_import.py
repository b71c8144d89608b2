"""Imported evaluation inputs carry evidence files: ``evidence_file`` names a member of the ZIP
given with the import or ``id:<n>``, a file already uploaded with input n of the province. Each
goes through the evidence checks and storage (type by content, macro-enabled Office refused,
stored privately under a generated name); a missing or refused file refuses its row only."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from kpixa.evaluations.models import EvaluationInput, InputRejection
from kpixa.evaluations.services import inputs
from kpixa.evaluations.tests.conftest import INPUT_HEADER_WITH_FILES, write_inputs
from kpixa.reporting.evidence import evidence_root, path_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.usefixtures("vietnamese", "private_media")


def xlsm() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        z.writestr("xl/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()


def files(tmp_path: Path, rows: str, members: dict[str, bytes]) -> tuple[Path, Path]:
    sheet = write_inputs(tmp_path, rows, INPUT_HEADER_WITH_FILES)
    archive = tmp_path / "minh-chung.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return sheet, archive


ROWS = (
    "23872,,,tasks_assigned,10,,,QĐ 1/QĐ-UBND,ke-hoach/QD1.pdf\n"
    "23872,,,tasks_completed,9,,,,khong-co.pdf\n"
    "23872,,,tasks_on_time,8,,,,bang-tinh.xlsm\n"
    "23872,,,tasks_exceeded,2,,,,doi-ten.pdf\n"
)


def test_a_zip_member_is_checked_and_stored_and_a_bad_one_refuses_its_row(world, year, tmp_path):
    sheet, archive = files(
        tmp_path, ROWS, {"ke-hoach/QD1.pdf": PDF, "bang-tinh.xlsm": xlsm(), "doi-ten.pdf": xlsm()}
    )
    result = inputs.import_inputs_file(sheet, province_code="52", period_code="2026", evidence_zip=archive)
    assert result.created == 1
    item = EvaluationInput.objects.get(kind="tasks_assigned")
    assert item.evidence == "QĐ 1/QĐ-UBND" and item.evidence_file_name == "QD1.pdf"
    assert item.evidence_file_type == "application/pdf" and len(item.evidence_file_sha256) == 64
    stored = path_of(item.evidence_file_stored)
    assert stored.read_bytes() == PDF and stored.name != "QD1.pdf"  # a generated name
    assert stored.is_relative_to(evidence_root().resolve())
    reasons = {e.row: (e.field, e.message) for e in result.errors}
    assert reasons[3][0] == "evidence_file" and "khong-co.pdf" in reasons[3][1]
    assert reasons[4][0] == "evidence_file" and "macro" in reasons[4][1]
    assert reasons[5][0] == "evidence_file" and "macro" in reasons[5][1]  # by content, whatever the name
    assert InputRejection.objects.filter(field="evidence_file").count() == 3
    assert not EvaluationInput.objects.exclude(kind="tasks_assigned").exists()


def test_the_same_files_imported_twice_change_nothing(world, year, tmp_path):
    sheet, archive = files(tmp_path, ROWS.splitlines()[0] + "\n", {"ke-hoach/QD1.pdf": PDF})
    inputs.import_inputs_file(sheet, province_code="52", period_code="2026", evidence_zip=archive)
    first = EvaluationInput.objects.get().evidence_file_stored
    again = inputs.import_inputs_file(sheet, province_code="52", period_code="2026", evidence_zip=archive)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert EvaluationInput.objects.get().evidence_file_stored == first
    assert sum(1 for p in evidence_root().rglob("*") if p.is_file()) == 1


def test_an_already_uploaded_file_is_named_by_its_input_id(world, year, tmp_path):
    sheet, archive = files(tmp_path, ROWS.splitlines()[0] + "\n", {"ke-hoach/QD1.pdf": PDF})
    call_command(
        "import_evaluation_inputs", str(sheet), province="52", period="2026", evidence_zip=str(archive)
    )
    first = EvaluationInput.objects.get()
    rows = f"23872,,,tasks_completed,10,,,,id:{first.pk}\n23872,,,tasks_on_time,10,,,,id:999999\n"
    write_inputs(tmp_path, rows, INPUT_HEADER_WITH_FILES)
    result = inputs.import_inputs_file(sheet, province_code="52", period_code="2026")
    done = EvaluationInput.objects.get(kind="tasks_completed")
    assert done.evidence_file_stored == first.evidence_file_stored
    assert done.evidence_file_sha256 == first.evidence_file_sha256
    assert [(e.row, e.field) for e in result.errors] == [(3, "evidence_file")]


def test_a_file_named_without_a_zip_refuses_its_row(world, year, tmp_path):
    sheet, _archive = files(tmp_path, ROWS.splitlines()[0] + "\n", {})
    result = inputs.import_inputs_file(sheet, province_code="52", period_code="2026")
    assert [(e.row, e.field) for e in result.errors] == [(2, "evidence_file")]
    assert "ZIP" in result.errors[0].message
    assert not EvaluationInput.objects.exists()
