"""The province dashboard (``/tinh/<code>/``): every commune of the province ranked, with the class
distribution, the heat map of groups, the monthly trend, the lagging communes and the changes.

The board (everything but the filtering) is computed from the stored results in 4 queries and
cached under the as-of time of the runs that stored them; the ranking rows' markup is built once
with it, by kpixa/web/rendering.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Avg, Count, F, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kpixa.frameworks.parsed import VersionRef
from kpixa.review import lagging as lag
from kpixa.scoring.engine.core import CHUA_DAT
from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Commune, Province
from kpixa.web import rendering
from kpixa.web.cache import once
from kpixa.web.pages.common import CACHE_SECONDS, digest, fold, months_of, previous_periods, round2
from kpixa.web.pages.runs import Runs

SORTS = ("rank", "-rank", "name", "-name", "total", "-total", "change", "-change")


LAG_PERIODS = lag.REPEAT_PERIODS  # the periods the lagging rules look at (kpixa/review/lagging.py)


@dataclass(slots=True)
class RankedCommune:
    """One commune's line of the province ranking, with what changed and why it may be lagging.

    Plain values only (no model instances): the rows are cached and rebuilt cheaply.
    """

    commune_id: int
    code: str
    name: str
    kind: str
    rank: int | None
    total: Decimal | None
    classification: str
    classification_label: str
    peer_groups: tuple[str, ...] = ()
    previous_total: Decimal | None = None
    previous_rank: int | None = None
    previous_class: str = ""
    previous_label: str = ""
    totals: list[Decimal | None] = field(default_factory=list)  # oldest first, current last
    failing: list[str] = field(default_factory=list)  # indicators failed in each of the last periods
    lagging: list[str] = field(default_factory=list)  # reason codes: below, falling, failing
    pulls: list[tuple[str, Decimal, str]] = field(default_factory=list)  # (indicator, points, lost|short)
    trend: list[tuple[str, Decimal | None]] = field(default_factory=list)  # (period, total), lagging rows
    heat: list[tuple[str, int | None, int]] = field(default_factory=list)  # group, percent, level
    folded: str = ""  # the name without diacritics, for searching
    html: str = ""  # the ranking row's markup, built once (kpixa/web/rendering.py)

    @property
    def change(self) -> Decimal | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Board:
    """What the dashboard computes from the stored results, before filtering: cached as a whole."""

    rows: list[RankedCommune]
    as_of: datetime | None
    distribution: list[tuple[str, str, int]]  # (class code, label, count)
    monthly: list[tuple[str, Decimal | None]]  # (month code, province average)
    peer_groups: list[tuple[str, str]]  # (code, name)
    lagging: list[RankedCommune]  # every lagging commune, the most lagging first
    changes: list[RankedCommune]
    stamp: str  # identifies the stored results the board was computed from
    province_failing: list[str] = field(default_factory=list)  # failed by many communes again and again
    repeat_counts: list[tuple[str, int]] = field(default_factory=list)  # (indicator, communes failing it)
    lag_periods: list[str] = field(default_factory=list)  # the periods of each row's totals, oldest first


@dataclass
class Dashboard:
    """Everything the province dashboard shows for one framework and period.

    The board is read on first use (from the cache, or computed from the stored results): the
    page caches its rendered body under ``key``, so a repeated request does not read it at all.
    """

    province: Province
    framework: Framework
    period: PeriodSpan
    filters: Filters
    previous_code: str
    key: str  # changes whenever any stored result the board shows is recomputed
    load: Callable[[], Board]

    @cached_property
    def board(self) -> Board:
        return self.load()

    @cached_property
    def rows(self) -> list[RankedCommune]:
        """The rows after filtering and sorting."""
        return _filtered(self.board.rows, self.filters)

    @property
    def as_of(self) -> datetime | None:
        return self.board.as_of

    @property
    def groups(self) -> list[tuple[str, str]]:
        return [(g.code, g.name.shown) for g in self.framework.groups]

    @property
    def distribution(self) -> list[tuple[str, str, int]]:
        return self.board.distribution

    @property
    def monthly(self) -> list[tuple[str, Decimal | None]]:
        return self.board.monthly

    @property
    def peer_groups(self) -> list[tuple[str, str]]:
        return self.board.peer_groups

    @property
    def lagging(self) -> list[RankedCommune]:
        """The short list: the ``SHORT_LIST`` most lagging communes (all of them when asked)."""
        return self.board.lagging if self.filters.lag_all else self.board.lagging[: lag.SHORT_LIST]

    @property
    def lagging_more(self) -> int:
        """How many lagging communes the list leaves out."""
        return len(self.board.lagging) - len(self.lagging)

    @property
    def province_failing(self) -> list[str]:
        return self.board.province_failing

    @property
    def changes(self) -> list[RankedCommune]:
        """The material changes, the ``SHORT_LIST`` biggest (all of them when asked)."""
        return self.board.changes if self.filters.lag_all else self.board.changes[: lag.SHORT_LIST]

    @property
    def changes_more(self) -> int:
        return len(self.board.changes) - len(self.changes)

    @property
    def repeat_counts(self) -> list[tuple[str, int]]:
        return self.board.repeat_counts

    @property
    def rows_html(self) -> SafeString:
        """The filtered, sorted ranking rows' markup (each row built once, when the board was)."""
        return rendering.ranking_rows(self.rows)


@dataclass(frozen=True)
class Filters:
    """What the dashboard list is narrowed to and sorted by (validated from the query string)."""

    sort: str = "rank"
    peer_group: str = ""
    kind: str = ""
    q: str = ""
    lag_all: bool = False  # the whole lagging list instead of the short one


def _unit_scores(version: VersionRef, codes: list[str], province_id: int) -> QuerySet[UnitScore]:
    return UnitScore.objects.filter(
        framework_version__code=version.code, period_code__in=codes, commune__province_id=province_id
    )


def province_dashboard(
    province: Province, framework_code: str, period: PeriodSpan, filters: Filters, runs: Runs
) -> Dashboard:
    """The province dashboard, whatever the number of communes: no query (``runs`` carries the
    versions); 4 when the board is read and not cached under the as-of time of the runs that stored
    its results."""
    version = runs.version_for(period)
    framework = framework_of(version)
    before = previous_periods(period, LAG_PERIODS - 1)
    stamp = runs.stamp([period, *before, *months_of(period)])
    # The language is in the key: the rows' markup and the class labels are built in it.
    language = get_language() or ""
    key = digest(
        f"{province.pk}:{province.data_version}:{version.pk}:{version.sha256}:{period.code}:{stamp}:{language}"
    )

    def compute() -> Board:
        board = _board(province, version, framework, period, before, stamp)
        rendering.mark_up_ranking(board.rows, period.code)  # cached with the board
        return board

    def load() -> Board:  # computed by one thread of the process at a time (kpixa/web/cache.py)
        return once(f"kpixa:web:board:{key}", compute, CACHE_SECONDS)

    return Dashboard(province, framework, period, filters, before[0].code, key, load)


def _monthly(version: VersionRef, period: PeriodSpan, pid: int) -> list[tuple[str, Decimal | None]]:
    """The province's average total per month of the year up to the period's end (one query)."""
    months = months_of(period)
    averages = dict(
        _unit_scores(version, [m.code for m in months], pid)
        .values("period_code")
        .annotate(avg=Avg("total"))
        .order_by()
        .values_list("period_code", "avg")
    )
    return [(m.code, round2(averages.get(m.code))) for m in months]


def _board(
    province: Province,
    version: VersionRef,
    framework: Framework,
    period: PeriodSpan,
    before: list[PeriodSpan],
    stamp: str,
) -> Board:
    """Compute the board from the stored results (5 queries)."""
    rows, as_of = _ranked_rows(version, period, before, province.pk)
    peer_groups = _add_peer_groups(rows, province.pk)
    province_failing, repeats = _add_failing(rows, version, [period, *before], province.pk)
    lagging = _mark_lagging(rows, framework)
    pulls = lag.pulled_down(version.code, period.code, before[0].code, [r.commune_id for r in lagging])
    labels = [p.code for p in [*reversed(before), period]]
    for row in lagging:
        row.pulls = [(p.code, p.points, p.kind) for p in pulls.get(row.commune_id, [])]
        row.trend = list(zip(labels, row.totals, strict=False))
    return Board(
        rows=rows,
        as_of=as_of,
        distribution=_distribution(framework, rows),
        monthly=_monthly(version, period, province.pk),
        peer_groups=peer_groups,
        lagging=lagging,
        changes=_changes(rows, framework.total_points),
        stamp=stamp,
        province_failing=province_failing,
        repeat_counts=repeats,
        lag_periods=labels,
    )


CURRENT_COLUMNS = (
    "commune_id",
    "commune__code",
    "commune__name",
    "commune__kind",
    "period_code",
    "rank_province",
    "total",
    "classification",
    "classification_label",
    "group_totals",
    "as_of",
)


def _ranked_rows(
    version: VersionRef, period: PeriodSpan, before: list[PeriodSpan], pid: int
) -> tuple[list[RankedCommune], datetime | None]:
    """The period's rows in ranking order, with the totals, ranks and classes before (one query)."""
    values = list(
        _unit_scores(version, [period.code, *(p.code for p in before)], pid)
        .order_by(F("rank_province").asc(nulls_last=True), "commune__code")
        .values_list(*CURRENT_COLUMNS)
    )
    groups = framework_of(version).groups  # parsed once per framework text
    history = {(v[0], v[4]): v for v in values if v[4] != period.code}
    rows = []
    for cid, code, name, kind, _p, rank, total, cls, label, group_totals, _a in values:
        if _p != period.code:
            continue
        row = RankedCommune(cid, code, name, kind, rank, total, cls, label, folded=fold(name))
        row.heat = _heat(group_totals or {}, groups)
        _add_history(row, history, before)
        rows.append(row)
    as_of = max((v[10] for v in values if v[4] == period.code), default=None)
    return rows, as_of


def _add_history(row: RankedCommune, history: dict[tuple[int, str], Any], before: list[PeriodSpan]) -> None:
    """The commune's previous total, rank and class, and its totals over the lag periods."""
    last = history.get((row.commune_id, before[0].code))
    if last is not None:
        row.previous_rank, row.previous_total, row.previous_class, row.previous_label = last[5:9]
    older = [history.get((row.commune_id, p.code)) for p in reversed(before)]
    row.totals = [*(o[6] if o else None for o in older), row.total]


def _add_peer_groups(rows: list[RankedCommune], pid: int) -> list[tuple[str, str]]:
    """Each row's peer group codes; returns the province's peer groups (code, name) (one query)."""
    links = Commune.peer_groups.through.objects.filter(commune__province_id=pid).values_list(
        "commune_id", "peergroup__code", "peergroup__name"
    )
    by_commune: dict[int, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for cid, code, name in links:
        by_commune[cid].append(code)
        names[code] = name
    for row in rows:
        row.peer_groups = tuple(by_commune.get(row.commune_id, ()))
    return sorted(names.items(), key=lambda item: item[1])


def _add_failing(
    rows: list[RankedCommune], version: VersionRef, periods: list[PeriodSpan], pid: int
) -> tuple[list[str], list[tuple[str, int]]]:
    """Indicators each commune failed in every one of ``periods``, except those many communes
    failed; returns those (the province's failures) and the repeat failures per indicator (one
    aggregate query)."""
    failed = (
        IndicatorScore.objects.filter(
            framework_version__code=version.code,
            period_code__in=[p.code for p in periods],
            commune__province_id=pid,
            status=CHUA_DAT,
        )
        .values("commune_id", "indicator_code")
        .annotate(n=Count("id"))
        .filter(n__gte=len(periods))
        .order_by()
        .values_list("commune_id", "indicator_code")
    )
    by_commune: dict[int, list[str]] = defaultdict(list)
    for cid, code in failed:
        by_commune[cid].append(code)
    wide = lag.province_wide(by_commune, len(rows))
    for row in rows:
        row.failing = sorted(set(by_commune.get(row.commune_id, [])) - set(wide))
    return wide, lag.repeat_counts(by_commune)


def _heat_level(percent: int | None) -> int:
    """Five colour levels by quarter of the maximum (100% is the darkest); -1 when unknown."""
    if percent is None:
        return -1
    return min(4, max(0, percent // 25))


def _heat(group_totals: dict[str, Any], groups: Any) -> list[tuple[str, int | None, int]]:
    """(group, percent of its maximum, colour level) for each group of the framework."""
    heat = []
    for group in groups:
        data = group_totals.get(group.code) or {}
        percent = _percent(data.get("points"), data.get("max_points"))
        heat.append((group.code, percent, _heat_level(percent)))
    return heat


def _percent(points: Any, max_points: Any) -> int | None:
    """Points as a whole percentage of the maximum (None when unknown or without a maximum)."""
    try:
        top = float(max_points)
        return round(float(points) / top * 100) if top else None
    except (TypeError, ValueError):
        return None


def _mark_lagging(rows: list[RankedCommune], framework: Framework) -> list[RankedCommune]:
    """Mark each row's lagging reasons (kpixa/review/lagging.py); return the lagging rows, the
    most lagging first."""
    lowest = framework.classification[-1].code if framework.classification else ""
    for row in rows:
        row.lagging = []
        if lag.below(row.classification, lowest):
            row.lagging.append("below")
        if lag.falling(row.totals, framework.total_points):
            row.lagging.append("falling")
        if row.failing:
            row.lagging.append("failing")
    return sorted((r for r in rows if r.lagging), key=lambda r: lag.severity(r.lagging, r.total))


def _changes(rows: list[RankedCommune], total_points: Decimal) -> list[RankedCommune]:
    """Communes whose change since the previous period is material (kpixa/review/lagging.py),
    biggest change of total first."""
    moved = [r for r in rows if lag.material(r.previous_class, r.classification, r.change, total_points)]
    return sorted(moved, key=lambda r: (-abs(r.change or Decimal(0)), r.rank or 0))


def _filtered(rows: list[RankedCommune], filters: Filters) -> list[RankedCommune]:
    found = rows
    if filters.kind:
        found = [r for r in found if r.kind == filters.kind]
    if filters.peer_group:
        found = [r for r in found if filters.peer_group in r.peer_groups]
    if filters.q:
        needle = fold(filters.q)
        found = [r for r in found if needle in r.folded or needle in r.code]
    return _sorted(found, filters.sort)


SORT_VALUES: dict[str, Any] = {
    "rank": lambda r: r.rank,
    "name": lambda r: r.folded,
    "total": lambda r: r.total,
    "change": lambda r: r.change,
}


def _sorted(rows: list[RankedCommune], sort: str) -> list[RankedCommune]:
    """Sort by ``sort`` (a ``SORTS`` value; "-" for descending); unknown values always come last."""
    value = SORT_VALUES.get(sort.lstrip("-"), SORT_VALUES["rank"])
    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    return sorted(known, key=value, reverse=sort.startswith("-")) + unknown


def _distribution(framework: Framework, rows: list[RankedCommune]) -> list[tuple[str, str, int]]:
    counts = Counter(r.classification for r in rows)
    bands = [(band.code, band.label.shown, counts.get(band.code, 0)) for band in framework.classification]
    if counts.get(""):
        bands.append(("", "", counts[""]))
    return bands
