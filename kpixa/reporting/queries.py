"""Named reads of the reporting app: what must be reported, deadlines, sheets, overviews, scoring input.

Every list is read set-based (a fixed number of queries whatever the number of communes/values).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kpixa.accounts.access import visible_communes
from kpixa.frameworks.parsed import framework_of
from kpixa.reporting.measure_names import name_and_unit
from kpixa.reporting.models import Evidence, ReportedValue, SubmissionDeadline, ValueStatus
from kpixa.scoring.engine.measures import REPORTED_PREFIX
from kpixa.scoring.engine.periods import PeriodError, PeriodSpan, parse_period
from kpixa.units.models import Commune, Province

# Working days after the period's last day until the default deadline (end of that day).
DEFAULT_DEADLINE_WORKING_DAYS = 5
# Measures computed here, never entered by a commune.
ON_TIME_SHARE = "on_time_share"
VALUES_REQUIRED = "values_required"
VALUES_ON_TIME = "values_on_time"
COMPUTED_MEASURES = frozenset({ON_TIME_SHARE, VALUES_REQUIRED, VALUES_ON_TIME})


@dataclass(frozen=True)
class RequiredMeasure:
    """A ``reported.<code>`` value the frameworks in force read, with the indicator that reads it."""

    code: str
    label: str
    framework_code: str
    indicator_code: str
    name: str = ""  # the measure's own name, in the active language (measure_names.py)
    unit: str = ""

    @property
    def title(self) -> str:
        """The name with its unit: "Thu ngân sách nhà nước thực hiện (triệu đồng)"."""
        return f"{self.name} ({self.unit})" if self.unit else self.name or self.label


def period_or_none(code: str) -> PeriodSpan | None:
    """Parse a period code (``2025-07``, ``2025-Q3``, ``2025-H2``, ``2025``); None when invalid."""
    try:
        return parse_period(code, date.today())
    except PeriodError:
        return None


# --- what must be reported --------------------------------------------------------------------


def _versions_in_force(day: date) -> QuerySet[Any]:
    from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion

    return FrameworkVersion.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), status=FrameworkStatus.ACTIVE, valid_from__lte=day
    ).order_by("code", "-valid_from")


def _indicator_measures(indicator: Any) -> list[str]:
    exprs = [indicator.numerator, indicator.denominator]
    exprs += [e for r in indicator.scoring.rates for e in (r.numerator, r.denominator)]
    names = sorted({n for e in exprs if e is not None for n in e.names})
    return [n[len(REPORTED_PREFIX) :] for n in names if n.startswith(REPORTED_PREFIX)]


def indicator_name(indicator: Any) -> str:
    """The indicator's name in the active language (English when the file gives one)."""
    english = get_language() == "en" and indicator.name.en
    return str(indicator.name.en if english else indicator.name.vi)


def _in_denominator(indicator: Any, name: str) -> bool:
    exprs = [indicator.denominator, *(r.denominator for r in indicator.scoring.rates)]
    return any(e is not None and name in e.names for e in exprs)


def required_measures(period: PeriodSpan) -> list[RequiredMeasure]:
    """Return the reported measures the frameworks in force on the period's last day read (1 query).

    One version per framework code (the latest valid); computed measures such as
    ``on_time_share`` are left out. Ordered by framework, indicator, measure.
    """
    found: dict[str, RequiredMeasure] = {}
    seen_codes: set[str] = set()
    for version in _versions_in_force(period.end):
        if version.code in seen_codes:
            continue
        seen_codes.add(version.code)
        for indicator in framework_of(version).indicators():
            for code in _indicator_measures(indicator):
                if code not in COMPUTED_MEASURES and code not in found:
                    label = f"{indicator.code}. {indicator_name(indicator)}"
                    below = _in_denominator(indicator, REPORTED_PREFIX + code)
                    name, unit = name_and_unit(code, label, below)
                    found[code] = RequiredMeasure(code, label, version.code, indicator.code, name, unit)
    return list(found.values())


# --- deadlines --------------------------------------------------------------------------------


def default_deadline(period: PeriodSpan) -> date:
    """Return the 5th working day after the period's last day (weekdays when outside the calendar)."""
    from kpixa.workdays.calendar import OutOfCalendarRange, get_calendar

    calendar = get_calendar()
    day, counted = period.end, 0
    while counted < DEFAULT_DEADLINE_WORKING_DAYS:
        day += timedelta(days=1)
        try:
            working = calendar.is_working_day(day)
        except OutOfCalendarRange:
            working = day.weekday() < 5
        counted += int(working)
    return day


def deadlines(province_ids: Iterable[int], period: PeriodSpan) -> dict[int, date]:
    """Return each province's deadline for ``period``: its SubmissionDeadline or the default (1 query)."""
    ids = set(province_ids)
    stored = dict(
        SubmissionDeadline.objects.filter(province_id__in=ids, period_code=period.code).values_list(
            "province_id", "due_on"
        )
    )
    fallback = default_deadline(period)
    return {pid: stored.get(pid, fallback) for pid in ids}


def deadline_for(province: Province, period: PeriodSpan) -> date:
    """Return the province's deadline for ``period``."""
    return deadlines([province.pk], period)[province.pk]


def is_late(submitted_at: datetime | None, due_on: date) -> bool:
    """True when a first submission came after the end of the deadline day (Vietnam time)."""
    return submitted_at is not None and timezone.localtime(submitted_at).date() > due_on


# --- scoring input ----------------------------------------------------------------------------


def reported_values(commune_ids: Collection[int], period_code: str) -> dict[int, dict[str, Decimal]]:
    """The scoring provider: approved values by commune id, keyed ``reported.<code>`` (3 queries).

    Values submitted after the period was closed are left out. Each commune with at least one
    required measure also gets ``reported.values_required``, ``reported.values_on_time`` (first
    submitted by the deadline, whatever the review's outcome) and ``reported.on_time_share``
    (percent, 0–100).
    """
    period = period_or_none(period_code)
    if period is None or not commune_ids:
        return {}
    rows = list(
        ReportedValue.objects.filter(commune_id__in=list(commune_ids), period_code=period.code).values_list(
            "commune_id",
            "commune__province_id",
            "measure",
            "value",
            "status",
            "first_submitted_at",
            "after_close",
        )
    )
    required = {m.code for m in required_measures(period)}
    due = deadlines({row[1] for row in rows}, period)
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    on_time: dict[int, int] = defaultdict(int)
    for commune_id, province_id, measure, value, status, first_at, after_close in rows:
        if status == ValueStatus.APPROVED and not after_close:
            result[commune_id][REPORTED_PREFIX + measure] = value
        if measure in required and not after_close and not is_late(first_at, due[province_id]):
            on_time[commune_id] += 1
    if required:
        for commune_id in commune_ids:
            _add_on_time(result[commune_id], on_time[commune_id], len(required))
    return {k: v for k, v in result.items() if v}


def _add_on_time(values: dict[str, Decimal], count: int, required: int) -> None:
    values[REPORTED_PREFIX + VALUES_REQUIRED] = Decimal(required)
    values[REPORTED_PREFIX + VALUES_ON_TIME] = Decimal(count)
    values[REPORTED_PREFIX + ON_TIME_SHARE] = (Decimal(count) * 100 / Decimal(required)).quantize(
        Decimal("0.01")
    )


# --- pages ------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One required measure of a commune's sheet, with its value (None when missing)."""

    measure: RequiredMeasure
    value: ReportedValue | None
    late: bool = False
    evidence: list[Evidence] = field(default_factory=list)


def _values(commune_ids: Iterable[int], period: PeriodSpan) -> QuerySet[ReportedValue]:
    return (
        ReportedValue.objects.filter(commune_id__in=list(commune_ids), period_code=period.code)
        .select_related("commune", "submitted_by", "reviewed_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")))
    )


def commune_sheet(commune: Commune, period: PeriodSpan) -> list[SheetRow]:
    """Return the commune's sheet for ``period``: every required measure with its value (4 queries)."""
    values = {v.measure: v for v in _values([commune.pk], period)}
    due = deadline_for(commune.province, period)
    rows = []
    for measure in required_measures(period):
        value = values.get(measure.code)
        late = value is not None and is_late(value.first_submitted_at, due)
        rows.append(SheetRow(measure, value, late, list(value.evidence.all()) if value else []))
    return rows


@dataclass
class CommuneStatus:
    """A commune's reporting status for a period on the province page."""

    commune: Commune
    approved: int = 0
    submitted: int = 0
    rejected: int = 0
    late: int = 0
    missing: int = 0
    after_close: int = 0


@dataclass
class Overview:
    """The province page: deadline, each commune's status, and the values awaiting review."""

    period: PeriodSpan
    due_on: date
    required: list[RequiredMeasure]
    communes: list[CommuneStatus]
    pending: list[ReportedValue]

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.due_on


def province_overview(province: Province, period: PeriodSpan) -> Overview:
    """Return the province's reporting overview for ``period`` (a fixed number of queries)."""
    required = required_measures(period)
    codes = {m.code for m in required}
    communes = list(Commune.objects.filter(province=province, retired_at__isnull=True).order_by("name"))
    due = deadline_for(province, period)
    values = list(_values([c.pk for c in communes], period))
    statuses = {c.pk: CommuneStatus(c) for c in communes}
    for value in values:
        _count(statuses[value.commune_id], value, due, codes)
    for status in statuses.values():
        status.missing = max(0, len(codes) - status.approved - status.submitted - status.rejected)
    by_code = {m.code: m for m in required}
    pending = [v for v in values if v.status == ValueStatus.SUBMITTED]
    for value in pending:  # the human name and unit beside the code (no query)
        value.required = by_code.get(value.measure)  # type: ignore[attr-defined]
    return Overview(period, due, required, list(statuses.values()), pending)


def _count(status: CommuneStatus, value: ReportedValue, due: date, codes: set[str]) -> None:
    if value.measure not in codes:
        return
    if value.status == ValueStatus.APPROVED:
        status.approved += 1
    elif value.status == ValueStatus.SUBMITTED:
        status.submitted += 1
    else:
        status.rejected += 1
    status.late += int(is_late(value.first_submitted_at, due))
    status.after_close += int(value.after_close)


def evidence_for(user: Any, pk: int) -> Evidence | None:
    """Return the evidence file ``pk`` if its commune is visible to ``user``, else None."""
    return (
        Evidence.objects.filter(pk=pk, value__commune__in=visible_communes(user))
        .select_related("value")
        .first()
    )


def reviewable_value(user: Any, pk: int) -> ReportedValue | None:
    """Return the value ``pk`` if ``user`` may see its commune (the service checks the review right)."""
    return (
        ReportedValue.objects.filter(pk=pk, commune__in=visible_communes(user))
        .select_related("commune__province")
        .first()
    )


def missing_by_commune(province: Province, period: PeriodSpan) -> dict[int, list[str]]:
    """Return, for each active commune of the province, the required measures it has not submitted."""
    codes = [m.code for m in required_measures(period)]
    commune_ids = list(
        Commune.objects.filter(province=province, retired_at__isnull=True).values_list("pk", flat=True)
    )
    present: dict[int, set[str]] = defaultdict(set)
    for commune_id, measure in ReportedValue.objects.filter(
        commune_id__in=commune_ids, period_code=period.code
    ).values_list("commune_id", "measure"):
        present[commune_id].add(measure)
    missing = {cid: [c for c in codes if c not in present[cid]] for cid in commune_ids}
    return {cid: codes_ for cid, codes_ in missing.items() if codes_}


def label_of(measure: str, period: PeriodSpan) -> str:
    """Return the label of a reported measure for messages (its code when no framework reads it)."""
    for required in required_measures(period):
        if required.code == measure:
            return f"{required.title} — {required.label}"
    return _("số liệu “%(code)s”") % {"code": measure}
