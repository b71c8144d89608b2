"""Score exports: JSON (the documented shape), CSV and XLSX with Vietnamese headers."""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils.translation import gettext as _

from kpixa.frameworks.parsed import framework_of
from kpixa.scoring.engine.export import json_number
from kpixa.scoring.labels import class_shown, status_text
from kpixa.scoring.models import UnitScore
from kpixa.scoring.queries import Scoreboard, export_rows
from kpixa.spreadsheet_safety import append_row, csv_writer

FORMATS = ("json", "csv", "xlsx")


def _summary_headers() -> list[str]:
    return [_("Mã đơn vị"), _("Tên đơn vị"), _("Tổng điểm"), _("Xếp loại"), _("Hạng trong tỉnh")]


def _detail_headers() -> list[str]:
    return [
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        _("Mã chỉ số"),
        _("Tử số"),
        _("Mẫu số"),
        _("Tỷ lệ (%)"),
        _("Điểm"),
        _("Điểm tối đa"),
        _("Tính vào tổng"),
        _("Tối đa tính vào tổng"),
        _("Tình trạng"),
        _("Giải thích"),
    ]


def summary_rows(board: Scoreboard) -> list[list[Any]]:
    """One row per unit: code, name, total, class label (in the active language), rank in province."""
    return [
        [u.commune.code, u.commune.name, json_number(u.total), _class(u), u.rank_province]
        for u in board.units
    ]


def _class(unit: UnitScore) -> str:
    return class_shown(unit.classification_label, unit.classification)


def detail_rows(board: Scoreboard) -> list[list[Any]]:
    """One row per (unit, indicator) with the numbers and the explanation (in the active language).

    "Tính vào tổng" is what the indicator adds to the unit's total (after re-scaling around
    indicators without data or not applicable): a unit's total is the sum of that column.
    "Tình trạng" is the status's label in the active language with what it does to the total, as
    the pages print it (``kpixa.scoring.labels.status_text``): "Không có dữ liệu — tính đủ điểm"."""
    policies = {ind.code: str(ind.na_policy) for ind in framework_of(board.version).indicators()}
    rows = []
    for unit in board.units:
        for r in board.indicators.get(unit.commune_id, []):
            rows.append(
                [
                    unit.commune.code,
                    unit.commune.name,
                    r.indicator_code,
                    json_number(r.numerator),
                    json_number(r.denominator),
                    json_number(r.rate_display),
                    json_number(r.points),
                    json_number(r.max_points),
                    json_number(r.counted_points),
                    json_number(r.counted_max),
                    status_text(r.status, policies.get(r.indicator_code, ""), r.counted_max),
                    r.explanation,
                ]
            )
    return rows


def to_json(board: Scoreboard) -> bytes:
    """The JSON list of units (UTF-8, Vietnamese letters unescaped)."""
    return json.dumps(export_rows(board), ensure_ascii=False, indent=2).encode("utf-8")


def to_csv(board: Scoreboard) -> bytes:
    """One row per (unit, indicator), summary columns repeated; UTF-8 with BOM so Excel reads it."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([*_detail_headers()[:2], _("Tổng điểm"), _("Xếp loại"), *_detail_headers()[2:]])
    totals = {u.commune.code: (json_number(u.total), _class(u)) for u in board.units}
    for row in detail_rows(board):
        writer.writerow([row[0], row[1], *totals[row[0]], *row[2:]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(board: Scoreboard) -> bytes:
    """A workbook with a summary sheet (one row per unit) and a detail sheet (per indicator)."""
    from openpyxl import Workbook

    book = Workbook()
    summary: Any = book.active
    summary.title = _("Tổng hợp")
    _fill(summary, _summary_headers(), summary_rows(board))
    _fill(book.create_sheet(_("Chi tiết chỉ số")), _detail_headers(), detail_rows(board))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, headers: list[str], rows: list[list[Any]]) -> None:
    append_row(sheet, headers)
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"


def render(board: Scoreboard, fmt: str) -> bytes:
    """Return the export of ``board`` in ``fmt`` (one of FORMATS)."""
    return {"json": to_json, "csv": to_csv, "xlsx": to_xlsx}[fmt](board)


def write_export(data: bytes, fmt: str, output: str | None, stdout: Any) -> None:
    """Write an export command's bytes to ``output``, or as text to the command's ``stdout``
    (without the CSV's byte-order mark); XLSX is binary and needs a file."""
    from pathlib import Path

    from django.core.management.base import CommandError

    if output:
        Path(output).write_bytes(data)
    elif fmt == "xlsx":
        raise CommandError("XLSX needs --output FILE")
    else:
        stdout.write(data.decode("utf-8").lstrip("\ufeff"), ending="")
