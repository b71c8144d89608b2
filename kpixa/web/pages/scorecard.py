"""A commune's scorecard (``/xa/<code>/``): each indicator's stored value, fraction, points, target,
status and trend, with links to the dossiers behind its counts (kpixa/web/pages/dossiers.py).

The official-report exports (kpixa/web/exports/) read the same ``Scorecard`` and ``IndicatorLine``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Q

from kpixa.dossiers.models import Dossier
from kpixa.frameworks.models import FrameworkVersion
from kpixa.frameworks.parsed import VersionRef
from kpixa.scoring.engine.model import Framework, Indicator
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Commune
from kpixa.web.labels import status_text
from kpixa.web.pages.common import digest, previous_periods
from kpixa.web.pages.dossiers import outcome_filter
from kpixa.web.pages.runs import Runs

TREND_PERIODS = 6


# Measures whose dossiers can be listed: the outcome name used in the drill-down URL.
DRILLABLE = {
    "dossiers.total": "total",
    "dossiers.on_time": "on_time",
    "dossiers.late": "late",
    "dossiers.online": "online",
    "dossiers.e2e_eligible": "e2e_eligible",
    "dossiers.e2e_online": "e2e_online",
    "dossiers.fee_bearing": "fee_bearing",
    "dossiers.paid_online": "paid_online",
    "dossiers.digitised": "digitised",
    "dossiers.synced_on_time": "synced_on_time",
}


@dataclass
class IndicatorLine:
    """One indicator of the scorecard: its stored result, its trend and the outcomes to drill into."""

    indicator: Indicator
    group_name: str
    score: IndicatorScore | None
    trend: list[tuple[str, Decimal | None]]  # (period code, rate or points), oldest first
    numerator_outcome: str = ""
    denominator_outcome: str = ""
    late_outcome: str = ""

    @property
    def status_text(self) -> str:
        """The status's label, with what it does to the total when the indicator has no result."""
        if self.score is None:
            return "—"
        return status_text(self.score.status, str(self.indicator.na_policy), self.score.counted_max)

    @property
    def shortfall(self) -> Decimal | None:
        """Denominator minus numerator (e.g. the late dossiers of 2.1), when both are known."""
        if self.score is None or self.score.numerator is None or self.score.denominator is None:
            return None
        return self.score.denominator - self.score.numerator


@dataclass
class Scorecard:
    """A commune's scorecard for one framework and period.

    ``unit`` and ``lines`` are read on first use (one query each): the page caches its rendered
    body under ``key``, so a repeated request reads neither.
    """

    commune: Commune
    framework: Framework
    period: PeriodSpan
    version: FrameworkVersion | VersionRef
    trend_periods: list[PeriodSpan]
    key: str  # changes whenever a run stores results of the card's periods in the province

    @cached_property
    def unit(self) -> UnitScore | None:
        return UnitScore.objects.filter(
            framework_version_id=self.version.pk, period_code=self.period.code, commune=self.commune
        ).first()

    @property
    def as_of(self) -> datetime | None:
        return self.unit.as_of if self.unit else None

    @cached_property
    def no_due(self) -> int:
        """Dossiers of the period whose due time cannot be determined (no NgayHenTra, no time
        limit): counted as not on time (docs/rules.md), a data problem of the sending system."""
        where = outcome_filter("no_due", self.period.start, self.period.end)
        return Dossier.objects.filter(where, commune=self.commune).count()

    @cached_property
    def lines(self) -> list[IndicatorLine]:
        """Every indicator of the framework, in its order: the card's period read from the card's
        version (as ``unit``), the trend's earlier periods from any version of the framework."""
        earlier = [p.code for p in self.trend_periods if p.code != self.period.code]
        rows = IndicatorScore.objects.filter(
            Q(framework_version_id=self.version.pk, period_code=self.period.code)
            | Q(framework_version__code=self.version.code, period_code__in=earlier),
            commune=self.commune,
        ).defer("rate", "portal_points", "as_of")
        by_key = {(r.period_code, r.indicator_code): r for r in rows}
        return [
            _line(self.framework, ind, by_key, self.period, self.trend_periods)
            for ind in self.framework.indicators()
        ]

    @property
    def rescaled(self) -> bool:
        """Whether some indicator counts in the total with other points than its own."""
        return any(line.score is not None and line.score.rescaled for line in self.lines)


def _outcome(expression: Any) -> str:
    if expression is None or not expression.is_single_name:
        return ""
    return DRILLABLE.get(next(iter(expression.names)), "")


def scorecard(commune: Commune, framework_code: str, period: PeriodSpan, runs: Runs) -> Scorecard:
    """The commune's scorecard: no query (``runs`` carries the versions), and 2 when the page reads
    the results.

    ``runs`` are the province's score runs: the ranks of a commune change when a sibling is
    rescored, so the key follows every run of the province for the card's periods.
    """
    version = runs.version_for(period)
    trend_periods = [*reversed(previous_periods(period, TREND_PERIODS - 1)), period]
    stamp = runs.stamp(trend_periods)
    key = digest(f"{commune.pk}:{commune.data_version}:{version.pk}:{version.sha256}:{period.code}:{stamp}")
    return Scorecard(commune, framework_of(version), period, version, trend_periods, key)


def period_card(
    commune: Commune, version: FrameworkVersion | VersionRef, framework: Framework, period: PeriodSpan
) -> Scorecard:
    """The commune's scorecard of one period without trend or cache key (the official-report exports);
    no query until ``unit`` and ``lines`` are read."""
    return Scorecard(commune, framework, period, version, [period], key="")


def _line(
    framework: Framework,
    ind: Indicator,
    by_key: dict[tuple[str, str], IndicatorScore],
    period: PeriodSpan,
    trend_periods: list[PeriodSpan],
) -> IndicatorLine:
    group = next(g.name.shown for g in framework.groups if g.code == ind.group)
    trend = [(p.code, _trend_value(by_key.get((p.code, ind.code)))) for p in trend_periods]
    numerator, denominator = _outcome(ind.numerator), _outcome(ind.denominator)
    late = "late" if (numerator, denominator) == ("on_time", "total") else ""
    return IndicatorLine(ind, group, by_key.get((period.code, ind.code)), trend, numerator, denominator, late)


def _trend_value(row: IndicatorScore | None) -> Decimal | None:
    if row is None:
        return None
    return row.rate_display if row.rate_display is not None else row.points
