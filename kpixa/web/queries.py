"""Named reads of the pages: every one reads stored scores and evaluations, in a fixed number of queries.

Nothing here scores on the fly or scans raw dossiers, except ``dossiers_behind`` which lists the
dossiers behind one count of one commune (paginated). Callers have already checked access; the
public reads filter on publication themselves.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from kpixa.dossiers.models import Dossier
from kpixa.evaluations.models import CommuneEvaluation, Consequence, LeaderEvaluation, PeriodState
from kpixa.evaluations.models import Period as EvaluationPeriod
from kpixa.scoring.engine.core import CHUA_DAT
from kpixa.scoring.engine.model import Framework, Indicator
from kpixa.scoring.engine.periods import MONTH, QUARTER, Period, month, previous
from kpixa.scoring.models import IndicatorScore, RunStatus, ScoreRun, UnitScore
from kpixa.scoring.versions import ScoringError, framework_of, period_of, version_for
from kpixa.units.models import Commune, PeerGroup, Province

DEFAULT_FRAMEWORK = "dvc766"
# Evaluation states whose results are public (issue 6 will add publication snapshots).
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


def scored_periods(framework_code: str, province_id: int | None = None) -> list[Period]:
    """Periods with finished score runs of the framework (for the province, or nationally), latest first.

    One query on the small runs table.
    """
    runs = ScoreRun.objects.filter(framework_version__code=framework_code, status=RunStatus.DONE)
    if province_id is not None:
        runs = runs.filter(Q(province_id=province_id) | Q(province__isnull=True))
    return _sort_periods(runs.values_list("period_code", flat=True).distinct())


def public_periods(province_id: int | None = None) -> list[Period]:
    """Periods whose results are public (published, under appeal or final), latest first (one query)."""
    rows = EvaluationPeriod.objects.filter(state__in=PUBLIC_STATES)
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    return _sort_periods(rows.values_list("code", flat=True).distinct())


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


@dataclass
class RankedCommune:
    """One commune's line of the province ranking, with what changed and why it may be lagging."""

    score: UnitScore
    commune: Commune
    peer_groups: list[PeerGroup]
    previous_total: Decimal | None = None
    previous_rank: int | None = None
    previous_class: str = ""
    previous_label: str = ""
    totals: list[Decimal | None] = field(default_factory=list)  # oldest first, current last
    failing: list[str] = field(default_factory=list)  # indicators failed in each of the last periods
    lagging: list[str] = field(default_factory=list)  # reason codes: bottom, falling, failing
    heat: list[tuple[str, int | None, int]] = field(default_factory=list)  # group, percent, level

    @property
    def change(self) -> Decimal | None:
        if self.score.total is None or self.previous_total is None:
            return None
        return self.score.total - self.previous_total

    @property
    def rank_change(self) -> int | None:
        if self.score.rank_province is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.score.rank_province


@dataclass
class Dashboard:
    """Everything the province dashboard shows for one framework and period."""

    province: Province
    framework: Framework
    period: Period
    rows: list[RankedCommune]  # filtered and sorted
    all_rows: list[RankedCommune]
    as_of: datetime | None
    groups: list[tuple[str, str]]  # (code, name)
    distribution: list[tuple[str, str, int]]  # (class code, label, count)
    monthly: list[tuple[str, Decimal | None]]  # (month code, province average)
    peer_groups: list[PeerGroup]
    previous_code: str

    @property
    def lagging(self) -> list[RankedCommune]:
        return [r for r in self.all_rows if r.lagging]

    @property
    def changes(self) -> list[RankedCommune]:
        """Communes whose class changed or whose rank moved by 5% of the communes or more, biggest first."""
        step = max(1, len(self.all_rows) // 20)
        moved = [
            r
            for r in self.all_rows
            if (r.previous_class and r.previous_class != r.score.classification)
            or abs(r.rank_change or 0) >= step
        ]
        return sorted(moved, key=lambda r: -abs(r.rank_change or 0))


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
    province: Province, framework_code: str, period: Period, filters: Filters
) -> Dashboard:
    """The province dashboard (6 queries whatever the number of communes)."""
    version = version_for(framework_code, period)
    framework = framework_of(version)
    current = list(
        UnitScore.objects.filter(
            framework_version=version, period_code=period.code, commune__province=province
        )
        .select_related("commune")
        .prefetch_related("commune__peer_groups")
        .order_by(F("rank_province").asc(nulls_last=True), "commune__code")
    )
    rows = [RankedCommune(u, u.commune, list(u.commune.peer_groups.all())) for u in current]
    before = previous_periods(period, LAG_PERIODS - 1)
    _add_history(rows, version, period, before, province.pk)
    _add_failing(rows, version, [period, *before], province.pk)
    _add_heat(rows, framework)
    _mark_lagging(rows)
    return Dashboard(
        province=province,
        framework=framework,
        period=period,
        rows=_filtered(rows, filters),
        all_rows=rows,
        as_of=max((u.as_of for u in current), default=None),
        groups=[(g.code, g.name.vi) for g in framework.groups],
        distribution=_distribution(framework, current),
        monthly=_monthly(version, period, province.pk),
        peer_groups=list(PeerGroup.objects.filter(communes__province=province).distinct()),
        previous_code=before[0].code,
    )


def _add_history(
    rows: list[RankedCommune], version: Any, period: Period, before: list[Period], pid: int
) -> None:
    """Previous totals, ranks and classes of each commune (one query)."""
    values = _unit_scores(version, [p.code for p in before], pid).values_list(
        "commune_id", "period_code", "total", "rank_province", "classification", "classification_label"
    )
    history: dict[tuple[int, str], tuple[Decimal | None, int | None, str, str]] = {
        (cid, code): (total, rank, cls, label) for cid, code, total, rank, cls, label in values
    }
    for row in rows:
        last = history.get((row.commune.pk, before[0].code))
        if last is not None:
            row.previous_total, row.previous_rank, row.previous_class, row.previous_label = last
        older = [history.get((row.commune.pk, p.code), (None, None, "", ""))[0] for p in reversed(before)]
        row.totals = [*older, row.score.total]


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
        row.failing = sorted(by_commune.get(row.commune.pk, []))


def _heat_level(percent: int | None) -> int:
    """Five colour levels by quarter of the maximum (100% is the darkest); -1 when unknown."""
    if percent is None:
        return -1
    return min(4, max(0, percent // 25))


def _add_heat(rows: list[RankedCommune], framework: Framework) -> None:
    for row in rows:
        groups = row.score.group_totals or {}
        row.heat = []
        for group in framework.groups:
            data = groups.get(group.code) or {}
            percent = _percent(data.get("points"), data.get("max_points"))
            row.heat.append((group.code, percent, _heat_level(percent)))


def _percent(points: Any, max_points: Any) -> int | None:
    """Points as a whole percentage of the maximum (None when unknown or without a maximum)."""
    try:
        top = float(max_points)
        return round(float(points) / top * 100) if top else None
    except (TypeError, ValueError):
        return None


def _mark_lagging(rows: list[RankedCommune]) -> None:
    ranked = [r for r in rows if r.score.rank_province is not None]
    cut = max(1, len(ranked) * BOTTOM_SHARE // 100) if ranked else 0
    worst = {id(r) for r in sorted(ranked, key=lambda r: -(r.score.rank_province or 0))[:cut]}
    for row in rows:
        row.lagging = []
        if id(row) in worst:
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


def _filtered(rows: list[RankedCommune], filters: Filters) -> list[RankedCommune]:
    found = rows
    if filters.kind:
        found = [r for r in found if r.commune.kind == filters.kind]
    if filters.peer_group:
        found = [r for r in found if any(g.code == filters.peer_group for g in r.peer_groups)]
    if filters.q:
        needle = fold(filters.q)
        found = [r for r in found if needle in fold(r.commune.name) or needle in r.commune.code]
    return _sorted(found, filters.sort)


SORT_VALUES: dict[str, Any] = {
    "rank": lambda r: r.score.rank_province,
    "name": lambda r: fold(r.commune.name),
    "total": lambda r: r.score.total,
    "change": lambda r: r.change,
}


def _sorted(rows: list[RankedCommune], sort: str) -> list[RankedCommune]:
    """Sort by ``sort`` (a ``SORTS`` value; "-" for descending); unknown values always come last."""
    value = SORT_VALUES.get(sort.lstrip("-"), SORT_VALUES["rank"])
    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    return sorted(known, key=value, reverse=sort.startswith("-")) + unknown


def _distribution(framework: Framework, scores: list[UnitScore]) -> list[tuple[str, str, int]]:
    counts = Counter(u.classification for u in scores)
    bands = [(band.code, band.label.vi, counts.get(band.code, 0)) for band in framework.classification]
    if counts.get(""):
        bands.append(("", "", counts[""]))
    return bands


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


def _round(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


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
    """A commune's scorecard for one framework and period."""

    commune: Commune
    framework: Framework
    period: Period
    unit: UnitScore | None
    lines: list[IndicatorLine]

    @property
    def as_of(self) -> datetime | None:
        return self.unit.as_of if self.unit else None


def _outcome(expression: Any) -> str:
    if expression is None or not expression.is_single_name:
        return ""
    return DRILLABLE.get(next(iter(expression.names)), "")


def scorecard(commune: Commune, framework_code: str, period: Period) -> Scorecard:
    """The commune's scorecard (3 queries): stored unit and indicator results and their trends."""
    version = version_for(framework_code, period)
    framework = framework_of(version)
    unit = UnitScore.objects.filter(
        framework_version=version, period_code=period.code, commune=commune
    ).first()
    trend_periods = [*reversed(previous_periods(period, TREND_PERIODS - 1)), period]
    rows = IndicatorScore.objects.filter(
        framework_version__code=version.code,
        commune=commune,
        period_code__in=[p.code for p in trend_periods],
    )
    by_key = {(r.period_code, r.indicator_code): r for r in rows}
    lines = [_line(framework, ind, by_key, period, trend_periods) for ind in framework.indicators()]
    return Scorecard(commune, framework, period, unit, lines)


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
    not yet overdue at its end; the others: received within the period with the flag set.
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
    if outcome == "total":
        return Q(received_day__lte=end) & (Q(end_day__isnull=True) | Q(end_day__gte=start))
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
    return _sort_periods(codes.values_list("code", flat=True).distinct())


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


@dataclass
class ProvinceSummary:
    """One province's line of the national page."""

    code: str
    name: str
    communes: int
    average: Decimal | None
    classes: dict[str, int]


def national_summary(framework_code: str, period: Period, public_only: bool) -> list[ProvinceSummary]:
    """Per-province averages and class counts of the period (one aggregate query).

    With ``public_only``, only provinces whose period is published count.
    """
    scores = UnitScore.objects.filter(framework_version__code=framework_code, period_code=period.code)
    if public_only:
        published = EvaluationPeriod.objects.filter(code=period.code, state__in=PUBLIC_STATES)
        scores = scores.filter(commune__province_id__in=published.values("province_id"))
    rows = (
        scores.values("commune__province__code", "commune__province__name", "classification")
        .annotate(n=Count("id"), avg=Avg("total"))
        .order_by("commune__province__code")
    )
    return _summaries(rows)


def _summaries(rows: Iterable[Any]) -> list[ProvinceSummary]:
    found: dict[str, ProvinceSummary] = {}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        code = row["commune__province__code"]
        item = found.setdefault(code, ProvinceSummary(code, row["commune__province__name"], 0, None, {}))
        item.communes += row["n"]
        item.classes[row["classification"]] = row["n"]
        sums[code] += Decimal(str(row["avg"] or 0)) * row["n"]
    for code, item in found.items():
        item.average = _round(sums[code] / item.communes) if item.communes else None
    return sorted(found.values(), key=lambda s: (s.average is None, -(s.average or 0)))


def national_extremes(
    framework_code: str, period: Period, public_only: bool, size: int = 20
) -> tuple[list[UnitScore], list[UnitScore]]:
    """The ``size`` best and worst communes of the country for the period (two queries)."""
    scores = UnitScore.objects.filter(
        framework_version__code=framework_code, period_code=period.code, total__isnull=False
    ).select_related("commune__province")
    if public_only:
        published = EvaluationPeriod.objects.filter(code=period.code, state__in=PUBLIC_STATES)
        scores = scores.filter(commune__province_id__in=published.values("province_id"))
    best = list(scores.order_by("-total", "commune__code")[:size])
    worst = list(scores.order_by("total", "commune__code")[:size])
    return best, worst


def is_public(province_id: int, period: Period) -> bool:
    """Whether the province's results of ``period`` are public (one query)."""
    return EvaluationPeriod.objects.filter(
        province_id=province_id, code=period.code, state__in=PUBLIC_STATES
    ).exists()


def province_ranking(province: Province, framework_code: str, period: Period) -> list[UnitScore]:
    """The province's communes ranked for the period (one query), for the public ranking."""
    return list(
        UnitScore.objects.filter(
            framework_version__code=framework_code, period_code=period.code, commune__province=province
        )
        .select_related("commune")
        .order_by(F("rank_province").asc(nulls_last=True), "commune__code")
    )


def provinces_with_public_results() -> list[Province]:
    """Provinces with at least one public period (one query)."""
    ids = EvaluationPeriod.objects.filter(state__in=PUBLIC_STATES).values("province_id")
    return list(Province.objects.filter(pk__in=ids).order_by("name"))
