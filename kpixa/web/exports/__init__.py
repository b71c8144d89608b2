"""Official-report exports (XLSX and PDF) of a commune's scorecard and of a province's ranking.

Each function reads stored results only, in a fixed number of queries (see docs/exports.md):
``scorecard_*`` 5 queries, ``ranking_*`` 3. They raise ``ExportError`` for an unknown period or
framework and ``NoResults`` when nothing is stored for the unit and period.
"""

from __future__ import annotations

from kpixa.units.models import Commune, Province
from kpixa.web.exports.data import (
    ExportError,
    NoResults,
    latest_period,
    load_ranking,
    load_scorecard,
)
from kpixa.web.exports.pdf import ranking_html, scorecard_html, to_pdf
from kpixa.web.exports.xlsx import ranking_workbook, scorecard_workbook
from kpixa.web.pages.common import DEFAULT_FRAMEWORK  # defined once, with the pages

FORMATS = ("xlsx", "pdf")

__all__ = [
    "DEFAULT_FRAMEWORK",
    "FORMATS",
    "ExportError",
    "NoResults",
    "latest_period",
    "ranking_pdf",
    "ranking_xlsx",
    "scorecard_pdf",
    "scorecard_xlsx",
]


# ``number``: the document's registered number ("Số: 12/BC-SNV"); None leaves the blank the clerk
# fills when registering it (Decree 30/2020/NĐ-CP, Article 8(1)(c)).


def scorecard_xlsx(
    commune: Commune, framework_code: str, period_code: str, number: int | None = None
) -> bytes:
    """The commune's stored scorecard as an XLSX official report."""
    return scorecard_workbook(load_scorecard(commune, framework_code, period_code, number))


def scorecard_pdf(
    commune: Commune, framework_code: str, period_code: str, number: int | None = None
) -> bytes:
    """The commune's stored scorecard as a PDF official report (A4 portrait)."""
    return to_pdf(scorecard_html(load_scorecard(commune, framework_code, period_code, number)))


def ranking_xlsx(
    province: Province, framework_code: str, period_code: str, number: int | None = None
) -> bytes:
    """The province's stored ranking as an XLSX official report."""
    return ranking_workbook(load_ranking(province, framework_code, period_code, number))


def ranking_pdf(
    province: Province, framework_code: str, period_code: str, number: int | None = None
) -> bytes:
    """The province's stored ranking as a PDF official report (A4 landscape)."""
    return to_pdf(ranking_html(load_ranking(province, framework_code, period_code, number)))
