"""Early warning reads (docs/early-warning.md): for the open period of each active framework, a
commune's open dossiers by due time, its reported values still due, and its indicators, total and
class projected to the period's end — best, worst and expected — by the scoring engine.

``warnings_for_province`` and ``project_commune`` are the two entry points (other apps, e.g. the
monthly review, read the projections through them). A fixed number of queries whatever the
number of communes: see ``tests/test_queries.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, Q, Sum
from django.utils import timezone, translation

from kpixa.dossiers.models import Dossier, Rollup
from kpixa.dossiers.queries import period_measures
from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion
from kpixa.rules.classification import band_rank
from kpixa.scoring import inputs as inp
from kpixa.scoring.engine import core
from kpixa.scoring.engine.i18n import memoized
from kpixa.scoring.engine.measures import FRAMEWORK_PREFIX, REPORTED_PREFIX
from kpixa.scoring.engine.model import Framework, Text
from kpixa.scoring.engine.periods import PeriodSpan, month
from kpixa.scoring.versions import framework_of, version_for
from kpixa.units.models import Commune, Province
from kpixa.warnings import projection as pj
from kpixa.workdays.calendar import OutOfCalendarRange, WorkCalendar, get_calendar

CURRENT = "current"  # the period scored as it stands at the as-of day (open dossiers judged then)
DUE_WINDOWS = (1, 2, 5)  # working days: due within the next 1, 2 and 5 working days
PATTERN_DAYS = 60  # the closing pattern: dossiers finished in the last 60 days up to the as-of day
PATTERN_WEIGHT = 20  # shrunk toward the province's share as if 20 more had closed at it
OUTCOME_MEASURES = ("dossiers.finished_on_time", "dossiers.finished")


@dataclass(frozen=True)
class DueDossier:
    """An open dossier in the lists: due time, working hours left, the smallest window it is due in."""

    source_system: str
    ma_ho_so: str
    procedure: str
    received_at: datetime
    due_at: datetime | None
    working_hours_left: Decimal | None  # None when overdue or without a due time
    within_days: int | None  # 1, 2 or 5; None when overdue or due later


@dataclass(frozen=True)
class ReportedDue:
    """A reported value the commune has not submitted yet, and its deadline (end of that day)."""

    measure: str
    label: str
    deadline: date


@dataclass
class Projection:
    """One commune, one framework, the open period: projected indicator rates, totals, classes, lists."""

    commune: inp.CommuneRow
    framework_code: str
    framework_version: str
    period: PeriodSpan
    as_of: date
    rates: dict[str, dict[str, Decimal | None]]  # indicator code → scenario → rate (2 dp)
    points: dict[str, dict[str, Decimal]]  # indicator code → scenario → contribution to the total
    name_texts: dict[str, Text]  # indicator code → name in both languages (``names``: the shown one)
    totals: dict[str, Decimal | None]  # scenario (and CURRENT) → total
    classes: dict[str, str | None]  # scenario (and CURRENT) → class code
    class_texts: dict[str, Text]  # class code → label in both languages (``class_labels``: shown)
    open_count: int
    due_soon: list[DueDossier]
    overdue: list[DueDossier]
    reported_due: list[ReportedDue]
    on_time_share: Decimal
    bands: Sequence[Any] = field(default=())
    framework_name: Text = field(default=Text(""))

    @property
    def names(self) -> dict[str, str]:
        """Indicator code → name in the active language (the file's English name in English)."""
        return {code: text.shown for code, text in self.name_texts.items()}

    @property
    def class_labels(self) -> dict[str, str]:
        """Class code → label in the active language."""
        return {code: text.shown for code, text in self.class_texts.items()}

    @property
    def framework_label(self) -> str:
        """The framework's name in the active language, its code when the file names none."""
        return self.framework_name.shown or self.framework_code

    def _rank(self, scenario: str) -> int:
        code = self.classes.get(scenario)
        return band_rank(self.bands, code) if code else len(self.bands)

    @property
    def falls_class(self) -> bool:
        """The worst case classes the commune lower than it stands today."""
        return self.classes.get(pj.WORST) is not None and self._rank(pj.WORST) > self._rank(CURRENT)

    @property
    def points_at_stake(self) -> Decimal:
        """Points between the best and the worst case: what finishing the open dossiers on time decides."""
        best, worst = self.totals.get(pj.BEST), self.totals.get(pj.WORST)
        return (best or Decimal(0)) - (worst or Decimal(0))

    @property
    def scenarios(self) -> list[tuple[str, Decimal | None, str | None, str]]:
        """(scenario, total, class code, class label) for worst, expected and best, in that order."""
        out = []
        for scenario in (pj.WORST, pj.EXPECTED, pj.BEST):
            code = self.classes.get(scenario)
            out.append((scenario, self.totals.get(scenario), code, self.class_labels.get(code or "", "")))
        return out

    @property
    def current_label(self) -> str:
        return self.class_labels.get(self.classes.get(CURRENT) or "", "")

    def due_within(self, days: int) -> list[DueDossier]:
        return [d for d in self.due_soon if d.within_days is not None and d.within_days <= days]


# --- the open period and the frameworks -------------------------------------------------------


def open_period(as_of: date) -> PeriodSpan:
    """The open period on ``as_of``: its month (the portal's monthly cycle)."""
    return month(as_of.year, as_of.month)


def active_frameworks(
    period: PeriodSpan, code: str | None = None
) -> list[tuple[FrameworkVersion, Framework]]:
    """Active frameworks with a version in force for ``period`` (1 query + 1 per framework), those
    reading other frameworks' totals last."""
    rows = FrameworkVersion.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.end),
        status=FrameworkStatus.ACTIVE,
        valid_from__lte=period.end,
    )
    if code is not None:
        rows = rows.filter(code=code)
    codes = sorted(set(rows.values_list("code", flat=True)))
    found = [(version, framework_of(version)) for version in (version_for(c, period) for c in codes)]
    return sorted(found, key=lambda vf: (_reads_frameworks(vf[1]), vf[0].code))


def _reads_frameworks(framework: Framework) -> bool:
    return any(m.startswith(FRAMEWORK_PREFIX) for m in framework.measures())


# --- the dossiers -------------------------------------------------------------------------------


class OpenDossiers(NamedTuple):
    """A province's dossiers open at the end of the as-of day, by commune."""

    days: dict[int, list[tuple[date | None, int]]]  # every one: (overdue day, how many), by day
    dossiers: dict[int, list[pj.OpenDossier]]  # the ones the due lists can hold, read one by one


def open_dossiers(commune_ids: Collection[int], as_of: date, due_by: datetime | None = None) -> OpenDossiers:
    """Dossiers received by ``as_of`` and not ended by its end, by commune (2 queries).

    The projection needs only each dossier's overdue day: the dossiers not ended are counted by
    commune and stored overdue day (``Dossier.overdue_day``, the rule's day computed at ingest; for a
    dossier not ended it is ``OpenDossier.overdue_day``), from the partial index of open dossiers
    alone. Dossiers are read one by one only where the due lists can hold them: the ones not ended
    that are overdue by ``due_by`` or have no overdue time (all of them when ``due_by`` is None),
    and every one ended after the as-of day (its stored overdue day reflects its end, so its day is
    judged from its times); each half through an index."""
    ids = list(commune_ids)
    received = Dossier.objects.filter(commune_id__in=ids, received_day__lte=as_of)
    days: dict[int, list[tuple[date | None, int]]] = defaultdict(list)
    counted = (
        received.filter(end_day__isnull=True)
        .values_list("commune_id", "overdue_day")
        .annotate(n=Count("*"))
        .order_by()
    )
    for cid, day, n in counted:
        days[cid].append((day, n))
    fields = (
        "commune_id",
        "source_system",
        "ma_ho_so",
        "procedure__name",
        "procedure_code",
        "received_at",
        "effective_due_at",
        "overdue_at",
        "end_day",
    )
    not_ended = received.filter(end_day__isnull=True)
    if due_by is not None:
        # overdue by ``due_by`` (or never): its overdue day is at the latest ``due_by``'s day (or,
        # received by the as-of day, that day): the bound reads the index, the times decide
        bound = max(_local(due_by).date(), as_of)
        not_ended = not_ended.filter(
            Q(overdue_at__isnull=True) | Q(overdue_at__lte=due_by), overdue_day__lte=bound
        )
    rows = (
        not_ended.values_list(*fields)
        .order_by()
        .union(received.filter(end_day__gt=as_of).values_list(*fields).order_by(), all=True)
    )
    dossiers: dict[int, list[pj.OpenDossier]] = defaultdict(list)
    tz = timezone.get_current_timezone()  # once: looking it up per value cost more than the rest
    for cid, source, code, proc_name, proc_code, received_at, due, overdue, end_day in rows:
        d = pj.OpenDossier(
            cid,
            source,
            code,
            proc_name or proc_code,
            _local(received_at, tz),
            None if due is None else _local(due, tz),
            None if overdue is None else _local(overdue, tz),
        )
        dossiers[cid].append(d)
        if end_day is not None:  # ended after the as-of day: judged as if not ended
            days[cid].append((d.overdue_day, 1))
    for found in days.values():
        found.sort(key=_day_order)
    return OpenDossiers(dict(days), dict(dossiers))


def _day_order(item: tuple[date | None, int]) -> tuple[bool, date]:
    return (item[0] is None, item[0] or date.min)


def _local(value: datetime, tz: tzinfo | None = None) -> datetime:
    """``value`` on the local (Vietnam) clock, aware: dates read from it are local dates
    (``timezone.localtime``; ``tz``: the current time zone, when the caller has it already)."""
    tz = tz or timezone.get_current_timezone()
    return value.astimezone(tz) if value.tzinfo is not None else timezone.make_aware(value, tz)


def instant_of(as_of: date, now: datetime | None) -> datetime:
    """The moment the lists are read at (local, aware): ``now`` or the start of the as-of day."""
    if now is not None:
        return _local(now)
    return timezone.make_aware(datetime.combine(as_of, time(0)))


def split_due(
    dossiers: Sequence[pj.OpenDossier],
    instant: datetime,
    calendar: WorkCalendar,
    memo: dict[datetime, tuple[Decimal, int] | None] | None = None,
) -> tuple[list[DueDossier], list[DueDossier]]:
    """(due within the next 5 working days, overdue) at ``instant``, each in due order.

    ``memo``: (working hours left, window) by due instant, shared by the calls of one ``instant``
    and calendar (a province's dossiers fall due at a few hundred distinct instants)."""
    limits = {n: _add_days(calendar, instant, n) for n in DUE_WINDOWS}
    last = limits[DUE_WINDOWS[-1]]
    memo = {} if memo is None else memo
    try:
        start = calendar.working_clock(instant)  # once: the hours left are differences of the clock
    except OutOfCalendarRange:
        start = None
    soon, overdue = [], []
    for d in dossiers:
        late_at = d.overdue_at
        if late_at is None or late_at <= instant:
            if late_at is not None or d.due_at is None:  # overdue, or no due time (rule: not on time)
                overdue.append(_due(d, None, None))
            continue
        if late_at > last:
            continue
        if late_at not in memo:
            within = next((n for n in DUE_WINDOWS if late_at <= limits[n]), None)
            memo[late_at] = None if within is None else (_hours(calendar, instant, late_at, start), within)
        found = memo[late_at]
        if found is not None:
            soon.append(_due(d, *found))
    key = _due_order
    return sorted(soon, key=key), sorted(overdue, key=key)


def _due_order(d: DueDossier) -> tuple[datetime, str]:
    return (d.due_at or d.received_at, d.ma_ho_so)


def _due(d: pj.OpenDossier, hours: Decimal | None, within: int | None) -> DueDossier:
    return DueDossier(d.source_system, d.ma_ho_so, d.procedure, d.received_at, d.due_at, hours, within)


def _add_days(calendar: WorkCalendar, start: datetime, n: int) -> datetime:
    try:
        return calendar.add_working_days(start, n)
    except OutOfCalendarRange:
        return start + timedelta(days=n * 7 / 5)


def _hours(calendar: WorkCalendar, a: datetime, b: datetime, clock_a: int | None = None) -> Decimal:
    """Working hours from ``a`` to ``b`` (``clock_a``: ``calendar.working_clock(a)``, when known)."""
    seconds: float
    try:
        if clock_a is None:
            clock_a = calendar.working_clock(a)
        seconds = max(calendar.working_clock(b) - clock_a, 0)
    except OutOfCalendarRange:
        seconds = (b - a).total_seconds()
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


def closing_pattern(communes: Sequence[inp.CommuneRow], as_of: date) -> dict[int, Decimal]:
    """Each commune's recent on-time share: dossiers finished on time ÷ finished over the
    ``PATTERN_DAYS`` days up to ``as_of``, shrunk toward its province's share
    (``projection.shrunk_share``), so that one commune alone gets the same value as in its
    province's list (1 query)."""
    provinces = {c.province_id for c in communes}
    rows = (
        Rollup.objects.filter(
            commune__province_id__in=provinces,
            day__gt=as_of - timedelta(days=PATTERN_DAYS),
            day__lte=as_of,
            measure__in=OUTCOME_MEASURES,
        )
        .values("commune_id", "commune__province_id", "measure")
        .annotate(total=Sum("value"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    by_province: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        value = int(row["total"] or 0)
        counts[row["commune_id"]][row["measure"]] = value
        by_province[row["commune__province_id"]][row["measure"]] += value
    out = {}
    for c in communes:
        province = by_province[c.province_id]
        finished = province["dossiers.finished"]
        prior = Decimal(province["dossiers.finished_on_time"]) / finished if finished else Decimal("0.5")
        mine = counts[c.id]
        out[c.id] = pj.shrunk_share(
            mine.get("dossiers.finished_on_time", 0), mine.get("dossiers.finished", 0), prior, PATTERN_WEIGHT
        )
    return out


# --- reported values --------------------------------------------------------------------------


def reported_due(
    communes: Sequence[inp.CommuneRow], period: PeriodSpan
) -> dict[tuple[int, str], list[ReportedDue]]:
    """The reported values each commune still owes for ``period``, by (commune id, framework code),
    with the province's deadline (3 queries)."""
    from kpixa.reporting.models import ReportedValue
    from kpixa.reporting.queries import deadlines, required_measures

    required = required_measures(period)
    if not required:
        return {}
    ids = [c.id for c in communes]
    present = set(
        ReportedValue.objects.filter(commune_id__in=ids, period_code=period.code).values_list(
            "commune_id", "measure"
        )
    )
    due_on = deadlines({c.province_id for c in communes}, period)
    out: dict[tuple[int, str], list[ReportedDue]] = defaultdict(list)
    for c in communes:
        for m in required:
            if (c.id, m.code) not in present:
                out[(c.id, m.framework_code)].append(ReportedDue(m.code, m.title, due_on[c.province_id]))
    return out


# --- the projection ---------------------------------------------------------------------------


def project(
    communes: list[inp.CommuneRow],
    as_of: date,
    *,
    framework: str | None = None,
    now: datetime | None = None,
    scenarios: Collection[str] = pj.SCENARIOS,
    current: bool = True,
) -> list[Projection]:
    """Project ``communes`` for the open period of each active framework (or ``framework`` only).

    ``scenarios`` limits the scenarios scored; the others are left out of ``totals``, ``classes``
    and ``rates`` (None). ``current=False`` does not score the current standing either (the
    command, whose output does not show it: a quarter less scoring; ``falls_class`` is then
    False)."""
    period = open_period(as_of)
    frameworks = active_frameworks(period, framework)
    if not communes or not frameworks:
        return []
    ids = [c.id for c in communes]
    base = period_measures(ids, period.start, as_of)
    instant, calendar = instant_of(as_of, now), get_calendar()
    opened = open_dossiers(ids, as_of, due_by=_add_days(calendar, instant, DUE_WINDOWS[-1]))
    shares = closing_pattern(communes, as_of)
    wanted = [s for s in pj.SCENARIOS if s in scenarios]
    measures = _scenario_measures(ids, base, opened.days, shares, as_of, period.end, wanted, current)
    dues = _due_lists(opened.dossiers, instant, calendar)
    owed = reported_due(communes, period)
    out: list[Projection] = []
    totals: dict[str, dict[str, dict[str, Decimal | None]]] = {}  # scenario → commune → measure
    for version, fw in frameworks:
        scores = _score(fw, communes, period, measures, totals)
        for scenario, unit_scores in scores.items():
            for s in unit_scores:
                totals.setdefault(scenario, {}).setdefault(s.unit.code, {})[
                    f"{FRAMEWORK_PREFIX}{fw.code}.total"
                ] = s.total
        out += _projections(version, fw, communes, period, as_of, scores, opened.days, dues, owed, shares)
    return out


def _scenario_measures(
    ids: list[int],
    base: Mapping[int, Mapping[str, int | None]],
    days: Mapping[int, list[tuple[date | None, int]]],
    shares: Mapping[int, Decimal],
    as_of: date,
    end: date,
    scenarios: Sequence[str],
    current: bool,
) -> dict[str, dict[int, dict[str, Any]]]:
    """Each commune's measures as it stands (``current``) and at the period's end in each of
    ``scenarios``, by scenario (CURRENT first, then in ``scenarios``' order)."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    if current:
        out[CURRENT] = {cid: dict(base.get(cid, {})) for cid in ids}
    for scenario in scenarios:
        out[scenario] = {}
    for cid in ids:
        projected = pj.project_days(days.get(cid, []), as_of, end, shares[cid], scenarios)
        for scenario in scenarios:
            out[scenario][cid] = pj.projected_measures(base.get(cid, {}), projected[scenario])
    return out


def _due_lists(
    opened: Mapping[int, list[pj.OpenDossier]], instant: datetime, calendar: WorkCalendar
) -> dict[int, tuple[list[DueDossier], list[DueDossier]]]:
    memo: dict[datetime, tuple[Decimal, int] | None] = {}
    return {cid: split_due(dossiers, instant, calendar, memo) for cid, dossiers in opened.items()}


def _score(
    fw: Framework,
    communes: list[inp.CommuneRow],
    period: PeriodSpan,
    measures: Mapping[str, Mapping[int, Mapping[str, Any]]],
    totals: Mapping[str, Mapping[str, Mapping[str, Decimal | None]]],
) -> dict[str, list[core.UnitScore]]:
    """Score the communes once per scenario (and as they stand), with projected measures and the
    projected totals of the frameworks scored before."""
    inputs = inp.gather_inputs(
        fw, communes, period.code, period.start, period.end, _none, inp.verified_reported_values
    )
    targets = inp.resolve_targets(fw.code, period.code, communes)
    units = [c.unit_info() for c in communes]
    counted = {m for m in fw.measures() if not m.startswith((REPORTED_PREFIX, FRAMEWORK_PREFIX))}
    out: dict[str, list[core.UnitScore]] = {scenario: [] for scenario in measures}
    seen: dict[tuple[str, tuple[tuple[str, Any], ...]], core.UnitScore] = {}
    with translation.override("vi"), memoized():
        for c, unit in zip(communes, units, strict=True):
            for scenario, by_commune in measures.items():
                row = dict(inputs[c.code])
                row.update({k: v for k, v in by_commune.get(c.id, {}).items() if k in counted})
                row.update(totals.get(scenario, {}).get(c.code, {}))
                # Scenarios that leave a commune's inputs alike (no open dossier, none due before
                # the end) are scored once.
                key = (c.code, tuple(sorted(row.items())))
                if key not in seen:
                    seen[key] = core.score_unit(fw, unit, row, targets.get(c.code), explain=False)
                out[scenario].append(seen[key])
    return out


def _none(ids: Collection[int], start: date, end: date) -> Mapping[int, Mapping[str, int | None]]:
    return {}


def _projections(
    version: FrameworkVersion,
    fw: Framework,
    communes: list[inp.CommuneRow],
    period: PeriodSpan,
    as_of: date,
    scores: Mapping[str, list[core.UnitScore]],
    days: Mapping[int, list[tuple[date | None, int]]],
    dues: Mapping[int, tuple[list[DueDossier], list[DueDossier]]],
    owed: Mapping[tuple[int, str], list[ReportedDue]],
    shares: Mapping[int, Decimal],
) -> list[Projection]:
    by_code = {scenario: {s.unit.code: s for s in unit_scores} for scenario, unit_scores in scores.items()}
    labels = {b.code: b.label for b in fw.classification}
    names = {i.code: i.name for i in fw.indicators()}
    out = []
    for c in communes:
        unit = {scenario: by_code[scenario][c.code] for scenario in by_code}
        first = next(iter(unit.values()))  # every scenario scores the same indicators
        results = {s: _results_by_code(unit[s]) for s in unit}  # ``UnitScore.indicator``, looked up once
        rates = {
            r.code: {s: results[s][r.code].rate_display if s in unit else None for s in pj.SCENARIOS}
            for r in first.indicators
        }
        points = {r.code: {s: results[s][r.code].contribution for s in unit} for r in first.indicators}
        soon, overdue = dues.get(c.id, ([], []))
        out.append(
            Projection(
                commune=c,
                framework_code=fw.code,
                framework_version=version.version,
                period=period,
                as_of=as_of,
                rates=rates,
                points=points,
                name_texts=names,
                totals={s: unit[s].total for s in unit},
                classes={s: _class_code(unit[s]) for s in unit},
                class_texts=labels,
                open_count=sum(n for _day, n in days.get(c.id, ())),
                due_soon=soon,
                overdue=overdue,
                reported_due=owed.get((c.id, fw.code), []),
                on_time_share=shares[c.id],
                bands=fw.classification,
                framework_name=fw.name,
            )
        )
    return out


def _results_by_code(score: core.UnitScore) -> dict[str, core.IndicatorResult]:
    """Indicator code → its result, the first of that code as ``score.indicator(code)`` gives."""
    out: dict[str, core.IndicatorResult] = {}
    for result in score.indicators:
        out.setdefault(result.code, result)
    return out


def _class_code(score: core.UnitScore) -> str | None:
    return score.classification.code if score.classification is not None else None


def warnings_for_province(
    province: Province,
    as_of: date,
    *,
    framework: str | None = None,
    now: datetime | None = None,
    scenarios: Collection[str] = pj.SCENARIOS,
    current: bool = True,
) -> list[Projection]:
    """Every active commune of ``province`` projected for the open period of each active framework
    (or ``framework`` only), by framework then commune code."""
    return project(
        inp.commune_rows([province.pk]),
        as_of,
        framework=framework,
        now=now,
        scenarios=scenarios,
        current=current,
    )


def project_commune(
    commune: Commune, as_of: date, *, framework: str | None = None, now: datetime | None = None
) -> list[Projection]:
    """One commune projected for the open period of each active framework (or ``framework`` only)."""
    return project(inp.commune_rows(ids=[commune.pk]), as_of, framework=framework, now=now)


def at_risk(projections: Sequence[Projection]) -> list[Projection]:
    """The projections whose worst case falls a class, the most points at stake first."""
    falling = [p for p in projections if p.falls_class]
    return sorted(falling, key=lambda p: (-p.points_at_stake, p.commune.code))
