"""Spreadsheet formula injection ("CSV injection"): the one rule every export follows.

A spreadsheet program runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and some also after a leading tab or carriage return: ``=HYPERLINK(...)`` sends data
away when clicked, ``=cmd|' /C calc'!A0`` starts a program through DDE. Values in kpixa's
exports come from senders (a dossier's ``MaHoSo``, ``ChuHoSo``, a procedure name, a rejected
raw value), so every exported text cell goes through this module (docs/security.md):

- **CSV**: ``csv_writer`` is a ``csv.writer`` whose every cell passes ``safe_cell``. A text
  cell that starts with one of ``TRIGGERS`` (also after leading white space or zero-width
  characters, which some programs skip) gets a leading single quote ``'``, the OWASP rule:
  spreadsheet programs then show it as text. Numbers written as numbers (``int``, ``float``,
  ``Decimal``) are not text and pass unchanged, so a negative score stays a number that sums;
  a negative number that arrives as *text* (a rejected record's raw value ``"-5"``) is escaped
  like any other text, since the export cannot tell it from ``-2+3``.
- **XLSX**: ``as_text`` stores a string cell as a string. openpyxl turns every string that
  starts with ``=`` into a formula cell; the exports never write formulas, so the cell's data
  type is forced back to text and the value is kept verbatim (no quote needed: an XLSX text
  cell is never evaluated).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

# What ``safe_cell`` writes: text, or a number (or None, a boolean) left as it is.
SafeValue = str | int | float | Decimal | None

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters a spreadsheet program may skip before it looks for a formula sign.
_LEADING = " \t\r\n\x0b\x0c\xa0\u200b\u200c\u200d\u2060\ufeff"
# A cell can be formula-like only if it starts with one of these (a one-character look first).
_FIRST = frozenset("".join(TRIGGERS) + _LEADING)


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program could read ``text`` as a formula."""
    if not text or text[0] not in _FIRST:
        return False
    return text.startswith(TRIGGERS) or text.lstrip(_LEADING).startswith(TRIGGERS)


def safe_cell(value: object) -> SafeValue:
    """The value to write into a CSV cell: formula-like text gets a leading ``'``.

    ``None``, booleans and numbers are returned unchanged; anything else is written as its text.
    """
    if type(value) is str:  # the common case first: exports write millions of cells
        return "'" + value if is_formula_like(value) else value
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def safe_row(values: Iterable[object]) -> list[SafeValue]:
    """``safe_cell`` of every value of a row."""
    return [safe_cell(v) for v in values]


class SafeCsvWriter:
    """A ``csv.writer`` that neutralises formula-like cells (see the module's docstring)."""

    def __init__(self, out: SupportsWrite[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: SupportsWrite[str], **options: Any) -> SafeCsvWriter:
    """The CSV writer of every export: ``csv.writer(out, **options)`` with ``safe_cell`` applied."""
    return SafeCsvWriter(out, **options)


def as_text[C: Cell | MergedCell](cell: C) -> C:
    """Keep an openpyxl cell holding a string a text cell, never a formula; return the cell."""
    if isinstance(cell.value, str) and cell.data_type != "s":
        cell.data_type = "s"
    return cell


def append_row(sheet: Worksheet, values: list[Any]) -> None:
    """``sheet.append(values)`` with every string cell kept as text (``as_text``)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        as_text(cell)
