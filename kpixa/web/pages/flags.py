"""The accountability flags pages' reads (docs/flags.md): the province's review list with its
filters and the ranking of communes by pass-around share, and a commune's own flags with its
departments' late steps and hours over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from kpixa.accountability import queries
from kpixa.accountability.models import AccountabilityFlag
from kpixa.scoring.engine.periods import PeriodError, PeriodSpan, month, parse_period

PAGE_SIZE = 50
MEASURE_LABELS = {
    "dossiers.pass_around": _("Hồ sơ bị đùn đẩy"),
    "dossiers.late_steps": _("Bước xử lý quá hạn"),
    "dossiers.hours_over": _("Giờ làm việc quá hạn bước"),
    "dossiers.made_late_by_staff": _("Hồ sơ trễ hạn do cán bộ xử lý"),
    "dossiers.made_late_by_sync": _("Hồ sơ trễ hạn do đồng bộ dữ liệu"),
    "dossiers.made_late_by_citizen": _("Hồ sơ trễ hạn khi chờ công dân bổ sung"),
    "dossiers.sync_late": _("Hồ sơ đồng bộ muộn"),
    "dossiers.gaming_flags": _("Hồ sơ có dấu hiệu lách thời hạn"),
}


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    commune: str = ""
    status: str = ""


def period_from(code: str | None, today: date) -> PeriodSpan:
    """The period asked for, or the current month."""
    if code:
        try:
            return parse_period(code)
        except PeriodError:
            pass
    return month(today.year, today.month)


@dataclass
class FlagsPage:
    period: PeriodSpan
    filters: Filters
    page: Page[AccountabilityFlag]
    ranking: list[queries.CommuneShare]
    departments: list[queries.DepartmentLine]
    measures: list[tuple[str, int]]


def province_flags(province_code: str, period: PeriodSpan, filters: Filters, page_number: Any) -> FlagsPage:
    """The province's review list (filtered, paginated) and the communes ranked by pass-around share."""
    qs = queries.flags(province_code=province_code, start=period.start, end=period.end,
                       kind=filters.kind or None, status=filters.status or None)  # fmt: skip
    if filters.commune:
        qs = qs.filter(commune__code=filters.commune)
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    ranking = queries.pass_around_ranking(province_code, period.start, period.end)
    return FlagsPage(period, filters, page, ranking, [], [])


def commune_flags(commune: Any, period: PeriodSpan, filters: Filters, page_number: Any) -> FlagsPage:
    """A commune's own flags, its departments' lines and its accountability measures."""
    qs = queries.flags(commune_ids=[commune.pk], start=period.start, end=period.end,
                       kind=filters.kind or None, status=filters.status or None)  # fmt: skip
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    lines = queries.departments(commune.pk, period.start, period.end)
    values = queries.period_measures([commune.pk], period.start, period.end)[commune.pk]
    measures = [(str(label), values[name]) for name, label in MEASURE_LABELS.items()]
    return FlagsPage(period, filters, page, [], lines, measures)
