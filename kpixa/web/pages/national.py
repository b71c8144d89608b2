"""The national page (``/quoc-gia/``): every province's summary and the country's best and worst
communes of a period, from each province's latest published snapshot; operators also see the
provinces that have not published the period, from their stored results."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Max, QuerySet

from kpixa.evaluations.models import Snapshot
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import UnitScore
from kpixa.web.pages.common import digest, round2
from kpixa.web.pages.snapshots import latest_snapshots, publication_state, snapshot_units


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


def national(
    framework_code: str,
    period: PeriodSpan,
    unpublished: bool = False,
    size: int = 20,
    state: str | None = None,
) -> National:
    """Every province's summary and the country's ``size`` best and worst communes of the period, from
    each province's latest published snapshot.

    The published result depends on nothing but the published snapshots: it is kept under the
    publication state (``publication_state()``, read here when ``state`` is not given: 1 query), so a
    page costs no query more while nothing is published; after a publication the latest snapshots are
    read again (1 query) and their units come from the cache, where they are kept by SHA-256 (1 query
    more for a snapshot not seen yet).

    With ``unpublished`` (operators) the provinces without a published snapshot of the period are
    added from their stored results (the latest snapshots and 3 queries more, never cached).
    """
    if unpublished:
        return _national(framework_code, period, latest_snapshots(period.code), unpublished, size)
    if state is None:
        state = publication_state()
    key = "web-national:" + digest("|".join([framework_code, period.code, str(size), state]))
    found = cache.get(key)
    if found is None:
        found = _national(framework_code, period, latest_snapshots(period.code), unpublished, size)
        cache.set(key, found, NATIONAL_SECONDS)
    return found  # type: ignore[no-any-return]


NATIONAL_SECONDS = 3600


def _national(
    framework_code: str, period: PeriodSpan, snapshots: list[Snapshot], unpublished: bool, size: int
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
