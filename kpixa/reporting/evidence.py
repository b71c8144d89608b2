"""Evidence files: their type told by content (magic bytes, OOXML content types), stored privately.

A file's name and the browser's declared type are never trusted: a PDF must start with ``%PDF-``,
an image with the PNG or JPEG signature, and an XLSX or DOCX must be a ZIP container whose
``[Content_Types].xml`` declares the workbook or document main part. Macro-enabled Office files
are refused with their own reason, by name (``.xlsm``, ``.docm``, ...) and by content (a
macro-enabled main part, a VBA project or an Excel 4.0 macro sheet, whatever the file is called).
Files live under ``settings.PRIVATE_MEDIA_ROOT / "evidence"`` (outside any web root) under random
names; the uploader's name is kept only as a display label (``display_label``) and a download is
saved under a generated name with the extension of its real type (``download_name``).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kpixa.reporting.models import ReportingError

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", DOCX: ".docx"}
# The name endings each type is commonly saved with; a display label keeps one of these or gets
# the type's own extension appended ("report.html" holding a PDF is shown as "report.html.pdf").
SUFFIXES = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg", ".jpe", ".jfif"},
    XLSX: {".xlsx"},
    DOCX: {".docx"},
}
# Macro-enabled Office names (workbook, template, add-in, document, presentation, slide show...).
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".docm", ".dotm", ".pptm", ".potm", ".ppsm", ".ppam", ".sldm")
# In [Content_Types].xml: "...macroEnabled.main+xml", "vnd.ms-office.vbaProject", "...macrosheet+xml".
MACRO_DECLARATIONS = re.compile(rb"macro|vbaproject", re.IGNORECASE)
MAX_LABEL = 255
# Control, format (bidi overrides, zero-width), separator, private-use and unassigned characters.
INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}
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


def _ooxml(stream: IO[bytes]) -> tuple[str | None, bool]:
    """(the allowed OOXML kind or None, whether the container holds macros)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None, False
            declared = archive.read(info)
            names = archive.namelist()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, EOFError):
        return None, False
    if MACRO_DECLARATIONS.search(declared) or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None, True
    for kind, main_part in OOXML_MAIN_PARTS.items():
        if main_part in declared:
            return kind, False
    return None, False


def inspect(stream: IO[bytes]) -> tuple[str | None, bool]:
    """(the content type of an allowed evidence file by its content or None, whether it is a
    macro-enabled Office file)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF, False
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, False
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG, False
    if head.startswith(b"PK\x03\x04"):
        found = _ooxml(stream)
        stream.seek(0)
        return found
    return None, False


def sniff(stream: IO[bytes]) -> str | None:
    """Return the content type of an allowed evidence file by its content, or None when not allowed."""
    return inspect(stream)[0]


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the checks: what to store and what to record."""

    upload: object
    original_name: str
    content_type: str
    size: int
    sha256: str


def _clean_name(name: str) -> str:
    """The uploader's file name as plain visible text: NFC, no folders, no control or format
    characters (a right-to-left override can make "fdp.exe" read "exe.pdf"), spaces collapsed."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        " " if c.isspace() else c for c in base if c.isspace() or unicodedata.category(c) not in INVISIBLE
    )
    return " ".join(base.split()).strip(" .")[:MAX_LABEL] or "tep"


def display_label(name: str, content_type: str) -> str:
    """The label an evidence file is shown with: the uploader's cleaned name, ending with an
    extension of its real type (``EXTENSIONS`` appended when the name ends otherwise)."""
    label = _clean_name(name)
    if Path(label).suffix.lower() not in SUFFIXES[content_type]:
        extension = EXTENSIONS[content_type]
        label = label[: MAX_LABEL - len(extension)] + extension
    return label


def download_name(pk: int, label: str, content_type: str) -> str:
    """The generated ASCII name a download is saved under: ``minh-chung-<id>-<label>.<real type>``."""
    words = Path(label).stem.replace(".", " ").replace("đ", "d").replace("Đ", "D")
    stem = slugify(words)[:60].strip("-")
    extension = EXTENSIONS.get(content_type, ".bin")
    return f"minh-chung-{pk}-{stem}{extension}" if stem else f"minh-chung-{pk}{extension}"


def served_type(content_type: str) -> str:
    """The Content-Type a stored file is served with: its checked type, else a plain download."""
    return content_type if content_type in EXTENSIONS else "application/octet-stream"


def _refuse_macros(name: str) -> NoReturn:
    raise ReportingError(
        _(
            "Tệp “%(name)s” là tệp Office có macro (mã lệnh tự chạy): không nhận làm minh chứng. "
            "Hãy lưu lại thành .xlsx, .docx hoặc PDF rồi tải lên."
        )
        % {"name": name}
    )


def check_upload(upload: object) -> CheckedFile:
    """Check an uploaded file's size and content type; raise ReportingError naming the file when refused."""
    name = _clean_name(str(getattr(upload, "name", "")))
    if name.lower().endswith(MACRO_SUFFIXES):
        _refuse_macros(name)
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ReportingError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if size > max_bytes():
        raise ReportingError(
            _("Tệp “%(name)s” vượt quá dung lượng cho phép (%(mb)s MB).")
            % {"name": name, "mb": max_bytes() // (1024 * 1024)}
        )
    stream = upload.file  # type: ignore[attr-defined]
    kind, macros = inspect(stream)
    if macros:
        _refuse_macros(name)
    if kind is None:
        raise ReportingError(
            _("Tệp “%(name)s” không phải PDF, ảnh PNG/JPEG, XLSX hoặc DOCX (kiểm tra theo nội dung tệp).")
            % {"name": name}
        )
    return CheckedFile(upload, display_label(name, kind), kind, size, _sha256(stream))


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
