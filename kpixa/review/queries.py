"""Named reads of the monthly review (docs/review.md), each with a fixed number of queries:
the meetings of a province, one meeting's pre-read pack, a commune's commitments, the lagging
communes of a period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from kpixa.frameworks.models import FrameworkVersion, IndicatorOwner
from kpixa.frameworks.owners import OwnerLine, assignments, resolve
from kpixa.frameworks.parsed import framework_of
from kpixa.review import lagging as lag
from kpixa.review.models import Commitment, Meeting
from kpixa.scoring.engine.model import Direction, Framework
from kpixa.scoring.engine.periods import previous
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.versions import period_of, version_for
from kpixa.units.models import Commune, Province

WORST_SHOWN = 10  # the pack's worst communes


def meetings(province: Province) -> QuerySet[Meeting]:
    """The province's meetings, latest first, with their commitment counts (one query)."""
    return (
        Meeting.objects.filter(province=province)
        .annotate(
            made=Count("commitments", distinct=True),
            kept=Count("commitments", filter=Q(commitments__status="kept"), distinct=True),
        )
        .order_by("-held_on", "-id")
    )


@dataclass
class CommuneLine:
    """A commune in the pack: its rank, total and class, and what pulled it down or changed."""

    commune_id: int
    code: str
    name: str
    rank: int | None
    total: Decimal | None
    label: str
    previous_total: Decimal | None = None
    previous_label: str = ""
    pulls: list[lag.Pull] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total


@dataclass
class CommitmentLine:
    """A commitment with the indicator's value then (baseline) and at ``period_code``."""

    commitment: Commitment
    period_code: str
    now: Decimal | None
    direction: str

    @property
    def moved(self) -> str:
        """ "up" (improved), "down" (worsened), "same", or "" when a value is missing."""
        before, now = self.commitment.baseline, self.now
        if before is None or now is None:
            return ""
        if now == before:
            return "same"
        better = now > before if self.direction == Direction.HIGHER else now < before
        return "up" if better else "down"


@dataclass
class Pack:
    """What a meeting reviews: the pre-read pack and the commitments made and checked."""

    meeting: Meeting
    previous_meeting: Meeting | None
    version: FrameworkVersion
    framework: Framework
    since_code: str  # the period the changes are counted from
    worst: list[CommuneLine]
    changes: list[CommuneLine]
    carried: list[CommitmentLine]  # the previous meeting's commitments, checked at this one
    made: list[CommitmentLine]  # this meeting's commitments

    @property
    def kept(self) -> int:
        return sum(1 for c in self.carried if c.commitment.status == "kept")


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The province's meeting held last before ``meeting`` (one query)."""
    return (
        Meeting.objects.filter(province_id=meeting.province_id, held_on__lt=meeting.held_on)
        .order_by("-held_on", "-id")
        .first()
    )


def _lines(
    version: FrameworkVersion, province_id: int, period_code: str, since_code: str
) -> tuple[list[CommuneLine], list[CommuneLine]]:
    """(the worst communes, the material changes) of the period (one query)."""
    rows = UnitScore.objects.filter(
        framework_version__code=version.code,
        period_code__in=[period_code, since_code],
        commune__province_id=province_id,
    ).values_list(
        "commune_id",
        "commune__code",
        "commune__name",
        "period_code",
        "rank_province",
        "total",
        "classification",
        "classification_label",
    )
    now: dict[int, CommuneLine] = {}
    classes: dict[int, str] = {}
    before: dict[int, tuple[Decimal | None, str, str]] = {}
    for cid, code, name, period, rank, total, cls, label in rows:
        if period == period_code:
            now[cid] = CommuneLine(cid, code, name, rank, total, label)
            classes[cid] = cls
        else:
            before[cid] = (total, cls, label)
    total_points = framework_of(version).total_points
    changes = []
    for cid, line in now.items():
        if cid in before:
            line.previous_total, previous_cls, line.previous_label = before[cid]
            if lag.material(previous_cls, classes[cid], line.change, total_points):
                changes.append(line)
    ranked = sorted((line for line in now.values() if line.rank is not None), key=lambda c: -(c.rank or 0))
    changes.sort(key=lambda c: (-abs(c.change or Decimal(0)), c.rank or 0))
    return ranked[:WORST_SHOWN], changes


def _values(
    commitments: list[Commitment], period_of_each: dict[int, str], version_code: str
) -> dict[int, Decimal | None]:
    """Each commitment's indicator value (%) at its period (one query)."""
    if not commitments:
        return {}
    rows = IndicatorScore.objects.filter(
        framework_version__code=version_code,
        commune_id__in={c.commune_id for c in commitments},
        indicator_code__in={c.indicator_code for c in commitments},
        period_code__in=set(period_of_each.values()),
    ).values_list("commune_id", "indicator_code", "period_code", "rate_display")
    found = {(cid, code, period): value for cid, code, period, value in rows}
    return {c.pk: found.get((c.commune_id, c.indicator_code, period_of_each[c.pk])) for c in commitments}


def _directions(framework: Framework) -> dict[str, str]:
    return {i.code: i.direction for g in framework.groups for i in g.indicators}


def commitment_lines(
    commitments: list[Commitment], period_of_each: dict[int, str], framework_code: str, period_code: str
) -> list[CommitmentLine]:
    """Commitments with the indicator's value at each one's period (2 queries: the version, the
    values)."""
    if not commitments:
        return []
    version = version_for(framework_code, period_of(period_code))
    values = _values(commitments, period_of_each, version.code)
    directions = _directions(framework_of(version))
    return [
        CommitmentLine(
            c, period_of_each[c.pk], values.get(c.pk), directions.get(c.indicator_code, Direction.HIGHER)
        )
        for c in commitments
    ]


def _commitments(meeting: Meeting | None) -> list[Commitment]:
    if meeting is None:
        return []
    return list(
        Commitment.objects.filter(meeting=meeting).select_related("commune").order_by("commune__code", "id")
    )


def pack(meeting: Meeting) -> Pack:
    """A meeting's pre-read pack: the worst communes of its period with what pulled them down,
    the material changes since the previous meeting's period, the previous meeting's commitments
    (kept or not, and whether their indicator moved by this meeting's period) and this meeting's
    own (8 queries)."""
    before = previous_meeting(meeting)
    period = period_of(meeting.period_code)
    version = version_for(meeting.framework_code, period)
    since = (
        before.period_code
        if before is not None and before.period_code != meeting.period_code
        else previous(period).code
    )
    worst, changes = _lines(version, meeting.province_id, meeting.period_code, since)
    pulls = lag.pulled_down(version.code, meeting.period_code, since, [w.commune_id for w in worst])
    for w in worst:
        w.pulls = pulls.get(w.commune_id, [])
    carried = _commitments(before)
    made = _commitments(meeting)
    every = [*carried, *made]
    values = _values(every, {c.pk: meeting.period_code for c in every}, version.code)
    directions = _directions(framework_of(version))

    def with_value(c: Commitment) -> CommitmentLine:
        return CommitmentLine(
            c, meeting.period_code, values.get(c.pk), directions.get(c.indicator_code, Direction.HIGHER)
        )

    return Pack(
        meeting=meeting,
        previous_meeting=before,
        version=version,
        framework=framework_of(version),
        since_code=since,
        worst=worst,
        changes=changes,
        carried=[with_value(c) for c in carried],
        made=[with_value(c) for c in made],
    )


def commune_commitments(commune: Commune) -> list[CommitmentLine]:
    """The commune's commitments, latest first, each with its indicator's value at the period of
    the meeting that checked it (or of the province's latest meeting) (4 queries)."""
    rows = list(
        Commitment.objects.filter(commune=commune)
        .select_related("meeting", "reviewed_in")
        .order_by("-meeting__held_on", "id")
    )
    if not rows:
        return []
    latest = Meeting.objects.filter(province_id=commune.province_id).order_by("-held_on", "-id").first()
    period_of_each = {c.pk: (c.reviewed_in or latest or c.meeting).period_code for c in rows}
    return commitment_lines(rows, period_of_each, rows[0].meeting.framework_code, rows[0].meeting.period_code)


def open_commitments(commitments: Iterable[CommitmentLine]) -> list[CommitmentLine]:
    return [c for c in commitments if c.commitment.status == "open"]


def scored_period_codes(province: Province, framework_code: str) -> list[str]:
    """The periods with stored scores of the framework in the province, latest first (one query)."""
    codes = (
        UnitScore.objects.filter(framework_version__code=framework_code, commune__province=province)
        .order_by()
        .values_list("period_code", flat=True)
        .distinct()
    )
    return sorted(codes, key=lambda c: (period_of(c).end, -len(c)), reverse=True)


@dataclass
class OwnerMatrix:
    """The province's responsibility matrix for one framework version, on a day."""

    version: FrameworkVersion
    day: date
    lines: list[OwnerLine]  # the province-wide owner of each indicator
    overrides: dict[str, int]  # indicator or group code → communes with their own owner
    history: list[IndicatorOwner]  # every assignment, latest first

    @property
    def rows(self) -> list[tuple[OwnerLine, int]]:
        """Each line with the number of communes given their own owner of it or of its group."""
        return [
            (line, self.overrides.get(line.indicator.code, 0) + self.overrides.get(line.group.code, 0))
            for line in self.lines
        ]

    @property
    def gaps(self) -> list[OwnerLine]:
        return [line for line in self.lines if line.is_gap]


def owner_matrix(province: Province, framework_code: str, day: date) -> OwnerMatrix:
    """The responsibility matrix of the version in force on ``day`` (2 queries)."""
    version = version_for(framework_code, period_of(f"{day:%Y-%m}"))
    rows = list(assignments(version, province.pk).select_related("commune"))
    lines = resolve(framework_of(version), rows, None, day)
    overrides: dict[str, int] = {}
    for row in rows:
        if row.commune_id is not None and row.covers(day):
            overrides[row.code] = overrides.get(row.code, 0) + 1
    return OwnerMatrix(
        version,
        day,
        list(lines.values()),
        overrides,
        sorted(rows, key=lambda r: (r.start, r.pk), reverse=True),
    )
