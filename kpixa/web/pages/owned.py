"""On the leader page: what each leader of the commune answers for (the responsibility matrix,
docs/review.md "Owners"), each indicator's status and value in the period, its projection to the
end of the open period (kpixa/warnings: worst, expected, best), and the indicators nobody
answers for (gaps). 4 queries for the owners and scores, and the projection's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from kpixa.frameworks.owners import OwnerLine, owners_of
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import IndicatorScore
from kpixa.scoring.versions import ScoringError, version_for
from kpixa.units.models import Commune, PostKind
from kpixa.warnings.queries import Projection, project_commune
from kpixa.web.pages.runs import scored_periods


@dataclass
class OwnedIndicator:
    line: OwnerLine
    status: str = ""
    value: Decimal | None = None  # the indicator's rate (%) in the period
    target: Decimal | None = None
    points: Decimal | None = None
    max_points: Decimal | None = None
    projected: dict[str, Decimal | None] = field(default_factory=dict)  # scenario → rate (%)


@dataclass
class Holder:
    """One post of the commune: who holds it on the day and what it answers for."""

    post: str
    post_label: str
    person_name: str
    indicators: list[OwnedIndicator] = field(default_factory=list)


@dataclass
class Owned:
    period: PeriodSpan
    day: date
    holders: list[Holder]
    gaps: list[OwnedIndicator]
    projection: Projection | None = None  # the open period's, when the framework has one


def owned(commune: Commune, framework_code: str, period: PeriodSpan) -> Owned | None:
    """Each post's indicators in ``period`` (owners as on its last day, or today if earlier)."""
    try:
        version = version_for(framework_code, period)
    except ScoringError:
        return None
    day = min(period.end, timezone.localdate())
    lines = owners_of(version, commune.pk, commune.province_id, day)
    scores = {
        s.indicator_code: s
        for s in IndicatorScore.objects.filter(
            framework_version=version, commune=commune, period_code=period.code
        ).only("indicator_code", "status", "rate_display", "target", "points", "max_points")
    }
    projection = _projection(commune, framework_code)
    holders: dict[str, Holder] = {}
    gaps = []
    for code, line in lines.items():
        score = scores.get(code)
        item = OwnedIndicator(line)
        if projection is not None:
            item.projected = projection.rates.get(code, {})
        if score is not None:
            item.status, item.value, item.target = score.status, score.rate_display, score.target
            item.points, item.max_points = score.points, score.max_points
        if line.is_gap:
            gaps.append(item)
            continue
        holder = holders.setdefault(line.post, Holder(line.post, line.post_label, line.person_name))
        holder.indicators.append(item)
    order = {post: i for i, post in enumerate(PostKind.values)}
    holders_sorted = sorted(holders.values(), key=lambda h: order.get(h.post, 99))
    return Owned(period, day, holders_sorted, gaps, projection)


def _projection(commune: Commune, framework_code: str) -> Projection | None:
    """The commune's projection to the end of the framework's open period (None without one)."""
    found = project_commune(commune, timezone.localdate(), framework=framework_code)
    return found[0] if found else None


def owned_for(commune: Commune, framework_code: str, period: PeriodSpan | None) -> Owned | None:
    """:func:`owned` for the leader page's period, or the latest scored one when it has none."""
    if period is None:
        periods = scored_periods(framework_code, commune.province_id)
        period = periods[0] if periods else None
    return owned(commune, framework_code, period) if period is not None else None
