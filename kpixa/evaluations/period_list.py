"""The periods a province can take through the lifecycle, for its periods page.

A period is listed once something happened to it (a stored evaluation period: evaluated, closed,
published) or once scores of it are stored, and with it every month, quarter, half-year and year
that lies inside it or holds it, so that each kind of period a framework is scored for can be
closed and published even before anything happened to it (docs/reporting.md, "The period
lifecycle"). Periods that have not begun yet are left out.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from kpixa.evaluations.models import Period, PeriodState
from kpixa.evaluations.queries import province_periods
from kpixa.scoring.engine.periods import PeriodSpan, half, month, quarter, year
from kpixa.scoring.models import RunStatus, ScoreRun
from kpixa.scoring.versions import ScoringError, period_of
from kpixa.units.models import Province

LIFECYCLE_KINDS = ("month", "quarter", "half", "year")


def calendar_periods(number: int) -> list[PeriodSpan]:
    """Every month, quarter, half-year and the year ``number`` itself."""
    return [
        *(month(number, m) for m in range(1, 13)),
        *(quarter(number, q) for q in range(1, 5)),
        half(number, 1),
        half(number, 2),
        year(number),
    ]


def related_periods(spans: list[PeriodSpan], today: date) -> list[PeriodSpan]:
    """``spans`` with every calendar period inside one of them or holding one of them, begun by ``today``."""
    found: dict[str, PeriodSpan] = {}
    for span in spans:
        if span.kind not in LIFECYCLE_KINDS:
            continue
        for candidate in calendar_periods(span.start.year):
            inside = span.start <= candidate.start and candidate.end <= span.end
            holds = candidate.start <= span.start and span.end <= candidate.end
            if (inside or holds) and candidate.start <= today:
                found[candidate.code] = candidate
    return list(found.values())


def scored_codes(province: Province) -> set[str]:
    """Codes of the periods with finished score runs for the province (or nationally) (1 query)."""
    runs = ScoreRun.objects.filter(Q(province=province) | Q(province__isnull=True), status=RunStatus.DONE)
    return set(runs.values_list("period_code", flat=True).distinct())


def lifecycle_periods(province: Province, today: date | None = None) -> list[Period]:
    """The province's stored periods (with ``revisions`` and ``pending_appeals``) and, as unsaved
    open periods, every other period it can take through the lifecycle; newest end first, the longer
    period first on the same end (2 queries)."""
    day = today or timezone.localdate()
    stored = {row.code: row for row in province_periods(province)}
    spans = []
    for code in set(stored) | scored_codes(province):
        try:
            spans.append(period_of(code))
        except ScoringError:
            continue
    rows = list(stored.values())
    for span in related_periods(spans, day):
        if span.code not in stored:
            row = Period(
                province=province,
                code=span.code,
                kind=span.kind,
                start=span.start,
                end=span.end,
                state=PeriodState.OPEN,
            )
            row.revisions = 0  # type: ignore[attr-defined]
            row.pending_appeals = 0  # type: ignore[attr-defined]
            rows.append(row)
    return sorted(rows, key=lambda r: (-r.end.toordinal(), r.start))
