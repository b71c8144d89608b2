"""The accountability flags pages' reads (docs/flags.md): the province's review list with its
filters, its communes ranked by pass-around share, late steps, hours over or dossiers made late,
and its departments ranked by the delay they caused; a commune's own flags with its departments'
late steps and hours over. A page without a period opens on the latest month with dossiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from kpixa.accountability import queries
from kpixa.accountability.models import AccountabilityFlag
from kpixa.dossiers.models import ProcedureRollup
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


# The province's commune table orders (kpixa.accountability.queries.COMMUNE_ORDERS) with their labels.
COMMUNE_ORDERS = {
    "pass_around": _("Tỷ lệ hồ sơ bị đùn đẩy"),
    "late_steps": _("Bước xử lý quá hạn"),
    "hours_over": _("Giờ làm việc quá hạn bước"),
    "made_late": _("Hồ sơ trễ hạn do cán bộ xử lý"),
}


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    commune: str = ""
    status: str = ""
    order: str = "pass_around"


def latest_month(commune_ids: Any) -> PeriodSpan | None:
    """The latest month in which any of ``commune_ids`` (a list or a subquery) received a
    dossier, from the per-month procedure rollups (one query), or None without dossiers."""
    latest = ProcedureRollup.objects.filter(commune_id__in=commune_ids, dossiers__gt=0).aggregate(
        m=Max("month")
    )["m"]
    return month(latest.year, latest.month) if latest else None


def period_from(code: str | None, today: date, commune_ids: Any = None) -> PeriodSpan:
    """The period asked for; else the latest month with dossiers of ``commune_ids`` (when given);
    else the current month."""
    if code:
        try:
            return parse_period(code)
        except PeriodError:
            pass
    latest = latest_month(commune_ids) if commune_ids is not None else None
    return latest or month(today.year, today.month)


@dataclass
class FlagsPage:
    period: PeriodSpan
    filters: Filters
    page: Page[AccountabilityFlag]
    ranking: list[queries.CommuneShare]
    departments: list[queries.DepartmentLine]
    measures: list[tuple[str, int]]
    communes: list[queries.CommuneLine] = field(default_factory=list)
    province_departments: list[queries.ProvinceDepartmentLine] = field(default_factory=list)


def province_flags(province_code: str, period: PeriodSpan, filters: Filters, page_number: Any) -> FlagsPage:
    """The province's review list (filtered, paginated), every commune's accountability counts
    ranked by ``filters.order`` (pass-around share by default), and the departments ranked by
    the delay they caused."""
    qs = queries.flags(province_code=province_code, start=period.start, end=period.end,
                       kind=filters.kind or None, status=filters.status or None)  # fmt: skip
    if filters.commune:
        qs = qs.filter(commune__code=filters.commune)
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    lines = queries.commune_lines(province_code, period.start, period.end, filters.order)
    departments = queries.province_departments(province_code, period.start, period.end)
    return FlagsPage(period, filters, page, [], [], [], lines, departments)


def commune_flags(commune: Any, period: PeriodSpan, filters: Filters, page_number: Any) -> FlagsPage:
    """A commune's own flags, its departments' lines and its accountability measures."""
    qs = queries.flags(commune_ids=[commune.pk], start=period.start, end=period.end,
                       kind=filters.kind or None, status=filters.status or None)  # fmt: skip
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    lines = queries.departments(commune.pk, period.start, period.end)
    values = queries.period_measures([commune.pk], period.start, period.end)[commune.pk]
    measures = [(str(label), values[name]) for name, label in MEASURE_LABELS.items()]
    return FlagsPage(period, filters, page, [], lines, measures)
