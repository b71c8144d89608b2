"""Evidence files: macro-enabled Office files are refused with a clear Vietnamese reason, by name
and by content; evidence is stored and served under generated names, with the uploader's name
kept only as a cleaned display label (docs/security.md, "Evidence files")."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kpixa.accounts.models import Role
from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.reporting import evidence, services
from kpixa.reporting.models import Evidence, ReportedValue, ReportingError
from kpixa.scoring.engine.periods import parse_period

pytestmark = pytest.mark.django_db

SHEET = "/reporting/commune/23872/2025-Q3/"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA = "application/vnd.ms-office.vbaProject"
MACRO_REASON = "tệp Office có macro"


def _container(*content_types: str, parts: tuple[str, ...] = ()) -> bytes:
    """An OOXML-shaped ZIP declaring ``content_types`` in [Content_Types].xml, plus ``parts``."""
    overrides = "".join(
        f'<Override PartName="/p{n}" ContentType="{t}"/>' for n, t in enumerate(content_types)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types>{overrides}</Types>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for part in parts:
            archive.writestr(part, b"\xd0\xcf\x11\xe0 VBA")
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def w(world: Any) -> Any:
    for path in shipped_files():
        install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)
    return world


def _client(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


# --- macro-enabled Office files -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["bang-tinh.xlsm", "mau.xltm", "cong-van.docm", "mau.dotm", "trinh-chieu.pptm"]
)
def test_it_refuses_macro_enabled_office_names_whatever_the_content(name: str) -> None:
    with pytest.raises(ReportingError, match=MACRO_REASON):
        evidence.check_upload(_upload(name, _container(XLSX_MAIN)))


@pytest.mark.parametrize(
    "content",
    [
        _container(XLSM_MAIN, VBA, parts=("xl/vbaProject.bin",)),  # a real .xlsm, renamed
        _container(DOCM_MAIN, parts=("word/vbaProject.bin",)),  # a .docm, renamed
        _container(XLSX_MAIN, VBA),  # declares the workbook part and a VBA project
        _container(XLSX_MAIN, parts=("xl/VBAPROJECT.BIN",)),  # a VBA project it does not declare
        _container(XLSX_MAIN, "application/vnd.ms-excel.macrosheet+xml"),  # an Excel 4.0 macro sheet
    ],
)
def test_it_refuses_macro_enabled_content_renamed_to_an_allowed_name(content: bytes) -> None:
    with pytest.raises(ReportingError, match=MACRO_REASON):
        evidence.check_upload(_upload("bao-cao.xlsx", content))


def test_it_still_accepts_a_plain_workbook() -> None:
    assert evidence.check_upload(_upload("bao-cao.xlsx", _container(XLSX_MAIN))).content_type == evidence.XLSX


def test_it_shows_the_macro_reason_on_the_sheet_and_stores_nothing(w: Any) -> None:
    client = _client(w, Role.COMMUNE_OFFICER)
    xlsm = _upload("so-lieu.xlsx", _container(XLSM_MAIN, VBA, parts=("xl/vbaProject.bin",)))
    page = client.post(SHEET + "budget_revenue/", {"value": "1", "evidence": [xlsm]}, follow=True)
    assert "có macro (mã lệnh tự chạy): không nhận làm minh chứng" in page.content.decode()
    assert not ReportedValue.objects.exists() and not Evidence.objects.exists()


# --- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "content", "label"),
    [
        ("report.html", PDF_BYTES, "report.html.pdf"),  # the label tells the real type
        ("bien-ban.PDF", PDF_BYTES, "bien-ban.PDF"),
        ("C:\\Users\\canbo\\anh chup.png", PNG_BYTES, "anh chup.png"),
        ("hoa-don\u202efdp.exe", PNG_BYTES, "hoa-donfdp.exe.png"),  # no right-to-left override
        ("ba\u0301o\tca\u0301o\x00\u200b.pdf", PDF_BYTES, "báo cáo.pdf"),  # NFC, no control characters
        ("...", PDF_BYTES, "tep.pdf"),
        ("x" * 300 + ".pdf", PDF_BYTES, "x" * 251 + ".pdf"),
    ],
)
def test_it_keeps_the_uploaders_name_only_as_a_clean_label(uploaded: str, content: bytes, label: str) -> None:
    checked = evidence.check_upload(_upload(uploaded, content))
    assert checked.original_name == label
    assert unicodedata.is_normalized("NFC", checked.original_name)


def test_it_stores_and_serves_an_uploaded_report_html_under_generated_names(w: Any) -> None:
    officer = w.users[Role.COMMUNE_OFFICER]
    value = services.submit_value(
        officer,
        w.commune,
        parse_period("2025-Q3"),
        "budget_revenue",
        Decimal("5"),
        "",
        [_upload("report.html", PDF_BYTES)],
    )
    item = value.evidence.get()
    assert "report" not in item.stored_name and item.stored_name.endswith(".pdf")
    assert item.original_name == "report.html.pdf"
    response = _client(w, Role.PROVINCE_VIEWER).get(f"/reporting/evidence/{item.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="minh-chung-{item.pk}-report-html.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]


def test_it_serves_a_vietnamese_name_as_a_plain_generated_name(w: Any) -> None:
    value = services.submit_value(
        w.users[Role.COMMUNE_OFFICER],
        w.commune,
        parse_period("2025-Q3"),
        "budget_revenue",
        Decimal("5"),
        "",
        [_upload('Biên bản Đắk Lắk "quý" 3;.pdf', PDF_BYTES)],
    )
    item = value.evidence.get()
    response = _client(w, Role.PROVINCE_VIEWER).get(f"/reporting/evidence/{item.pk}/")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="minh-chung-{item.pk}-bien-ban-dak-lak-quy-3.pdf"'
    )


def test_it_never_serves_a_stored_type_other_than_the_checked_ones(w: Any) -> None:
    """A row altered to claim text/html is still a plain download, never a page."""
    value = services.submit_value(
        w.users[Role.COMMUNE_OFFICER],
        w.commune,
        parse_period("2025-Q3"),
        "budget_revenue",
        Decimal("5"),
        "",
        [_upload("a.pdf", PDF_BYTES)],
    )
    item = value.evidence.get()
    Evidence.objects.filter(pk=item.pk).update(content_type="text/html", original_name="report.html")
    response = _client(w, Role.PROVINCE_VIEWER).get(f"/reporting/evidence/{item.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="minh-chung-{item.pk}-report.bin"'
