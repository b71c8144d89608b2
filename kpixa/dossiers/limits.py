"""Resource limits of one import batch (docs/settings.md, "Import limits").

A file may not hold more than ``KPIXA_IMPORT_MAX_ROWS`` records, a batch may not reject more
than ``KPIXA_IMPORT_MAX_REJECTIONS`` records, and an XLSX file (a zip archive) may not expand
to more than ``KPIXA_IMPORT_MAX_XLSX_BYTES`` nor compress any member better than
``KPIXA_IMPORT_MAX_XLSX_RATIO`` to 1, which no real spreadsheet does and a zip bomb always
does. A batch beyond a limit stops as a whole, with one clear reason and nothing written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class LimitExceeded(Exception):  # noqa: N818 — the job page shows its message as the reason
    """The batch is beyond one of the import limits; nothing of it is kept."""


def max_rows() -> int:
    return int(getattr(settings, "KPIXA_IMPORT_MAX_ROWS", 2_000_000))


def max_rejections() -> int:
    return int(getattr(settings, "KPIXA_IMPORT_MAX_REJECTIONS", 10_000))


def check_counts(read: int, rejected: int) -> None:
    """Stop the batch once it has read too many records or rejected too many."""
    if read > max_rows():
        raise LimitExceeded(
            _(
                "Tệp có hơn %(n)s bản ghi, vượt giới hạn của một lô nhập; "
                "hãy chia tệp thành nhiều tệp nhỏ hơn."
            )
            % {"n": f"{max_rows():,}".replace(",", ".")}
        )
    if rejected > max_rejections():
        raise LimitExceeded(
            _(
                "Lô bị dừng vì có hơn %(n)s bản ghi bị từ chối; không bản ghi nào của lô được ghi. "
                "Hãy kiểm tra định dạng tệp (tên cột, mã đơn vị) rồi gửi lại."
            )
            % {"n": f"{max_rejections():,}".replace(",", ".")}
        )


def check_file(path: str | Path, fmt: str) -> None:
    """Refuse an XLSX file that would expand beyond the limits (before anything reads it)."""
    if fmt != "xlsx":
        return
    limit = int(getattr(settings, "KPIXA_IMPORT_MAX_XLSX_BYTES", 200 * 1024 * 1024))
    ratio = int(getattr(settings, "KPIXA_IMPORT_MAX_XLSX_RATIO", 100))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: the XLSX reader answers with its own clear error
    total = sum(m.file_size for m in members)
    worst = max(
        (m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1_000_000), default=0
    )
    if total > limit or worst > ratio:
        raise LimitExceeded(
            _(
                "Tệp Excel bung ra %(size)s MB dữ liệu (nén %(ratio)s lần), vượt giới hạn an toàn "
                "(%(limit)s MB, %(max_ratio)s lần); tệp không được đọc. Hãy xuất lại tệp hoặc dùng CSV."
            )
            % {
                "size": total // (1024 * 1024),
                "ratio": int(worst),
                "limit": limit // (1024 * 1024),
                "max_ratio": ratio,
            }
        )
