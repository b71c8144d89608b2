"""Writing batches as CSV, JSON Lines or JSON (docs/dossier-format.md), and as plain records.

CSV: one column per field, nested lists as JSON in a column of the same name (cells come
CSV-encoded from render's "csv" flavour, so rows are plain joins). JSON Lines and JSON: the
portal's sync payload ``{"hoSo": {...}, "tienTrinhDongBo": [...]}`` per dossier, and flat
objects for petitions and ratings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .render import HOSO_COLUMNS, JSON_COLUMNS, ObjArray

FORMATS = ("csv", "jsonl", "json")
Columns = dict[str, ObjArray]


def flavour_of(fmt: str) -> str:
    """The render flavour a file format needs."""
    return "csv" if fmt == "csv" else "json"


def _rows(cols: Columns) -> Iterator[tuple[str, ...]]:
    return zip(*(c.tolist() for c in cols.values()), strict=True)


def _template(names: Iterable[str]) -> str:
    """A %-format template of a flat JSON object; JSON columns are embedded raw."""
    parts = [f'"{n}":%s' if n in JSON_COLUMNS else f'"{n}":"%s"' for n in names]
    return "{" + ",".join(parts) + "}"


def dossier_template() -> str:
    """The JSON Lines template of one dossier in the portal's sync payload form."""
    return '{"hoSo":' + _template(HOSO_COLUMNS) + ',"tienTrinhDongBo":%s}'


def json_lines(cols: Columns, dossiers: bool) -> list[str]:
    """One JSON text per record of "json"-flavoured cells."""
    template = dossier_template() if dossiers else _template(cols)
    return [template % row for row in _rows(cols)]


def csv_lines(cols: Columns) -> list[str]:
    """One CSV line per record of "csv"-flavoured cells."""
    return list(map(",".join, _rows(cols)))


class Writer:
    """Streams batches of one record kind to a text file in one of FORMATS."""

    def __init__(self, fh: IO[str], fmt: str, dossiers: bool) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.fh, self.fmt, self.dossiers = fh, fmt, dossiers
        self.count = 0
        self._header_done = False

    def write(self, cols: Columns) -> None:
        """Append the records of ``cols`` (cells in the format's flavour)."""
        n = len(next(iter(cols.values()))) if cols else 0
        if self.fmt == "csv":
            if not self._header_done:
                self.fh.write(",".join(cols) + "\n")
                self._header_done = True
            if n:
                self.fh.write("\n".join(csv_lines(cols)) + "\n")
        elif n and self.fmt == "jsonl":
            self.fh.write("\n".join(json_lines(cols, self.dossiers)) + "\n")
        elif n:
            self.fh.write(("[\n" if self.count == 0 else ",\n") + ",\n".join(json_lines(cols, self.dossiers)))
        self.count += n

    def close(self) -> None:
        """Finish the document (a JSON array needs its closing bracket)."""
        if self.fmt == "json":
            self.fh.write("\n]\n" if self.count else "[]\n")


def records(cols: Columns, dossiers: bool) -> list[dict[str, Any]]:
    """The batch ("json" cells) as plain records (dossiers in the sync payload form)."""
    return [json.loads(line) for line in json_lines(cols, dossiers)]
