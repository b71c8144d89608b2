"""Evidence files: their type told by content (magic bytes, OOXML content types), stored privately.

A file's name and the browser's declared type are never trusted: a PDF must start with ``%PDF-``,
an image with the PNG or JPEG signature, and an XLSX or DOCX must be a ZIP container whose
``[Content_Types].xml`` declares the workbook or document main part. Files live under
``settings.PRIVATE_MEDIA_ROOT / "evidence"`` (outside any web root) under random names.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.reporting.models import ReportingError

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", DOCX: ".docx"}
# The main part each OOXML kind must declare in [Content_Types].xml.
OOXML_MAIN_PARTS = {
    XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}
# [Content_Types].xml is a few kilobytes; a larger one is refused rather than inflated.
MAX_CONTENT_TYPES_BYTES = 1_000_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    """The size limit of one evidence file (``KPIXA_EVIDENCE_MAX_BYTES``, default 20 MiB)."""
    return int(getattr(settings, "KPIXA_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def evidence_root() -> Path:
    """Where evidence files are stored: ``PRIVATE_MEDIA_ROOT/evidence``."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / "evidence"


def _ooxml_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            declared = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, EOFError):
        return None
    for kind, main_part in OOXML_MAIN_PARTS.items():
        if main_part in declared:
            return kind
    return None


def sniff(stream: IO[bytes]) -> str | None:
    """Return the content type of an allowed evidence file by its content, or None when not allowed."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(stream)
        stream.seek(0)
        return kind
    return None


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the checks: what to store and what to record."""

    upload: object
    original_name: str
    content_type: str
    size: int
    sha256: str


def _clean_name(name: str) -> str:
    base = Path(name or "").name.replace("\x00", "").strip()
    return base[:255] or "tep"


def check_upload(upload: object) -> CheckedFile:
    """Check an uploaded file's size and content type; raise ReportingError naming the file when refused."""
    name = _clean_name(str(getattr(upload, "name", "")))
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ReportingError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if size > max_bytes():
        raise ReportingError(
            _("Tệp “%(name)s” vượt quá dung lượng cho phép (%(mb)s MB).")
            % {"name": name, "mb": max_bytes() // (1024 * 1024)}
        )
    stream = upload.file  # type: ignore[attr-defined]
    kind = sniff(stream)
    if kind is None:
        raise ReportingError(
            _("Tệp “%(name)s” không phải PDF, ảnh PNG/JPEG, XLSX hoặc DOCX (kiểm tra theo nội dung tệp).")
            % {"name": name}
        )
    return CheckedFile(upload, name, kind, size, _sha256(stream))


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def store(checked: CheckedFile) -> str:
    """Write the file under a random name in the evidence root; return its name relative to the root."""
    relative = f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}"
    target = evidence_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    stream = checked.upload.file  # type: ignore[attr-defined]
    stream.seek(0)
    with target.open("xb") as out:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            out.write(chunk)
    return relative


def path_of(stored_name: str) -> Path:
    """Return the absolute path of a stored evidence file, refusing names that leave the root."""
    root = evidence_root().resolve()
    target = (root / stored_name).resolve()
    if not target.is_relative_to(root):
        raise ReportingError(_("Tên tệp không hợp lệ."))
    return target


def remove_quietly(stored_names: list[str]) -> None:
    """Delete stored files after a failed transaction (best effort: leftovers are harmless)."""
    for name in stored_names:
        with contextlib.suppress(OSError, ReportingError):
            path_of(name).unlink(missing_ok=True)
