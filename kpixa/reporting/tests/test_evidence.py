from __future__ import annotations

import io

import pytest

from kpixa.reporting import evidence
from kpixa.reporting.models import ReportingError
from kpixa.reporting.tests.conftest import (
    DOCX_MAIN,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    XLSX_MAIN,
    ooxml,
    upload,
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, evidence.PDF),
        (PNG_BYTES, evidence.PNG),
        (JPEG_BYTES, evidence.JPEG),
        (ooxml(XLSX_MAIN), evidence.XLSX),
        (ooxml(DOCX_MAIN), evidence.DOCX),
    ],
)
def test_it_tells_allowed_types_by_content(content, expected):
    assert evidence.sniff(io.BytesIO(content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00 an executable",
        ooxml("application/vnd.ms-excel.sheet.macroEnabled.main+xml"),  # .xlsm: not allowed
        b"PK\x03\x04 not really a zip",
        b"",
    ],
)
def test_it_refuses_other_content(content):
    assert evidence.sniff(io.BytesIO(content)) is None


def test_it_judges_by_content_not_by_name():
    with pytest.raises(ReportingError, match="không phải PDF"):
        evidence.check_upload(upload("bao-cao.pdf", b"<html>not a pdf</html>", "application/pdf"))
    checked = evidence.check_upload(upload("anh.txt", PNG_BYTES, "text/plain"))
    assert checked.content_type == evidence.PNG


def test_it_refuses_files_over_the_size_limit(settings):
    settings.KPIXA_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ReportingError, match="vượt quá dung lượng"):
        evidence.check_upload(upload("a.pdf", PDF_BYTES))


def test_it_refuses_empty_files():
    with pytest.raises(ReportingError, match="rỗng"):
        evidence.check_upload(upload("a.pdf", b""))


def test_it_stores_outside_the_web_root_under_a_random_name(private_media, settings):
    checked = evidence.check_upload(upload("../../etc/passwd.pdf", PDF_BYTES))
    assert checked.original_name == "passwd.pdf"
    name = evidence.store(checked)
    path = evidence.path_of(name)
    assert path.is_relative_to(private_media.resolve())
    assert "passwd" not in name and name.endswith(".pdf")
    assert path.read_bytes() == PDF_BYTES
    assert not path.is_relative_to(settings.STATIC_ROOT)


def test_it_refuses_stored_names_that_leave_the_root():
    with pytest.raises(ReportingError):
        evidence.path_of("../../secret")
