"""The review meeting's pre-read pack (docs/review.md) as an official report, XLSX and PDF, in
the frame of the other exports (header, "Nơi nhận", signatory: kpixa/web/exports/data.py, xlsx.py,
pdf.py): the worst communes with what pulled them down, the material changes since the previous
meeting, the previous meeting's commitments kept or not, and this meeting's commitments."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kpixa.review.models import Meeting
from kpixa.review.queries import CommitmentLine, Pack, pack
from kpixa.scoring.versions import period_of
from kpixa.web.exports.data import Header, _header
from kpixa.web.exports.pdf import _frame, to_pdf
from kpixa.web.exports.text import number
from kpixa.web.exports.xlsx import _save, setup_page, write_header, write_row, write_signatures

WIDTHS = (6, 26, 16, 30, 12, 10, 10, 10, 16)
MOVED = {"up": "tăng", "down": "giảm", "same": "không đổi", "": "–"}


def header(data: Pack) -> Header:
    """The pack's official frame (one query: the province's document settings)."""
    meeting = data.meeting
    title = _("TÀI LIỆU HỌP GIAO BAN")
    subject = _("%(body)s, ngày %(day)s") % {
        "body": meeting.get_body_display(),
        "day": meeting.held_on.strftime("%d/%m/%Y"),
    }
    return _header(meeting.province, data.framework, period_of(meeting.period_code), title, subject, None)


def _pulls(line: Any) -> str:
    return ", ".join(
        f"{p.code} (−{number(p.points)})"
        if p.kind == "lost"
        else f"{p.code} ({_('thiếu')} {number(p.points)})"
        for p in line.pulls
    )


def _moved(line: CommitmentLine) -> str:
    return _(MOVED[line.moved])


def sections(data: Pack) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, column headers, rows) of each part of the pack."""
    worst = [
        [i, w.name, w.rank or "–", _pulls(w) or "–", w.total, w.label or "–"]
        for i, w in enumerate(data.worst, start=1)
    ]
    changes = [
        [i, c.name, c.previous_label or "–", c.label or "–", c.change]
        for i, c in enumerate(data.changes, start=1)
    ]

    def commitments(lines: list[CommitmentLine]) -> list[list[Any]]:
        return [
            [
                i,
                line.commitment.commune.name,
                line.commitment.owner_name or line.commitment.get_post_display(),
                line.commitment.what,
                line.commitment.due_on.strftime("%d/%m/%Y"),
                line.commitment.indicator_code,
                line.commitment.baseline,
                line.now,
                f"{line.commitment.get_status_display()} · {_moved(line)}",
            ]
            for i, line in enumerate(lines, start=1)
        ]

    people = [_("STT"), _("Xã/phường"), _("Người cam kết"), _("Nội dung"), _("Hạn"), _("Chỉ số")]
    return [
        (
            _("I. Các xã/phường kém nhất kỳ %(code)s") % {"code": data.meeting.period_code},
            [_("STT"), _("Xã/phường"), _("Hạng"), _("Chỉ số kéo điểm xuống"), _("Tổng điểm"), _("Xếp loại")],
            worst,
        ),
        (
            _("II. Thay đổi đáng kể từ kỳ %(code)s") % {"code": data.since_code},
            [_("STT"), _("Xã/phường"), _("Xếp loại trước"), _("Xếp loại nay"), _("Thay đổi điểm")],
            changes,
        ),
        (
            _("III. Cam kết tại cuộc họp trước và kết quả"),
            [*people, _("Lúc cam kết (%)"), _("Hiện tại (%)"), _("Kết quả")],
            commitments(data.carried),
        ),
        (
            _("IV. Cam kết tại cuộc họp này"),
            [*people, _("Lúc cam kết (%)"), _("Hiện tại (%)"), _("Kết quả")],
            commitments(data.made),
        ),
    ]


def meeting_xlsx(meeting: Meeting) -> bytes:
    """The pack as an XLSX official report (A4 landscape)."""
    data = pack(meeting)
    frame = header(data)
    book = Workbook()
    ws: Any = book.active
    ws.title = _("Tài liệu họp")
    ncols = len(WIDTHS)
    row = write_header(ws, frame, ncols)
    first = row
    for title, columns, rows in sections(data):
        write_row(ws, row, [title], bold=True)
        write_row(ws, row + 1, columns, bold=True)
        shown = rows or [[_("Không có")]]
        for offset, values in enumerate(shown, start=2):
            write_row(ws, row + offset, values)
        row += len(shown) + 3
    setup_page(ws, first, WIDTHS, landscape=True)
    ws.print_title_rows = None
    write_signatures(ws, row, ncols, frame)
    return _save(book)


def meeting_html(meeting: Meeting) -> str:
    """The pack's official-report HTML (A4 landscape)."""
    data = pack(meeting)
    context = _frame(header(data), landscape=True) | {
        "sections": [
            (title, columns, [[_cell(v) for v in values] for values in rows])
            for title, columns, rows in sections(data)
        ]
    }
    return render_to_string("web/exports/meeting.html", context)


def _cell(value: Any) -> dict[str, str]:
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return {
            "text": "–" if value is None else str(value),
            "css": "center" if isinstance(value, int) else "",
        }
    return {"text": number(value), "css": "num"}


def meeting_pdf(meeting: Meeting) -> bytes:
    """The pack as a PDF official report."""
    return to_pdf(meeting_html(meeting))
