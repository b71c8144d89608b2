"""XLSX exports in the layout of a Vietnamese official report (one sheet, A4, printable)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kpixa.spreadsheet_safety import as_text
from kpixa.web.exports.data import (
    GroupBlock,
    Header,
    Ranking,
    ScorecardReport,
    scorecard_summary,
    status_label,
)
from kpixa.web.exports.text import (
    MOTTO,
    MOTTO_SUBTITLE,
    group_number,
    ranking_headers,
    scorecard_headers,
)

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
SCORECARD_WIDTHS = (6, 8, 34, 10, 10, 9, 9, 8, 8, 9, 12, 44)
SCORECARD_DECIMALS = frozenset({6, 7, 8, 9, 10})  # rate, target, points, maximum, counted
RANKING_FIXED_WIDTHS = (6, 7, 9, 28, 9)


def _font(bold: bool = False, italic: bool = False, underline: bool = False, size: int = 12) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline="single" if underline else None)


def _merged(
    ws: Any, row: int, first: int, last: int, value: Any, font: Font, align: Alignment = CENTER
) -> None:
    """Write ``value`` into columns first..last of ``row``, merged."""
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = as_text(ws.cell(row=row, column=first, value=value))
    cell.font = font
    cell.alignment = align


def _split(ncols: int) -> int:
    """The last column of the left half of the header (issuer, preparer's signature)."""
    return max(2, ncols * 2 // 5)


def write_header(ws: Any, header: Header, ncols: int) -> int:
    """Write the official header (issuer, motto, date, title, period); return the next free row."""
    mid = _split(ncols)
    _merged(ws, 1, 1, mid, header.issuer.parent, _font())
    _merged(ws, 1, mid + 1, ncols, MOTTO, _font(bold=True))
    _merged(ws, 2, 1, mid, header.issuer.body, _font(bold=True))
    _merged(ws, 2, mid + 1, ncols, MOTTO_SUBTITLE, _font(bold=True, underline=True))
    _merged(ws, 4, 1, mid, header.number_line, _font(size=13))
    _merged(ws, 4, mid + 1, ncols, header.date_line, _font(italic=True))
    lines = [
        (header.title, _font(bold=True, size=14)),
        (header.subject, _font(bold=True)),
        (header.framework_name, _font(italic=True)),
        (header.period_label, _font()),
        (header.as_of_line, _font(italic=True)),
    ]
    if header.example_note:
        lines.append((header.example_note, _font(italic=True)))
    for offset, (text, font) in enumerate(lines):
        _merged(ws, 6 + offset, 1, ncols, text, font)
    ws.row_dimensions[6].height = 36
    return 6 + len(lines) + 1


# Number formats: whole numbers (STT, rank, counts) as integers; points, rates and targets with
# two decimals always (one style, docs/exports.md); a count that is not whole keeps two decimals.
INTEGER = "#,##0"
TWO_DECIMALS = "#,##0.00"


def _number_format(value: Any, decimals: bool) -> str:
    if decimals or (isinstance(value, Decimal | float) and value != int(value)):
        return TWO_DECIMALS
    return INTEGER


def write_row(
    ws: Any,
    row: int,
    values: Sequence[Any],
    bold: bool = False,
    decimal_columns: frozenset[int] = frozenset(),
) -> None:
    """Write one boxed table row; numbers right-aligned with a number format (two decimals in the
    1-based ``decimal_columns``, whole numbers elsewhere), text wrapped."""
    for column, value in enumerate(values, start=1):
        cell = as_text(ws.cell(row=row, column=column, value=value))
        cell.font = _font(bold=bold, size=11)
        cell.border = BOX
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            cell.number_format = _number_format(value, column in decimal_columns)
            cell.alignment = RIGHT
        else:
            cell.alignment = LEFT if isinstance(value, str) and len(value) > 12 else CENTER


def write_signatures(ws: Any, row: int, ncols: int, header: Header) -> None:
    """Write "Nơi nhận" (left) and the signatory's authority, title and name (right) from ``row``."""
    mid, signing = _split(ncols), header.signing
    _merged(ws, row, 1, mid, _("Nơi nhận:"), _font(bold=True, italic=True), LEFT)
    for offset, line in enumerate(signing.recipient_lines(), start=1):
        _merged(ws, row + offset, 1, mid, line, _font(size=11), LEFT)
    titles = [text for text in (signing.authority, signing.title) if text]
    for offset, text in enumerate(titles):
        _merged(ws, row + offset, mid + 1, ncols, text, _font(bold=True))
    _merged(ws, row + len(titles) + 4, mid + 1, ncols, signing.name, _font(bold=True))


def setup_page(ws: Any, header_row: int, widths: Sequence[float], landscape: bool) -> None:
    """A4, fit to the page width, the table header repeated on each page, page numbers in the footer."""
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = _("Trang &P/&N")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the commune scorecard ------------------------------------------------------------------


def _group_row(index: int, block: GroupBlock) -> list[Any]:
    return [
        group_number(index),
        "",
        block.group.name.vi,
        None,
        None,
        None,
        None,
        block.own_points,
        block.group.max_points,
        block.points,
        "",
        "",
    ]


def _indicator_rows(block: GroupBlock) -> list[list[Any]]:
    return [
        [
            number,
            line.indicator.code,
            line.indicator.name.vi,
            score.numerator,
            score.denominator,
            score.rate_display,
            score.target,
            score.points,
            score.max_points,
            score.counted_points,
            status_label(score, line),
            score.explanation,
        ]
        for number, line, score in block.numbered()
    ]


def scorecard_workbook(card: ScorecardReport) -> bytes:
    """Return the commune scorecard as an XLSX file."""
    book = Workbook()
    ws: Any = book.active
    ws.title = _("Kết quả đánh giá")
    headers = scorecard_headers()
    first = write_header(ws, card.header, len(headers))
    write_row(ws, first, headers, bold=True)
    row = first + 1
    for index, block in enumerate(card.groups, start=1):
        write_row(ws, row, _group_row(index, block), bold=True, decimal_columns=SCORECARD_DECIMALS)
        row += 1
        for values in _indicator_rows(block):
            write_row(ws, row, values, decimal_columns=SCORECARD_DECIMALS)
            row += 1
    own = sum((block.own_points for block in card.groups), Decimal(0))
    total = [
        "",
        "",
        _("TỔNG CỘNG"),
        None,
        None,
        None,
        None,
        own,
        card.unit.max_total,
        card.unit.total,
        "",
        "",
    ]
    write_row(ws, row, total, bold=True, decimal_columns=SCORECARD_DECIMALS)
    for offset, text in enumerate(scorecard_summary(card), start=2):
        _merged(ws, row + offset, 1, len(headers), text, _font(), LEFT)
    write_signatures(ws, row + 6, len(headers), card.header)
    setup_page(ws, first, SCORECARD_WIDTHS, landscape=False)
    return _save(book)


# --- the province ranking -------------------------------------------------------------------


def _ranking_row(ranking: Ranking, index: int) -> list[Any]:
    line = ranking.lines[index]
    unit = line.unit
    return [
        line.number,
        unit.rank_province,
        unit.commune.code,
        unit.commune.name,
        unit.commune.get_kind_display(),
        *line.group_points,
        unit.total,
        unit.classification_label or _("Chưa xếp loại"),
    ]


def ranking_workbook(ranking: Ranking) -> bytes:
    """Return the province ranking as an XLSX file (A4 landscape)."""
    book = Workbook()
    ws: Any = book.active
    ws.title = _("Xếp hạng")
    headers = ranking_headers(ranking.framework)
    first = write_header(ws, ranking.header, len(headers))
    write_row(ws, first, headers, bold=True)
    decimals = frozenset(range(6, len(headers)))  # the groups' points and the total
    for index in range(len(ranking.lines)):
        write_row(ws, first + 1 + index, _ranking_row(ranking, index), decimal_columns=decimals)
    row = first + len(ranking.lines) + 2
    _merged(ws, row, 1, len(headers), _("Tổng hợp xếp loại:"), _font(bold=True), LEFT)
    for offset, (label, count) in enumerate(ranking.classes, start=1):
        _merged(ws, row + offset, 1, len(headers), f"– {label}: {count}", _font(), LEFT)
    groups = [9] * len(ranking.framework.groups)
    setup_page(ws, first, [*RANKING_FIXED_WIDTHS, *groups, 9, 26], landscape=True)
    write_signatures(ws, row + len(ranking.classes) + 2, len(headers), ranking.header)
    return _save(book)
