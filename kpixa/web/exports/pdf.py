"""PDF exports: the official-report HTML (Django templates) rendered by WeasyPrint."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kpixa.scoring.models import IndicatorScore
from kpixa.web.exports.data import (
    GroupBlock,
    Ranking,
    RankingLine,
    ScorecardReport,
    scorecard_summary,
    status_label,
)
from kpixa.web.exports.text import (
    MOTTO,
    MOTTO_SUBTITLE,
    group_number,
    number,
    points,
    ranking_headers,
    scorecard_headers,
)
from kpixa.web.pages.scorecard import IndicatorLine


def _frame(header: Any, landscape: bool) -> dict[str, Any]:
    return {
        "header": header,
        "motto": MOTTO,
        "motto_subtitle": MOTTO_SUBTITLE,
        "landscape": landscape,
    }


def _cell(text: Any, css: str = "", span: int = 0) -> dict[str, Any]:
    return {"text": text, "css": css, "span": span}


def _num(value: Any) -> dict[str, Any]:
    """A count (numerator, denominator) as the document writes it: "1.270", "12,5" for a decimal."""
    return _cell(number(value), "num")


def _pts(value: Any) -> dict[str, Any]:
    """Points, a rate or a target, always with two decimals."""
    return _cell(points(value), "num")


def _group_row(index: int, block: GroupBlock) -> dict[str, Any]:
    name = f"{group_number(index)}. {block.group.name.vi}"
    cells = [
        _cell(group_number(index), "center"),
        _cell(name, span=6),
        _pts(block.own_points),
        _pts(block.group.max_points),
        _pts(block.points),
    ]
    return {"kind": "group", "cells": [*cells, _cell(""), _cell("")]}


def _indicator_row(number: int, line: IndicatorLine, score: IndicatorScore) -> dict[str, Any]:
    cells = [
        _cell(number, "center"),
        _cell(line.indicator.code, "center"),
        _cell(line.indicator.name.vi),
        _num(score.numerator),
        _num(score.denominator),
        _pts(score.rate_display),
        _pts(score.target),
        _pts(score.points),
        _pts(score.max_points),
        _pts(score.counted_points),
        _cell(status_label(score, line), "center"),
        _cell(score.explanation, "explain"),
    ]
    return {"kind": "indicator", "cells": cells}


def scorecard_rows(card: ScorecardReport) -> list[dict[str, Any]]:
    """The scorecard table as rows of display cells: groups, their indicators, then the total."""
    rows = []
    for index, block in enumerate(card.groups, start=1):
        rows.append(_group_row(index, block))
        rows += [_indicator_row(*numbered) for numbered in block.numbered()]
    total = [
        _cell(_("TỔNG CỘNG"), span=6),
        _pts(sum((block.own_points for block in card.groups), Decimal(0))),
        _pts(card.unit.max_total),
        _pts(card.unit.total),
        _cell(""),
        _cell(""),
    ]
    return [*rows, {"kind": "total", "cells": [_cell(""), *total]}]


def _ranking_row(line: RankingLine) -> dict[str, Any]:
    unit = line.unit
    cells = [
        _cell(line.number, "center"),
        _cell(unit.rank_province if unit.rank_province is not None else "–", "center"),
        _cell(unit.commune.code, "center"),
        _cell(unit.commune.name, "name"),
        _cell(unit.commune.get_kind_display(), "center"),
        *[_pts(points) for points in line.group_points],
        _pts(unit.total),
        _cell(unit.classification_label or _("Chưa xếp loại")),
    ]
    return {"cells": cells}


def scorecard_html(card: ScorecardReport) -> str:
    """Return the HTML of the commune scorecard report (A4 portrait)."""
    context = _frame(card.header, landscape=False) | {
        "rows": scorecard_rows(card),
        "columns": scorecard_headers(),
        "summary": scorecard_summary(card),
    }
    return render_to_string("web/exports/scorecard.html", context)


def ranking_html(ranking: Ranking) -> str:
    """Return the HTML of the province ranking report (A4 landscape)."""
    groups = range(len(ranking.framework.groups))
    rescaled = [any(line.rescaled[i] for line in ranking.lines) for i in groups]
    context = _frame(ranking.header, landscape=True) | {
        "rows": [_ranking_row(line) for line in ranking.lines],
        "rescaled": any(rescaled),
        "classes": ranking.classes,
        "columns": ranking_headers(ranking.framework, rescaled),
    }
    return render_to_string("web/exports/ranking.html", context)


def render_document(html: str) -> Any:
    """Lay ``html`` out with WeasyPrint; return the weasyprint Document (``.pages``, ``.write_pdf()``)."""
    from weasyprint import HTML  # imported late: it loads Pango and fonts

    return HTML(string=html).render()


def to_pdf(html: str) -> bytes:
    """Return ``html`` as PDF bytes."""
    return bytes(render_document(html).write_pdf())
