"""The stored evaluation of communes and leaders as JSON, CSV or XLSX (docs/rules.md, "Evaluation
of communes and leaders"). CSV and XLSX: one row per leader (a commune without a leader has one
row with the leader columns empty); every cell through ``kpixa.spreadsheet_safety``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from kpixa.spreadsheet_safety import append_row, csv_writer

FORMATS = ("json", "csv", "xlsx")
COLUMNS = [
    "unit_code",
    "unit_name",
    "unit_total",
    "unit_classification",
    "unit_reasons",
    "unit_consequences",
    "post",
    "person",
    "person_name",
    "regime",
    "total",
    "classification",
    "criteria",
    "reasons",
    "consequences",
    "unit_owners",
    "unit_sync_relief",
]


def _consequences(items: list[dict[str, str]]) -> str:
    return " | ".join(f"{c['kind']} [{c['rule']}]: {c['reason']}" for c in items)


def _criteria(items: list[dict[str, Any]]) -> str:
    return " | ".join(f"{c['name']}={c['value']} ({c['input']}; {c['article']})" for c in items)


def _owners(items: list[dict[str, Any]]) -> str:
    """The cited indicators with their owner (post, person; "" post: a gap), as codes and names."""
    return " | ".join(f"{o['code']}: {o['post'] or '-'} {o.get('person_name') or ''}".rstrip() for o in items)


def _sync_relief(relief: dict[str, Any] | None) -> str:
    if not relief:
        return ""
    return f"{relief['total']} {relief['classification']}: {relief['note']}"


def rows(communes: list[dict[str, Any]]) -> Iterable[list[Any]]:
    """One row per leader, the commune's columns repeated (its citations and sync relief last)."""
    for commune in communes:
        tail = [_owners(commune.get("owners", [])), _sync_relief(commune.get("sync_relief"))]
        unit = [
            commune["unit_code"],
            commune["unit_name"],
            commune["total"],
            commune["classification"],
            " | ".join(commune["reasons"]),
            _consequences(commune.get("consequences", [])),
        ]
        if not commune["leaders"]:
            yield unit + [""] * (len(COLUMNS) - len(unit) - len(tail)) + tail
        for leader in commune["leaders"]:
            yield unit + [
                leader["post"],
                leader["person"],
                leader.get("person_name", ""),
                leader["regime"],
                leader["total"],
                leader["classification"],
                _criteria(leader.get("criteria", [])),
                " | ".join(leader["reasons"]),
                _consequences(leader["consequences"]),
                *tail,
            ]


def render(communes: list[dict[str, Any]], fmt: str) -> bytes:
    """The communes in ``fmt`` (json, csv with a BOM for spreadsheet programs, xlsx)."""
    if fmt == "json":
        return json.dumps(communes, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows(communes))
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "danh_gia"
        append_row(sheet, COLUMNS)
        for row in rows(communes):
            append_row(sheet, row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}")
