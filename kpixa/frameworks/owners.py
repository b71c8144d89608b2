"""Who answers for each indicator (the responsibility matrix, docs/review.md "Owners").

An indicator's owner on a day is, in this order: the commune's own assignment for the indicator,
then for its group; the province's assignment (every commune) for the indicator, then for its
group; the framework file's ``owner`` of the indicator, then of its group. An indicator none of
them covers is a gap. The person answering is whoever holds the owning post in the commune on
that day (``units.Tenure``).

These reads sit in frameworks, below scoring and evaluations, so that an evaluation or a
proposed consequence can cite the owner; the pages live in kpixa/review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kpixa.frameworks.models import FrameworkVersion, IndicatorOwner
from kpixa.frameworks.parsed import VersionRef, framework_of
from kpixa.scoring.engine.model import Framework, Group, Indicator, Owner
from kpixa.units.models import PostKind, Tenure

COMMUNE, PROVINCE, FILE = "commune", "province", "file"


@dataclass(frozen=True)
class OwnerLine:
    """One indicator's owner on a day (``post`` empty: nobody answers for it, a gap)."""

    indicator: Indicator
    group: Group
    post: str
    field: str
    source: str  # COMMUNE, PROVINCE, FILE, or "" for a gap
    assigned_on_code: str  # the indicator's or its group's code, where the owner was set
    since: date | None  # the start of the assignment in force (None: from the file)
    person_id: int | None = None
    person_name: str = ""

    @property
    def is_gap(self) -> bool:
        return not self.post

    @property
    def post_label(self) -> str:
        return str(PostKind(self.post).label) if self.post in PostKind.values else self.post


def assignments(
    version: FrameworkVersion | VersionRef, province_id: int, commune_ids: Iterable[int] | None = None
) -> QuerySet[IndicatorOwner]:
    """The province's assignments for ``version`` (province-wide ones and, when given, those of
    ``commune_ids``; every commune's otherwise), oldest first (one query when read)."""
    rows = IndicatorOwner.objects.filter(framework_version_id=version.pk, province_id=province_id)
    if commune_ids is not None:
        rows = rows.filter(Q(commune__isnull=True) | Q(commune_id__in=list(commune_ids)))
    return rows.order_by("start", "id")


def resolve(
    framework: Framework, rows: Iterable[IndicatorOwner], commune_id: int | None, day: date
) -> dict[str, OwnerLine]:
    """Each indicator's owner for the commune (None: the province-wide view) on ``day``, from
    ``rows`` already read (no query)."""
    in_force: dict[tuple[int | None, str], IndicatorOwner] = {}
    for row in rows:
        if row.covers(day) and row.commune_id in (None, commune_id):
            in_force[(row.commune_id, row.code)] = row  # the latest start wins
    out = {}
    for group in framework.groups:
        for indicator in group.indicators:
            out[indicator.code] = _line(framework, group, indicator, in_force, commune_id)
    return out


def _line(
    framework: Framework,
    group: Group,
    indicator: Indicator,
    in_force: dict[tuple[int | None, str], IndicatorOwner],
    commune_id: int | None,
) -> OwnerLine:
    scopes = [(commune_id, COMMUNE), (None, PROVINCE)] if commune_id is not None else [(None, PROVINCE)]
    for scope, source in scopes:
        for code in (indicator.code, group.code):
            row = in_force.get((scope, code))
            if row is not None:
                return OwnerLine(indicator, group, row.post, row.field, source, code, row.start)
    for code, owner in ((indicator.code, indicator.owner), (group.code, group.owner)):
        if owner is not None:
            return _from_file(indicator, group, owner, code)
    return OwnerLine(indicator, group, "", "", "", "", None)


def _from_file(indicator: Indicator, group: Group, owner: Owner, code: str) -> OwnerLine:
    return OwnerLine(indicator, group, owner.post, owner.field, FILE, code, None)


def holders(commune_ids: Iterable[int], day: date) -> dict[tuple[int, str], tuple[int, str]]:
    """(commune id, post) → (person id, name) of the posts held on ``day`` (one query)."""
    rows = (
        Tenure.objects.filter(commune_id__in=list(commune_ids), start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .values_list("commune_id", "post", "person_id", "person__full_name")
    )
    return {(cid, post): (pid, name) for cid, post, pid, name in rows}


def with_holders(
    lines: dict[str, OwnerLine], commune_id: int, held: dict[tuple[int, str], tuple[int, str]]
) -> dict[str, OwnerLine]:
    """The lines with the person holding each owning post added (no query)."""
    out = {}
    for code, line in lines.items():
        person = held.get((commune_id, line.post))
        if person is not None:
            line = OwnerLine(**{**line.__dict__, "person_id": person[0], "person_name": person[1]})
        out[code] = line
    return out


def owners_of(
    version: FrameworkVersion | VersionRef, commune_id: int, province_id: int, day: date
) -> dict[str, OwnerLine]:
    """Each indicator of ``version`` with its owner in the commune on ``day`` and the person
    holding the post then (2 queries). For an evaluation or a consequence citing the owner."""
    rows = list(assignments(version, province_id, [commune_id]))
    lines = resolve(framework_of(version), rows, commune_id, day)
    return with_holders(lines, commune_id, holders([commune_id], day))


def owners_by_commune(
    version: FrameworkVersion | VersionRef, province_id: int, commune_ids: list[int], day: date
) -> dict[int, dict[str, OwnerLine]]:
    """:func:`owners_of` for many communes at once (2 queries)."""
    rows = list(assignments(version, province_id, commune_ids))
    framework = framework_of(version)
    held = holders(commune_ids, day)
    by_commune: dict[int, list[IndicatorOwner]] = defaultdict(list)
    for row in rows:
        by_commune[row.commune_id or 0].append(row)
    return {
        cid: with_holders(resolve(framework, [*by_commune[0], *by_commune[cid]], cid, day), cid, held)
        for cid in commune_ids
    }
