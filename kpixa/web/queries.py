"""Named reads of the pages: every one reads stored scores and evaluations, in a fixed number of queries.

Nothing here scores on the fly or scans raw dossiers, except ``dossiers_behind`` which lists the
dossiers behind one count of one commune (paginated). Callers have already checked access; the
public reads filter on publication themselves.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kpixa.dossiers.models import Dossier
from kpixa.evaluations import lifecycle
from kpixa.evaluations.lifecycle import RankChange
from kpixa.evaluations.models import CommuneEvaluation, Consequence, LeaderEvaluation, PeriodState, Snapshot
from kpixa.evaluations.models import Period as EvaluationPeriod
from kpixa.evaluations.queries import PublishedUnit, published_units
from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion
from kpixa.scoring.engine.core import CHUA_DAT
from kpixa.scoring.engine.model import Framework, Indicator
from kpixa.scoring.engine.periods import MONTH, QUARTER, Period, month, previous
from kpixa.scoring.models import IndicatorScore, RunStatus, ScoreRun, UnitScore
from kpixa.scoring.versions import ScoringError, VersionRef, framework_of, in_force, period_of
from kpixa.units.models import Commune, Province
from kpixa.web.cache import once

DEFAULT_FRAMEWORK = "dvc766"
# Evaluation states whose results are public; the public pages read their latest snapshot (issue 6).
PUBLIC_STATES = (PeriodState.PUBLISHED, PeriodState.APPEAL, PeriodState.FINAL)
KIND_ORDER = {QUARTER: 4, MONTH: 3, "half": 2, "year": 1, "ytd": 0}
SORTS = ("rank", "-rank", "name", "-name", "total", "-total", "change", "-change")
LAG_PERIODS = 3  # "falling several periods in a row" / "failing again and again": the last 3
BOTTOM_SHARE = 10  # the bottom 10% of the ranking are lagging
TREND_PERIODS = 6
PAGE_SIZE = 25


# --- text -------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics (đ → d), for searching with or without them."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


# --- periods ----------------------------------------------------------------------------------


def _sort_periods(codes: Iterable[str]) -> list[Period]:
    periods = []
    for code in set(codes):
        try:
            periods.append(period_of(code))
        except ScoringError:
            continue
    return sorted(periods, key=lambda p: (p.end, KIND_ORDER.get(p.kind, 0)), reverse=True)


@dataclass(frozen=True)
class Runs:
    """The finished score runs of a framework (for a province, or nationally), by period, and the
    framework's active versions (without their text): all a page needs before reading results."""

    periods: list[Period]  # latest first
    as_of: dict[str, tuple[datetime | None, int]]  # period code -> (latest inputs' as-of time, runs)
    framework_code: str = ""
    versions: tuple[VersionRef, ...] = ()  # the framework's active versions

    def stamp(self, periods: Iterable[Period]) -> str:
        """Changes whenever a run stores results of one of ``periods`` (each run reads new inputs)."""
        parts = (f"{p.code}:{self.as_of.get(p.code)}" for p in periods)
        return _digest("|".join(sorted(parts)))

    def version_for(self, period: Period) -> VersionRef:
        """The version in force for ``period`` (no query); ScoringError when none is."""
        return in_force(self.versions, self.framework_code, period)


_RUNS_SQL = """
SELECT r.period_code, MAX(r.inputs_as_of), COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM {runs} r JOIN {versions} v ON v.id = r.framework_version_id
 WHERE v.code = %s AND r.status = %s{in_province}
 GROUP BY r.period_code
UNION ALL
SELECT NULL, NULL, NULL,
       v.id, v.code, v.version, v.sha256, v.source_name, v.valid_from, v.valid_to, v.loaded_at
  FROM {versions} v
 WHERE v.code = %s AND v.status = %s
"""


def scored_runs(framework_code: str, province_id: int | None = None) -> Runs:
    """Periods with finished score runs of the framework and each one's latest as-of time, and the
    framework's active versions without their text, in one query on the two small tables (plain SQL:
    it runs on every page view, and building it with the ORM cost more than running it).
    Every stored result is written by a run: this is their as-of time."""
    quote = connection.ops.quote_name
    sql = _RUNS_SQL.format(
        runs=quote(ScoreRun._meta.db_table),
        versions=quote(FrameworkVersion._meta.db_table),
        in_province="" if province_id is None else " AND (r.province_id = %s OR r.province_id IS NULL)",
    )
    params: list[Any] = [framework_code, RunStatus.DONE.value]
    if province_id is not None:
        params.append(province_id)
    params += [framework_code, FrameworkStatus.ACTIVE.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    as_of: dict[str, tuple[datetime | None, int]] = {}
    versions = []
    for period_code, last, n, pk, code, number, sha256, source_name, valid_from, valid_to, loaded in rows:
        if period_code is not None:
            as_of[period_code] = (_moment(last), n)
        else:
            versions.append(
                VersionRef(
                    pk,
                    code,
                    number,
                    sha256,
                    source_name,
                    _day(valid_from),
                    _day(valid_to),
                    _moment(loaded),
                )
            )
    return Runs(_sort_periods(as_of), as_of, framework_code, tuple(versions))


def _day(value: Any) -> Any:
    """A date column's value (SQLite returns ISO text from plain SQL)."""
    return parse_date(value) if isinstance(value, str) else value


def _moment(value: Any) -> Any:
    """A timestamp column's value, aware (SQLite returns naive UTC ISO text from plain SQL)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def scored_periods(framework_code: str, province_id: int | None = None) -> list[Period]:
    """Periods with finished score runs of the framework (for the province, or nationally), latest first."""
    return scored_runs(framework_code, province_id).periods


def public_periods(province_id: int | None = None) -> list[Period]:
    """Periods whose results are public (published, under appeal or final, with a snapshot), latest
    first (one query)."""
    rows = EvaluationPeriod.objects.filter(state__in=PUBLIC_STATES, snapshots__isnull=False)
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    return _sort_periods(rows.order_by().values_list("code", flat=True).distinct())


def pick_period(requested: str | None, periods: list[Period]) -> Period | None:
    """The requested period when it is one of ``periods``, else the latest; None when there are none."""
    for period in periods:
        if requested and period.code == requested.strip().upper():
            return period
    return periods[0] if periods else None


def previous_periods(period: Period, count: int) -> list[Period]:
    """``count`` periods before ``period``, nearest first."""
    found = []
    current = period
    for _ in range(count):
        current = previous(current)
        found.append(current)
    return found


def months_of(period: Period) -> list[Period]:
    """The months from January of the period's year to the period's last month."""
    return [month(period.end.year, m) for m in range(1, period.end.month + 1)]


# --- province dashboard -------------------------------------------------------------------------

CACHE_SECONDS = 600  # computed dashboards and scorecards, keyed by the stored results' as-of time


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
    lagging: list[str] = field(default_factory=list)  # reason codes: bottom, falling, failing
    heat: list[tuple[str, int | None, int]] = field(default_factory=list)  # group, percent, level
    folded: str = ""  # the name without diacritics, for searching
    html: str = ""  # the ranking row's markup, built once (see ``ranking_row``)

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
    lagging: list[RankedCommune]
    changes: list[RankedCommune]
    stamp: str  # identifies the stored results the board was computed from


@dataclass
class Dashboard:
    """Everything the province dashboard shows for one framework and period.

    The board is read on first use (from the cache, or computed from the stored results): the
    page caches its rendered body under ``key``, so a repeated request does not read it at all.
    """

    province: Province
    framework: Framework
    period: Period
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
    def all_rows(self) -> list[RankedCommune]:
        return self.board.rows

    @property
    def as_of(self) -> datetime | None:
        return self.board.as_of

    @property
    def groups(self) -> list[tuple[str, str]]:
        return [(g.code, g.name.vi) for g in self.framework.groups]

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
        return self.board.lagging

    @property
    def changes(self) -> list[RankedCommune]:
        return self.board.changes

    @property
    def rows_html(self) -> SafeString:
        """The filtered, sorted ranking rows' markup (each row built once, when the board was)."""
        return mark_safe("\n".join(r.html for r in self.rows))  # noqa: S308  # built by format_html


@dataclass(frozen=True)
class Filters:
    """What the dashboard list is narrowed to and sorted by (validated from the query string)."""

    sort: str = "rank"
    peer_group: str = ""
    kind: str = ""
    q: str = ""


def _unit_scores(version: Any, codes: list[str], province_id: int) -> QuerySet[UnitScore]:
    return UnitScore.objects.filter(
        framework_version__code=version.code, period_code__in=codes, commune__province_id=province_id
    )


def province_dashboard(
    province: Province, framework_code: str, period: Period, filters: Filters, runs: Runs
) -> Dashboard:
    """The province dashboard, whatever the number of communes: no query (``runs`` carries the
    versions); 4 when the board is read and not cached under the as-of time of the runs that stored
    its results."""
    version = runs.version_for(period)
    framework = framework_of(version)
    before = previous_periods(period, LAG_PERIODS - 1)
    stamp = runs.stamp([period, *before, *months_of(period)])
    key = _digest(
        f"{province.pk}:{province.data_version}:{version.pk}:{version.sha256}:{period.code}:{stamp}"
    )

    def load() -> Board:  # computed by one thread of the process at a time (kpixa/web/cache.py)
        return once(
            f"kpixa:web:board:{key}",
            lambda: _board(province, version, framework, period, before, stamp),
            CACHE_SECONDS,
        )

    return Dashboard(province, framework, period, filters, before[0].code, key, load)


def _monthly(version: Any, period: Period, pid: int) -> list[tuple[str, Decimal | None]]:
    """The province's average total per month of the year up to the period's end (one query)."""
    months = months_of(period)
    averages = dict(
        _unit_scores(version, [m.code for m in months], pid)
        .values("period_code")
        .annotate(avg=Avg("total"))
        .order_by()
        .values_list("period_code", "avg")
    )
    return [(m.code, _round(averages.get(m.code))) for m in months]


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _board(
    province: Province,
    version: Any,
    framework: Framework,
    period: Period,
    before: list[Period],
    stamp: str,
) -> Board:
    """Compute the board from the stored results (4 queries)."""
    rows, as_of = _ranked_rows(version, period, before, province.pk)
    peer_groups = _add_peer_groups(rows, province.pk)
    _add_failing(rows, version, [period, *before], province.pk)
    _mark_lagging(rows)
    url = reverse("web:scorecard", args=["CODE"])
    for row in rows:
        row.html = ranking_row(row, url, period.code)
    return Board(
        rows=rows,
        as_of=as_of,
        distribution=_distribution(framework, rows),
        monthly=_monthly(version, period, province.pk),
        peer_groups=peer_groups,
        lagging=[r for r in rows if r.lagging],
        changes=_changes(rows),
        stamp=stamp,
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
    version: Any, period: Period, before: list[Period], pid: int
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


def _add_history(row: RankedCommune, history: dict[tuple[int, str], Any], before: list[Period]) -> None:
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


def _add_failing(rows: list[RankedCommune], version: Any, periods: list[Period], pid: int) -> None:
    """Indicators each commune failed in every one of ``periods`` (one aggregate query)."""
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
    for row in rows:
        row.failing = sorted(by_commune.get(row.commune_id, []))


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


def _mark_lagging(rows: list[RankedCommune]) -> None:
    ranked = [r for r in rows if r.rank is not None]
    cut = max(1, len(ranked) * BOTTOM_SHARE // 100) if ranked else 0
    worst = {r.commune_id for r in sorted(ranked, key=lambda r: -(r.rank or 0))[:cut]}
    for row in rows:
        row.lagging = []
        if row.commune_id in worst:
            row.lagging.append("bottom")
        if _falling(row.totals):
            row.lagging.append("falling")
        if row.failing:
            row.lagging.append("failing")


def _falling(totals: list[Decimal | None]) -> bool:
    """True when every total is known and each is below the one before (several periods in a row)."""
    if len(totals) < 2 or any(t is None for t in totals):
        return False
    return all(b < a for a, b in zip(totals, totals[1:], strict=False))  # type: ignore[operator]


def _changes(rows: list[RankedCommune]) -> list[RankedCommune]:
    """Communes whose class changed or whose rank moved by 5% of the communes or more, biggest first."""
    step = max(1, len(rows) // 20)
    moved = [
        r
        for r in rows
        if (r.previous_class and r.previous_class != r.classification) or abs(r.rank_change or 0) >= step
    ]
    return sorted(moved, key=lambda r: -abs(r.rank_change or 0))


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
    bands = [(band.code, band.label.vi, counts.get(band.code, 0)) for band in framework.classification]
    if counts.get(""):
        bands.append(("", "", counts[""]))
    return bands


def _round(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


RANKING_ROW = (
    '<tr><td class="num">{}</td><td><a href="{}?period={}">{}</a></td><td class="num">{}</td>'
    '<td><span class="cls {}">{}</span></td><td class="num">{}</td>{}</tr>'
)


def ranking_row(row: RankedCommune, url_pattern: str, period_code: str) -> str:
    """The ranking row's markup (built once per board: 135 rows of a dozen cells are the page's
    main cost when rendered by the template engine)."""
    from kpixa.web.templatetags.kpixa_web import class_css, num, signed

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
        row.classification_label or "—",
        signed(row.change),
        heat,
    )


# --- commune scorecard --------------------------------------------------------------------------

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
    period: Period
    version: Any
    trend_periods: list[Period]
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
        rows = IndicatorScore.objects.filter(
            framework_version__code=self.version.code,
            commune=self.commune,
            period_code__in=[p.code for p in self.trend_periods],
        ).defer("rate", "portal_points", "as_of")
        by_key = {(r.period_code, r.indicator_code): r for r in rows}
        return [
            _line(self.framework, ind, by_key, self.period, self.trend_periods)
            for ind in self.framework.indicators()
        ]


def _outcome(expression: Any) -> str:
    if expression is None or not expression.is_single_name:
        return ""
    return DRILLABLE.get(next(iter(expression.names)), "")


def scorecard(commune: Commune, framework_code: str, period: Period, runs: Runs) -> Scorecard:
    """The commune's scorecard: no query (``runs`` carries the versions), and 2 when the page reads
    the results.

    ``runs`` are the province's score runs: the ranks of a commune change when a sibling is
    rescored, so the key follows every run of the province for the card's periods.
    """
    version = runs.version_for(period)
    trend_periods = [*reversed(previous_periods(period, TREND_PERIODS - 1)), period]
    stamp = runs.stamp(trend_periods)
    key = _digest(f"{commune.pk}:{commune.data_version}:{version.pk}:{version.sha256}:{period.code}:{stamp}")
    return Scorecard(commune, framework_of(version), period, version, trend_periods, key)


def _line(
    framework: Framework,
    ind: Indicator,
    by_key: dict[tuple[str, str], IndicatorScore],
    period: Period,
    trend_periods: list[Period],
) -> IndicatorLine:
    group = next(g.name.vi for g in framework.groups if g.code == ind.group)
    trend = [(p.code, _trend_value(by_key.get((p.code, ind.code)))) for p in trend_periods]
    numerator, denominator = _outcome(ind.numerator), _outcome(ind.denominator)
    late = "late" if (numerator, denominator) == ("on_time", "total") else ""
    return IndicatorLine(ind, group, by_key.get((period.code, ind.code)), trend, numerator, denominator, late)


def _trend_value(row: IndicatorScore | None) -> Decimal | None:
    if row is None:
        return None
    return row.rate_display if row.rate_display is not None else row.points


# --- the dossiers behind a count ------------------------------------------------------------------


def _open_at(end: date) -> Q:
    return Q(end_day__isnull=True) | Q(end_day__gt=end)


def outcome_filter(outcome: str, start: date, end: date) -> Q | None:
    """The dossiers counted in a measure over [start, end], as the rollups count them; None if unknown.

    total: received by the end and not finished before the start; late: finished late within
    the period or open and overdue at its end; on_time: finished on time within it or open and
    not yet overdue at its end; no_due: those of total without a due time (counted late,
    kpixa.rules.outcome.NO_DUE_POLICY); the others: received within the period with the flag set.
    Reads only the facts stored at ingest; the shared table of outcome cases checks it against
    the rollups.
    """
    received = Q(received_day__gte=start, received_day__lte=end)
    within = Q(end_day__gte=start, end_day__lte=end)
    overdue = Q(overdue_day__isnull=False, overdue_day__lte=end)
    flags = {
        "online": Q(online=True),
        "e2e_eligible": Q(e2e_eligible=True),
        "e2e_online": Q(e2e_eligible=True, online=True),
        "fee_bearing": Q(fee_bearing=True),
        "paid_online": Q(fee_bearing=True, paid_online=True),
        "digitised": Q(digitised=True),
        "synced_on_time": Q(synced_on_time=True),
    }
    total = Q(received_day__lte=end) & (Q(end_day__isnull=True) | Q(end_day__gte=start))
    if outcome == "total":
        return total
    if outcome == "no_due":
        return total & Q(effective_due_at__isnull=True)
    if outcome == "late":
        return (within & Q(on_time=False)) | (Q(received_day__lte=end) & _open_at(end) & overdue)
    if outcome == "on_time":
        return (within & Q(on_time=True)) | (Q(received_day__lte=end) & _open_at(end) & ~overdue)
    if outcome in flags:
        return received & flags[outcome]
    return None


@dataclass(frozen=True)
class DossierFilters:
    """Narrowing of a dossier list: outcome, procedure code, text in the dossier code."""

    outcome: str = "total"
    procedure: str = ""
    q: str = ""


def dossiers_behind(commune: Commune, period: Period, filters: DossierFilters) -> QuerySet[Dossier]:
    """The commune's dossiers counted in ``filters.outcome`` for the period, oldest receipt first.

    Unknown outcomes give an empty list. Paginate the result: it is not bounded.
    """
    where = outcome_filter(filters.outcome, period.start, period.end)
    if where is None:
        return Dossier.objects.none()
    found = Dossier.objects.filter(where, commune=commune).select_related("procedure")
    if filters.procedure:
        found = found.filter(procedure_code=filters.procedure)
    if filters.q:
        found = found.filter(ma_ho_so__icontains=filters.q)
    return found.order_by("received_at", "pk")


def days_late(dossier: Dossier, period_end: date) -> int | None:
    """Calendar days past the effective due date at its end (or at the period's end if still open)."""
    due = dossier.effective_due_at or dossier.due_at
    if due is None:
        return None
    finished = dossier.end_at.date() if dossier.end_at else period_end
    late = (finished - due.date()).days
    return late if late > 0 else None


# --- leaders ---------------------------------------------------------------------------------------


@dataclass
class LeaderPage:
    """The commune's accountable leaders' ratings and proposed consequences for a period."""

    evaluation_period: EvaluationPeriod | None
    commune_result: CommuneEvaluation | None
    leaders: list[LeaderEvaluation]
    consequences: dict[int | None, list[Consequence]]  # by person id (None: the commune)

    @property
    def commune_class_label(self) -> str:
        """The commune's class in the words of the framework that classified it."""
        if self.commune_result is None:
            return ""
        bands = framework_of(self.commune_result.framework_version).classification
        code = self.commune_result.classification
        return next((b.label.vi for b in bands if b.code == code), code)


def leader_periods(commune: Commune) -> list[Period]:
    """Periods with leader evaluations of the commune's province, latest first (one query)."""
    codes = EvaluationPeriod.objects.filter(province_id=commune.province_id, leader_evaluations__isnull=False)
    return _sort_periods(codes.order_by().values_list("code", flat=True).distinct())


def leader_page(commune: Commune, period: Period) -> LeaderPage:
    """The leaders' ratings with their chain and the proposals of the period (4 queries)."""
    row = EvaluationPeriod.objects.filter(province_id=commune.province_id, code=period.code).first()
    if row is None:
        return LeaderPage(None, None, [], {})
    result = (
        CommuneEvaluation.objects.filter(period=row, commune=commune)
        .select_related("framework_version")
        .first()
    )
    leaders = list(
        LeaderEvaluation.objects.filter(period=row, commune=commune)
        .select_related("person", "tenure")
        .order_by("post", "tenure__start")
    )
    consequences: dict[int | None, list[Consequence]] = defaultdict(list)
    for item in Consequence.objects.filter(period=row, commune=commune).order_by("kind", "post"):
        consequences[item.person_id].append(item)
    return LeaderPage(row, result, leaders, dict(consequences))


# --- national and public -----------------------------------------------------------------------------
#
# Every figure a public page shows comes from a published snapshot (issue 6): the latest revision of
# the province's period, named by its revision number and SHA-256. Stored scores (``UnitScore``)
# are read only for operators' view of provinces that have not published the period.

SNAPSHOT_CACHE_SECONDS = 24 * 3600  # a snapshot's content never changes: its SHA-256 names it


def latest_snapshots(period_code: str | None = None) -> list[Snapshot]:
    """The latest revision of each province's published period (of ``period_code`` when given), with
    its period and province, without its content (1 query, whatever the number of provinces)."""
    # Only revisions the audit chain records (lifecycle.audited): a row forged in the database is never shown.
    same_period = lifecycle.audited(Snapshot.objects.filter(period=OuterRef("period")))
    latest = same_period.order_by("-revision").values("revision")[:1]
    found = lifecycle.audited(
        Snapshot.objects.filter(period__state__in=PUBLIC_STATES, revision=Subquery(latest))
    )
    if period_code is not None:
        found = found.filter(period__code=period_code)
    return list(
        found.select_related("period__province")
        .defer("content", "changes")
        .order_by("period__province__code", "period__end", "period__code")
    )


# A commune's published result of one framework, as cached: (code, name, total, class, class label).
SnapshotUnit = tuple[str, str, Decimal | None, str, str]


def snapshot_units(snapshots: list[Snapshot], framework_code: str) -> dict[int, list[SnapshotUnit]]:
    """Each snapshot's communes of the framework, by snapshot id: from the cache, where they are kept
    under the snapshot's SHA-256, else parsed from the content (1 query for all the misses)."""
    keys = {snap.pk: f"kpixa:web:snapshot-units:{snap.sha256}:{framework_code}" for snap in snapshots}
    found: dict[str, list[SnapshotUnit]] = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {
            keys[pk]: [_snapshot_unit(u) for u in content["units"] if u["framework"] == framework_code]
            for pk, content in Snapshot.objects.filter(pk__in=missing).values_list("pk", "content")
        }
        cache.set_many(fresh, SNAPSHOT_CACHE_SECONDS)
        found.update(fresh)
    return {pk: found[key] for pk, key in keys.items()}


def _snapshot_unit(unit: dict[str, Any]) -> SnapshotUnit:
    name = unit.get("commune_name", unit["commune"])
    total, label = _decimal(unit["total"]), unit.get("classification_label", "")
    return (unit["commune"], name, total, unit["classification"], label)


@dataclass
class ProvinceSummary:
    """One province's line of the national page: from its latest snapshot of the period (``revision``
    and ``sha256`` set), or, for operators only, from the stored results of an unpublished period."""

    code: str
    name: str
    communes: int
    average: Decimal | None
    classes: dict[str, int]
    as_of: datetime | None = None
    revision: int | None = None
    sha256: str = ""
    counts: list[int] = field(default_factory=list)  # per class of ``National.classes``

    @property
    def short_sha(self) -> str:
        return self.sha256[:12]


@dataclass(frozen=True)
class NationalUnit:
    """A commune among the country's best or worst of the period."""

    code: str
    name: str
    province_name: str
    total: Decimal


@dataclass
class National:
    """What the national page shows of one framework and period."""

    summary: list[ProvinceSummary]
    best: list[NationalUnit]
    worst: list[NationalUnit]
    classes: list[tuple[str, str]]  # (code, label) of every class given, best first

    @property
    def as_of(self) -> datetime | None:
        return max((s.as_of for s in self.summary if s.as_of), default=None)

    @property
    def columns(self) -> int:
        return 5 + len(self.classes)


class _Classes:
    """The classes met (in the framework's words, as published), ordered by the best total in each:
    the bands are thresholds of the total, so this is the framework's order, best first."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.tops: dict[str, Decimal | None] = {}

    def add(self, code: str, label: str, total: Decimal | None) -> None:
        self.labels.setdefault(code, label)
        top = self.tops.get(code)
        self.tops[code] = total if top is None or (total is not None and total > top) else top

    def ordered(self) -> list[tuple[str, str]]:
        codes = sorted(self.labels, key=lambda c: (self.tops[c] is None, -(self.tops[c] or 0), c))
        return [(code, self.labels[code]) for code in codes]


def national(framework_code: str, period: Period, unpublished: bool = False, size: int = 20) -> National:
    """Every province's summary and the country's ``size`` best and worst communes of the period, from
    each province's latest published snapshot: 1 query when the result for these snapshots is cached
    (by their SHA-256), 2 when a snapshot's units are not cached yet.

    With ``unpublished`` (operators) the provinces without a published snapshot of the period are
    added from their stored results (3 queries more).
    """
    snapshots = latest_snapshots(period.code)
    if unpublished:
        return _national(framework_code, period, snapshots, unpublished, size)
    # The published part depends on nothing but the snapshots, which never change in place: the
    # result is kept under their hashes (a new revision makes a new key).
    key = "web-national:" + _digest(
        "|".join([framework_code, period.code, str(size), *(s.sha256 for s in snapshots)])
    )
    found = cache.get(key)
    if found is None:
        found = _national(framework_code, period, snapshots, unpublished, size)
        cache.set(key, found, NATIONAL_SECONDS)
    return found


NATIONAL_SECONDS = 3600


def _national(
    framework_code: str, period: Period, snapshots: list[Snapshot], unpublished: bool, size: int
) -> National:
    units_of = snapshot_units(snapshots, framework_code)
    summary, ranked, met = [], [], _Classes()
    for snap in snapshots:
        province, units = snap.period.province, units_of[snap.pk]
        if not units:
            continue
        classes = dict(Counter(u[3] for u in units))
        line = ProvinceSummary(province.code, province.name, len(units), None, classes)
        totals = [u[2] for u in units if u[2] is not None]
        line.average = _round(sum(totals) / len(totals)) if totals else None
        line.as_of, line.revision, line.sha256 = snap.created_at, snap.revision, snap.sha256
        summary.append(line)
        ranked += [NationalUnit(u[0], u[1], province.name, u[2]) for u in units if u[2] is not None]
        for unit in units:
            met.add(unit[3], unit[4], unit[2])
    if unpublished:
        stored = UnitScore.objects.filter(framework_version__code=framework_code, period_code=period.code)
        stored = stored.exclude(commune__province_id__in=[s.period.province_id for s in snapshots])
        summary += _stored_summaries(stored, met)
        ranked += _stored_extremes(stored, size)
    summary.sort(key=lambda s: (s.average is None, -(s.average or 0), s.code))
    columns = met.ordered()
    for line in summary:
        line.counts = [line.classes.get(code, 0) for code, _label in columns]
    best = sorted(ranked, key=lambda u: (-u.total, u.code))[:size]
    worst = sorted(ranked, key=lambda u: (u.total, u.code))[:size]
    return National(summary, best, worst, columns)


def _stored_summaries(scores: QuerySet[UnitScore], classes: _Classes) -> list[ProvinceSummary]:
    """Per-province counts, averages and classes of stored results (one aggregate query)."""
    rows = (
        scores.values(
            "commune__province__code", "commune__province__name", "classification", "classification_label"
        )
        .annotate(n=Count("id"), scored=Count("total"), avg=Avg("total"), top=Max("total"), last=Max("as_of"))
        .order_by("commune__province__code")
    )
    found: dict[str, ProvinceSummary] = {}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    scored: Counter[str] = Counter()
    for row in rows:
        code = row["commune__province__code"]
        item = found.setdefault(code, ProvinceSummary(code, row["commune__province__name"], 0, None, {}))
        item.communes += row["n"]
        item.classes[row["classification"]] = item.classes.get(row["classification"], 0) + row["n"]
        classes.add(row["classification"], row["classification_label"], row["top"])
        item.as_of = max(filter(None, (item.as_of, row["last"])), default=None)
        sums[code] += Decimal(str(row["avg"] or 0)) * row["scored"]
        scored[code] += row["scored"]
    for code, item in found.items():
        item.average = _round(sums[code] / scored[code]) if scored[code] else None
    return list(found.values())


def _stored_extremes(scores: QuerySet[UnitScore], size: int) -> list[NationalUnit]:
    """The ``size`` best and worst stored totals (two queries)."""
    rows = scores.filter(total__isnull=False).values_list(
        "commune__code", "commune__name", "commune__province__name", "total"
    )
    best = rows.order_by("-total", "commune__code")[:size]
    worst = rows.order_by("total", "commune__code")[:size]
    found = {*best, *worst}
    return [NationalUnit(code, name, where, total) for code, name, where, total in found if total is not None]


@dataclass(frozen=True)
class PublishedProvince:
    """A province's latest published period and that period's latest snapshot revision."""

    code: str
    name: str
    period: Period
    revision: int
    sha256: str

    @property
    def short_sha(self) -> str:
        return self.sha256[:12]


def published_provinces() -> list[PublishedProvince]:
    """Each province with a published period, by name: its latest one (latest end; a quarter before a
    month ending the same day) with that period's latest revision (1 query)."""
    found: dict[str, PublishedProvince] = {}
    for snap in latest_snapshots():
        try:
            period = period_of(snap.period.code)
        except ScoringError:
            continue
        province = snap.period.province
        current = found.get(province.code)
        if current is None or _period_order(period) > _period_order(current.period):
            found[province.code] = PublishedProvince(
                province.code, province.name, period, snap.revision, snap.sha256
            )
    return sorted(found.values(), key=lambda p: (fold(p.name), p.code))


def _period_order(period: Period) -> tuple[date, int]:
    return period.end, KIND_ORDER.get(period.kind, 0)


# --- published snapshots (issue 6) -------------------------------------------------------------------


@dataclass(frozen=True)
class PublicRow:
    """One commune's line of a published ranking (plain values from the snapshot: no personal data)."""

    code: str
    name: str
    rank: int | None
    total: Decimal | None
    classification: str
    classification_label: str


@dataclass
class Published:
    """What a public page shows of one province's period: the latest snapshot's content and its
    revisions' rank changes."""

    snapshot: Snapshot
    rows: list[PublicRow]
    notes: list[RevisionNote] = field(default_factory=list)

    @property
    def as_of(self) -> datetime:
        return self.snapshot.created_at

    @property
    def short_sha(self) -> str:
        return self.snapshot.sha256[:12]

    @property
    def revised(self) -> bool:
        return self.snapshot.revision > 1


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _public_rows(snapshot: Snapshot, framework_code: str) -> list[PublicRow]:
    units = [u for u in snapshot.content["units"] if u["framework"] == framework_code]
    rows = [
        PublicRow(
            u["commune"],
            u.get("commune_name", u["commune"]),
            u["rank"],
            _decimal(u["total"]),
            u["classification"],
            u["classification_label"],
        )
        for u in units
    ]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.code))


def published_ranking(province: Province, framework_code: str, period: Period) -> Published | None:
    """The province's published ranking of the period from its latest snapshot, None when the period
    has none (1 query, 2 when it has later revisions). Stored scores are never read here."""
    snapshot = lifecycle.latest_snapshot(province, period.code)
    if snapshot is None:
        return None
    rows = _public_rows(snapshot, framework_code)
    notes = _notes(province, period, framework_code, rows) if snapshot.revision > 1 else []
    return Published(snapshot, rows, notes)


@dataclass
class PublishedCard:
    """A commune's published scorecard: its unit in the latest snapshot and the framework's words."""

    snapshot: Snapshot
    unit: PublishedUnit | None
    framework: Framework | None
    changes: list[RankChange]

    @property
    def short_sha(self) -> str:
        return self.snapshot.sha256[:12]

    def lines(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(code, name, published values) of each indicator, in the framework's order when known."""
        names = {i.code: i.name.vi for i in self.framework.indicators()} if self.framework else {}
        rows = self.unit.indicators if self.unit else []
        return [(r["code"], names.get(r["code"], ""), r) for r in rows]


def published_card(commune: Commune, framework_code: str, period: Period) -> PublishedCard | None:
    """The commune's result in the latest snapshot of the period, with the revisions that changed its
    published rank; None when the period has no snapshot (3 queries: snapshot, framework, changes)."""
    snapshot = lifecycle.latest_snapshot(commune.province, period.code)
    if snapshot is None:
        return None
    units = [u for u in published_units(snapshot, commune.code) if u.framework == framework_code]
    unit = units[0] if units else None
    framework = None
    if unit is not None:
        version = FrameworkVersion.objects.filter(code=framework_code, version=unit.version).first()
        framework = framework_of(version) if version is not None else None
    changes = (
        lifecycle.rank_changes(commune.province, period.code, commune.code) if snapshot.revision > 1 else []
    )
    return PublishedCard(snapshot, unit, framework, changes)


@dataclass(frozen=True)
class RevisionNote:
    """A later revision of a published period: when, why, and whose published rank it changed."""

    revision: int
    at: datetime
    explanation: str
    ranks: list[tuple[str, int | None, int | None]]  # (commune name, rank before, rank after)


def _notes(
    province: Province, period: Period, framework_code: str, rows: list[PublicRow]
) -> list[RevisionNote]:
    """The period's revisions after the first, oldest first (1 query)."""
    names = {r.code: r.name for r in rows}
    revisions = (
        lifecycle.audited(
            Snapshot.objects.filter(period__province=province, period__code=period.code, revision__gt=1)
        )
        .defer("content")
        .order_by("revision")
    )
    return [
        RevisionNote(
            snap.revision,
            snap.created_at,
            snap.explanation_vi,
            [
                (names.get(c["commune"], c["commune"]), c["before"], c["after"])
                for c in snap.changes
                if c["field"] == "rank" and c.get("framework") == framework_code
            ],
        )
        for snap in revisions
    ]
