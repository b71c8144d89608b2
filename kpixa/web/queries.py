"""Named reads of the pages: every one reads stored scores and evaluations, in a fixed number of queries.

Nothing here scores on the fly or scans raw dossiers, except ``dossiers_behind`` which lists the
dossiers behind one count of one commune (paginated). Callers have already checked access; the
public reads filter on publication themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, Count, Max, OuterRef, QuerySet, Subquery

from kpixa.evaluations import lifecycle
from kpixa.evaluations.lifecycle import RankChange
from kpixa.evaluations.models import Period as EvaluationPeriod
from kpixa.evaluations.models import PeriodState, Snapshot
from kpixa.evaluations.queries import PublishedUnit, published_units
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import Period
from kpixa.scoring.models import UnitScore
from kpixa.scoring.versions import ScoringError, framework_of, period_of
from kpixa.units.models import Commune, Province
from kpixa.web.pages.common import (
    decimal_or_none,
    digest,
    fold,
    period_order,
    round2,
    sort_periods,
)

# Evaluation states whose results are public; the public pages read their latest snapshot (issue 6).
PUBLIC_STATES = (PeriodState.PUBLISHED, PeriodState.APPEAL, PeriodState.FINAL)


# --- periods ----------------------------------------------------------------------------------


def public_periods(province_id: int | None = None) -> list[Period]:
    """Periods whose results are public (published, under appeal or final, with a snapshot), latest
    first (one query)."""
    rows = EvaluationPeriod.objects.filter(state__in=PUBLIC_STATES, snapshots__isnull=False)
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    return sort_periods(rows.order_by().values_list("code", flat=True).distinct())


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
    total, label = decimal_or_none(unit["total"]), unit.get("classification_label", "")
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
    key = "web-national:" + digest(
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
        line.average = round2(sum(totals) / len(totals)) if totals else None
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
        item.average = round2(sums[code] / scored[code]) if scored[code] else None
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
        if current is None or period_order(period) > period_order(current.period):
            found[province.code] = PublishedProvince(
                province.code, province.name, period, snap.revision, snap.sha256
            )
    return sorted(found.values(), key=lambda p: (fold(p.name), p.code))


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


def _public_rows(snapshot: Snapshot, framework_code: str) -> list[PublicRow]:
    units = [u for u in snapshot.content["units"] if u["framework"] == framework_code]
    rows = [
        PublicRow(
            u["commune"],
            u.get("commune_name", u["commune"]),
            u["rank"],
            decimal_or_none(u["total"]),
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
