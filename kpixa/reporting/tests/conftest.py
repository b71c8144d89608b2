"""Fixtures of the reporting tests: the shipped frameworks active, evidence files by content, a sandbox."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.scoring.engine.periods import parse_period

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def ooxml(main_part: str) -> bytes:
    """A minimal ZIP container whose [Content_Types].xml declares ``main_part``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/x" ContentType="{main_part}"/></Types>',
        )
        archive.writestr("x.xml", "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Any) -> Any:
    """Evidence goes to a per-test directory; (e-mail goes to the test outbox)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def frameworks(world: Any) -> dict[str, Any]:
    """Install and activate every shipped framework; return the versions by file stem."""
    versions = {}
    for path in shipped_files():
        version, _created = install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)
        versions[path.stem] = version
    return versions


@pytest.fixture
def period() -> Any:
    return parse_period("2025-Q3")
