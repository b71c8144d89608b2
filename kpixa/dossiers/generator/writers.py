"""Writing batches as CSV, JSON Lines or JSON (docs/dossier-format.md), and as plain records.

CSV: one column per field, nested lists as JSON in a column of the same name. JSON Lines and
JSON: the portal's sync payload ``{"hoSo": {...}, "tienTrinhDongBo": [...]}`` per dossier,
and flat objects for petitions and ratings.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .render import HOSO_COLUMNS, JSON_COLUMNS, STEPS_COLUMN, ObjArray

FORMATS = ("csv", "jsonl", "json")
Columns = dict[str, ObjArray]


def _rows(cols: Columns) -> Iterator[tuple[str, ...]]:
    return zip(*(c.tolist() for c in cols.values()), strict=True)


def _template(names: Iterable[str]) -> str:
    """A %-format template of a flat JSON object; JSON columns are embedded raw."""
    parts = [f'"{n}":%s' if n in JSON_COLUMNS else f'"{n}":"%s"' for n in names]
    return "{" + ",".join(parts) + "}"


def dossier_template() -> str:
    """The JSON Lines template of one dossier in the portal's sync payload form."""
    hoso = _template(HOSO_COLUMNS)
    return '{"hoSo":' + hoso + ',"tienTrinhDongBo":%s}'


def json_lines(cols: Columns, dossiers: bool) -> list[str]:
    """One JSON text per record (the values are known to need no escaping, see render.json_safe)."""
    template = dossier_template() if dossiers else _template(cols)
    return [template % row for row in _rows(cols)]


class Writer:
    """Streams batches of one record kind to a text file in one of FORMATS."""

    def __init__(self, fh: IO[str], fmt: str, dossiers: bool) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.fh, self.fmt, self.dossiers = fh, fmt, dossiers
        self.count = 0
        self._csv: Any = None

    def write(self, cols: Columns) -> None:
        """Append the records of ``cols`` (writing the header or opening bracket first)."""
        if self.fmt == "csv":
            self._write_csv(cols)
        else:
            self._write_json(cols)
        self.count += len(next(iter(cols.values()))) if cols else 0

    def _write_csv(self, cols: Columns) -> None:
        if self._csv is None:
            self._csv = csv.writer(self.fh, lineterminator="\n")
            self._csv.writerow(list(cols))
        self._csv.writerows(_rows(cols))

    def _write_json(self, cols: Columns) -> None:
        lines = json_lines(cols, self.dossiers)
        if not lines:
            return
        if self.fmt == "jsonl":
            self.fh.write("\n".join(lines) + "\n")
            return
        self.fh.write(("[\n" if self.count == 0 else ",\n") + ",\n".join(lines))

    def close(self) -> None:
        """Finish the document (a JSON array needs its closing bracket)."""
        if self.fmt == "json":
            self.fh.write("\n]\n" if self.count else "[]\n")


def records(cols: Columns, dossiers: bool) -> list[dict[str, Any]]:
    """The batch as plain records (dossiers in the sync payload form), ready for an importer."""
    return [json.loads(line) for line in json_lines(cols, dossiers)]


__all__ = ["FORMATS", "STEPS_COLUMN", "Writer", "json_lines", "records"]
