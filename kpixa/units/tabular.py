"""Reading import files (CSV or XLSX) into rows of strings, and the row-level error they report."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

# Spreadsheet numbering: the header is row 1, so the first data row is row 2.
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class RowError:
    """One refused row of an import file: its row number, the column at fault and why (Vietnamese)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Dòng %(row)s, cột %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX file we can read (the message is in Vietnamese)."""


def nfc(value: object) -> str:
    """Return ``value`` as a stripped, NFC-normalised string ('' for None)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Return the data rows of a CSV or XLSX file as dicts keyed by lower-cased header names."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path.read_bytes())
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path)
    raise UnreadableFile(_("Chỉ nhận tệp .csv hoặc .xlsx (nhận được %(name)s).") % {"name": path.name})


def read_csv(data: bytes) -> list[dict[str, Any]]:
    """Parse UTF-8 CSV bytes (BOM allowed, comma or semicolon separated) into header-keyed rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("Tệp CSV phải được mã hóa UTF-8.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return _keyed(list(reader))


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    """Read the first worksheet of an XLSX file into header-keyed rows (cells keep their types)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile(_("Không đọc được tệp Excel: %(error)s") % {"error": exc}) from exc
    try:
        sheet = book.worksheets[0]
        return _keyed([list(row) for row in sheet.iter_rows(values_only=True)])
    finally:
        book.close()


def _keyed(table: Sequence[Sequence[object]]) -> list[dict[str, Any]]:
    if not table:
        return []
    header = [nfc(cell).lower() for cell in table[0]]
    rows: list[dict[str, Any]] = []
    for values in table[1:]:
        if all(nfc(v) == "" for v in values):
            rows.append({})  # keep numbering; callers skip empty rows
            continue
        rows.append({key: values[i] if i < len(values) else None for i, key in enumerate(header) if key})
    return rows


def parse_day(value: object) -> date | None:
    """Return a date from a dd/mm/yyyy or yyyy-mm-dd string or a spreadsheet date; None if empty.

    Raises ValueError when the value is present but is not such a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = nfc(value)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def commune_code(value: object) -> str:
    """Return a commune code as 5 zero-padded digits ('4' → '00004'), or the text as given."""
    text = nfc(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text.zfill(5) if text.isdigit() and len(text) <= 5 else text
