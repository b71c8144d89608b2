"""HTML built in Python for the pages: numbers the Vietnamese way, class colours and the dashboard's
ranking rows. The template tags (kpixa/web/templatetags/kpixa_web.py) register these helpers as
filters; the page modules (kpixa/web/pages/) read and shape data and never build markup themselves.
Charts (SVG) are built in kpixa/web/charts.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kpixa.web.labels import class_shown

if TYPE_CHECKING:
    from kpixa.web.pages.dashboard import RankedCommune

CLASS_CSS = {
    "xuat_sac": "c-xs",
    "tot": "c-tot",
    "kha": "c-ht",
    "hoan_thanh": "c-ht",
    "chua_dat": "c-kht",
    "khong_hoan_thanh": "c-kht",
}


def num(value: Any, places: int = 2) -> str:
    """A number with a decimal comma and at most ``places`` decimals ("—" when unknown): 87,5."""
    if value is None or value == "":
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    text = f"{Decimal(str(value)).quantize(quantum):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def signed(value: Any) -> str:
    """A change with its sign: +2,5 / −1 / 0 ("—" when unknown)."""
    if value is None:
        return "—"
    amount = Decimal(str(value))
    text = num(abs(amount))
    if amount > 0:
        return "+" + text
    return "−" + text if amount < 0 else text


def class_css(code: str) -> str:
    """The CSS class colouring a classification code."""
    return CLASS_CSS.get(code, "c-none")


# --- the province dashboard's ranking rows ------------------------------------------------------

RANKING_ROW = (
    '<tr><td class="num">{}</td><td><a href="{}?period={}">{}</a></td><td class="num">{}</td>'
    '<td><span class="cls {}">{}</span></td><td class="num">{}</td>{}</tr>'
)


def ranking_row(row: RankedCommune, url_pattern: str, period_code: str) -> str:
    """The ranking row's markup (built once per board: 135 rows of a dozen cells are the page's
    main cost when rendered by the template engine)."""

    heat = mark_safe(  # noqa: S308  # only integers go in (level and percent)
        "".join(
            f'<td class="num heat h{int(level)}">{"—" if pct is None else f"{int(pct)}%"}</td>'
            for _c, pct, level in row.heat
        )
    )
    return format_html(
        RANKING_ROW,
        row.rank or "—",
        url_pattern.replace("CODE", row.code),
        period_code,
        row.name,
        num(row.total),
        class_css(row.classification),
        class_shown(row.classification_label, row.classification) or "—",
        signed(row.change),
        heat,
    )


def mark_up_ranking(rows: Iterable[RankedCommune], period_code: str) -> None:
    """Build each row's markup once, when the board is computed (it is cached with the board)."""
    url = reverse("web:scorecard", args=["CODE"])
    for row in rows:
        row.html = ranking_row(row, url, period_code)


def ranking_rows(rows: Iterable[RankedCommune]) -> SafeString:
    """The rows' markup, joined (each built by ``ranking_row``)."""
    return mark_safe("\n".join(r.html for r in rows))  # noqa: S308  # built by format_html
