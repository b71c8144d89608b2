"""Where a rejected record is, numbered as the sender's file numbers it (a CSV or XLSX header is
line 1), and the upload form's explanation of the source system code."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kpixa.dossiers.models import ImportBatch, row_position
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, catalogue, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.VAR_DIR = tmp_path
    client.force_login(catalogue.users["commune_officer"])
    return client


def test_it_names_positions_as_each_format_numbers_them() -> None:
    assert row_position("csv", 1) == "Dòng 2 của tệp (dòng dữ liệu thứ 1)"
    assert row_position("xlsx", 4) == "Dòng 5 của tệp (dòng dữ liệu thứ 4)"
    assert row_position("jsonl", 3) == "Dòng 3 của tệp"
    assert row_position("json", 3) == row_position("", 3) == "Bản ghi thứ 3"


def test_a_rejected_csv_row_is_shown_with_its_spreadsheet_line(officer) -> None:  # type: ignore[no-untyped-def]
    good, bad = base_record("C1"), base_record("C2", DonViXuLy="23869")
    names = list(good)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=names)
    writer.writeheader()
    writer.writerows([good, bad])
    file = SimpleUploadedFile("hs.csv", text.getvalue().encode(), content_type="text/csv")
    officer.post("/dossiers/upload/", {"kind": "dossier", "source_system": "xa-23872", "file": file})
    call_command("run_worker", "--once", verbosity=0)
    batch = ImportBatch.objects.get()
    assert batch.rejected == 1
    page = officer.get("/dossiers/quarantine/").content.decode()
    assert "Dòng 3 của tệp (dòng dữ liệu thứ 2)" in page
    report = b"".join(officer.get(f"/dossiers/jobs/{batch.pk}/rejections.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(report.decode("utf-8-sig"))))
    assert (rows[0]["dong"], rows[0]["dong_trong_tep"]) == ("2", "3")


def test_the_upload_form_explains_the_source_system_code(officer) -> None:  # type: ignore[no-untyped-def]
    page = officer.get("/dossiers/upload/").content.decode()
    assert "Mã hệ thống nguồn là mã của phần mềm đã tạo ra hồ sơ" in page
