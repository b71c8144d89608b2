"""The inputs page imports a CSV/XLSX file with its optional evidence ZIP: behind a confirmation
stating the effect, within the import limits, each refused row shown with its row as the
spreadsheet numbers it, its column and reason, the rejection CSV linked, audited through the
service in the admin's name."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kpixa.accounts.models import AuditEntry, Role
from kpixa.evaluations.models import EvaluationInput, InputRejection, Period
from kpixa.evaluations.tests.conftest import INPUT_HEADER_WITH_FILES

pytestmark = pytest.mark.usefixtures("vietnamese", "private_media")

PAGE = "/ky-danh-gia/tinh/52/2026/du-lieu/"
IMPORT = f"{PAGE}nhap-tep/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROWS = (
    "23872,,,tasks_assigned,10,,,QĐ 1/QĐ-UBND,ke-hoach/QD1.pdf\n"
    "23872,,,tasks_completed,9,,,,bang-tinh.xlsm\n"
    "99999,,,tasks_on_time,8,,,,\n"
    '23872,chu_tich,CB001,general_points,"27,5",,,,\n'
)


def admin(world: Any) -> Client:
    client = Client()
    client.force_login(world.users[Role.PROVINCE_ADMIN])
    return client


def sheet(rows: str = ROWS, name: str = "du-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (INPUT_HEADER_WITH_FILES + rows).encode(), "text/csv")


def evidence_zip(members: dict[str, bytes]) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("minh-chung.zip", out.getvalue(), "application/zip")


def xlsm() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types>macroEnabled</Types>")
        archive.writestr("xl/vbaProject.bin", b"\x00")
    return out.getvalue()


def test_the_page_offers_the_import_behind_a_confirmation_stating_its_effect(world, year):
    page = admin(world).get(PAGE).content.decode()
    assert f'action="{IMPORT}"' in page and 'enctype="multipart/form-data"' in page
    form = page[page.index(f'action="{IMPORT}"') :]
    form = form[: form.index("</form>")]
    assert 'name="file"' in form and 'name="evidence_zip"' in form
    assert "Xác nhận nhập tệp" in form and "các dòng sai không được lưu" in form
    assert "dòng dữ liệu đầu tiên là dòng 2" in form
    assert "bằng lệnh import_evaluation_inputs" not in page


def test_it_imports_the_file_with_its_zip_and_shows_each_refused_row(
    world, year, chairman, django_assert_max_num_queries
):
    client = admin(world)
    files = {
        "file": sheet(),
        "evidence_zip": evidence_zip({"ke-hoach/QD1.pdf": PDF, "bang-tinh.xlsm": xlsm()}),
    }
    response = client.post(IMPORT, files)
    assert response.status_code == 302 and response["Location"] == PAGE
    item = EvaluationInput.objects.get(kind="tasks_assigned")
    assert item.evidence_file_name == "QD1.pdf" and item.evidence_file_stored != "QD1.pdf"
    assert item.entered_by == world.users[Role.PROVINCE_ADMIN]
    assert EvaluationInput.objects.get(kind="general_points").value == "27.50"  # "27,5": the decimal comma
    assert EvaluationInput.objects.count() == 2
    entry = AuditEntry.objects.get(action="evaluations.import_inputs")
    assert entry.actor == world.users[Role.PROVINCE_ADMIN] and entry.after is not None
    assert (entry.after["file"], entry.after["evidence_zip"]) == ("du-lieu.csv", "minh-chung.zip")
    with django_assert_max_num_queries(12):
        page = client.get(PAGE).content.decode()
    result = page[page.index("Kết quả nhập tệp du-lieu.csv") :]
    result = result[: result.index("</section>")]
    assert "Thêm mới 2, cập nhật 0, giữ nguyên 0, bị từ chối 2 dòng." in result
    assert "Dòng (theo bảng tính)" in result
    cells = result.split("<tr>")[2:]
    assert '<td class="num">3</td><td><span class="code">evidence_file</span></td>' in cells[0]
    assert "macro" in cells[0]
    assert '<td class="num">4</td><td><span class="code">unit_code</span></td>' in cells[1]
    assert f"{PAGE}tu-choi.csv" in result
    assert InputRejection.objects.count() == 2
    again = client.get(PAGE).content.decode()
    assert "Kết quả nhập tệp" not in again  # shown once
    assert "Dòng bị từ chối khi nhập tệp" in again  # the kept refusals stay listed


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"file": SimpleUploadedFile("a.txt", b"x")}, "Chỉ nhận tệp .csv hoặc .xlsx"),
        ({"file": sheet(), "evidence_zip": SimpleUploadedFile("m.zip", b"not a zip")}, "phải là một tệp ZIP"),
        ({"file": SimpleUploadedFile("a.xlsx", b"not a workbook")}, "Không đọc được tệp Excel"),
    ],
    ids=["not-a-sheet", "not-a-zip", "broken-xlsx"],
)
def test_it_refuses_a_wrong_file_and_stores_nothing(world, year, files, words):
    page = admin(world).post(IMPORT, files, follow=True).content.decode()
    assert words in page
    assert not EvaluationInput.objects.exists() and not AuditEntry.objects.exists()


def test_it_keeps_the_import_limits(world, year, settings, monkeypatch):
    import kpixa.dossiers.forms

    monkeypatch.setattr(kpixa.dossiers.forms, "MAX_UPLOAD_BYTES", 100)
    page = admin(world).post(IMPORT, {"file": sheet()}, follow=True).content.decode()
    assert "quá lớn (tối đa 0 MB)" in page
    monkeypatch.undo()
    settings.KPIXA_IMPORT_MAX_ROWS = 2
    page = admin(world).post(IMPORT, {"file": sheet()}, follow=True).content.decode()
    assert "vượt giới hạn của một lô nhập" in page
    settings.KPIXA_IMPORT_MAX_ROWS = 2_000_000
    settings.KPIXA_IMPORT_MAX_XLSX_BYTES = 10
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "x" * 100)
    upload = SimpleUploadedFile("du-lieu.xlsx", workbook.getvalue())
    page = admin(world).post(IMPORT, {"file": upload}, follow=True).content.decode()
    assert "vượt giới hạn an toàn" in page
    assert not EvaluationInput.objects.exists()


def test_a_closed_period_offers_no_import_and_refuses_one(world, year):
    Period.objects.filter(pk=year.pk).update(state="closed")
    client = admin(world)
    page = client.get(PAGE).content.decode()
    assert f'action="{IMPORT}"' not in page and "chỉ được sửa qua khiếu nại" in page
    refused = client.post(IMPORT, {"file": sheet("23872,,,tasks_assigned,10,,,,\n")}, follow=True)
    assert "đã khóa số liệu" in refused.content.decode()
    assert not EvaluationInput.objects.exists()


def test_only_the_provinces_admin_imports(world, year):
    for role in (Role.PROVINCE_VIEWER, Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER):
        client = Client()
        client.force_login(world.users[role])
        assert client.post(IMPORT, {"file": sheet()}).status_code == 403
    assert admin(world).get(IMPORT).status_code == 405
    assert not EvaluationInput.objects.exists()
