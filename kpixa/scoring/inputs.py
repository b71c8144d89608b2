"""What the engine is fed: the communes scored, their period inputs and their targets.

Every reader here is set-based: a fixed number of queries whatever the number of communes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kpixa.scoring.engine.core import UnitInfo
from kpixa.scoring.engine.measures import ACCOUNTABILITY_MEASURES, FRAMEWORK_PREFIX, REPORTED_PREFIX
from kpixa.scoring.engine.model import Framework
from kpixa.scoring.models import Target, TargetScope, UnitScore
from kpixa.units.models import Commune

# (commune ids, first day, last day) -> {commune id: {measure: count}}: the dossier rollups.
MeasuresProvider = Callable[[Collection[int], date, date], Mapping[int, Mapping[str, int | None]]]
# (commune ids, period code) -> {commune id: {"reported.<code>": value}}: verified reported values.
ReportedProvider = Callable[[Collection[int], str], Mapping[int, Mapping[str, Decimal]]]


@dataclass(frozen=True)
class CommuneRow:
    """A commune as scoring sees it: ids, names, kind and peer group codes."""

    id: int
    code: str
    name: str
    kind: str
    province_id: int
    peer_groups: frozenset[str]

    def unit_info(self) -> UnitInfo:
        return UnitInfo(self.code, self.name, self.kind, self.peer_groups)


def commune_rows(
    province_ids: Collection[int] | None = None, ids: Collection[int] | None = None
) -> list[CommuneRow]:
    """Return the active communes of ``province_ids`` (all when None), or exactly ``ids`` (2 queries)."""
    communes = Commune.objects.filter(retired_at__isnull=True)
    if province_ids is not None:
        communes = communes.filter(province_id__in=list(province_ids))
    if ids is not None:
        communes = communes.filter(pk__in=list(ids))
    rows = list(communes.order_by("code").values_list("id", "code", "name", "kind", "province_id"))
    groups = _peer_groups([row[0] for row in rows])
    return [CommuneRow(*row, frozenset(groups.get(row[0], ()))) for row in rows]


def _peer_groups(commune_ids: list[int]) -> dict[int, set[str]]:
    through = Commune.peer_groups.through
    pairs = through.objects.filter(commune_id__in=commune_ids).values_list("commune_id", "peergroup__code")
    groups: dict[int, set[str]] = defaultdict(set)
    for commune_id, code in pairs:
        groups[commune_id].add(code)
    return groups


def verified_reported_values(
    commune_ids: Collection[int], period_code: str
) -> Mapping[int, Mapping[str, Decimal]]:
    """The default reported-values provider: the reporting app's approved values (3 queries).

    Also ``reported.on_time_share`` (and ``values_required`` / ``values_on_time``) per commune.
    """
    from kpixa.reporting.queries import reported_values

    return reported_values(commune_ids, period_code)


def dossier_measures(
    commune_ids: Collection[int], start: date, end: date
) -> Mapping[int, Mapping[str, int | None]]:
    """The default measures provider: the dossiers app's rollups over [start, end]."""
    from kpixa.dossiers.queries import period_measures

    return period_measures(set(commune_ids), start, end)


def _with_accountability(
    counts: Mapping[int, Mapping[str, int | None]], ids: list[int], start: date, end: date
) -> dict[int, dict[str, int | None]]:
    """``counts`` with the accountability measures of each commune added (two queries)."""
    from kpixa.accountability.queries import period_measures

    extra = period_measures(ids, start, end)
    return {cid: {**counts.get(cid, {}), **extra.get(cid, {})} for cid in ids}


def framework_totals(
    codes: Collection[str], commune_ids: Collection[int], period_code: str
) -> dict[int, dict[str, Decimal | None]]:
    """Return ``framework.<code>.total`` for each commune from the stored scores of that period (1 query).

    When several versions of one framework hold scores for the period, the newest version wins.
    """
    rows = (
        UnitScore.objects.filter(
            framework_version__code__in=list(codes), commune_id__in=list(commune_ids), period_code=period_code
        )
        .order_by("framework_version__valid_from", "framework_version_id")
        .values_list("commune_id", "framework_version__code", "total")
    )
    result: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for commune_id, code, total in rows:
        result[commune_id][f"{FRAMEWORK_PREFIX}{code}.total"] = total
    return result


def gather_inputs(
    framework: Framework,
    communes: list[CommuneRow],
    period_code: str,
    start: date,
    end: date,
    measures: MeasuresProvider,
    reported: ReportedProvider,
) -> dict[str, dict[str, Decimal | int | None]]:
    """Return every commune's inputs by commune code: dossier counts (absent = 0), other frameworks'
    totals and reported values (absent = no data)."""
    needed = framework.measures()
    ids = [c.id for c in communes]
    counted = {m for m in needed if not m.startswith((REPORTED_PREFIX, FRAMEWORK_PREFIX))}
    counts = measures(ids, start, end) if counted else {}
    if counted & ACCOUNTABILITY_MEASURES:
        counts = _with_accountability(counts, ids, start, end)
    other = {m[len(FRAMEWORK_PREFIX) : -len(".total")] for m in needed if m.startswith(FRAMEWORK_PREFIX)}
    totals = framework_totals(other, ids, period_code) if other else {}
    values = reported(ids, period_code) if any(m.startswith(REPORTED_PREFIX) for m in needed) else {}
    inputs: dict[str, dict[str, Decimal | int | None]] = {}
    for commune in communes:
        row: dict[str, Decimal | int | None] = dict.fromkeys(counted, 0)
        row.update(counts.get(commune.id, {}))
        row.update(totals.get(commune.id, {}))
        row.update(values.get(commune.id, {}))
        inputs[commune.code] = row
    return inputs


def resolve_targets(
    framework_code: str, period_code: str, communes: list[CommuneRow]
) -> dict[str, dict[str, Decimal]]:
    """Return target overrides by commune code and indicator code (1 query).

    A unit's own target beats its peer group's, which beats the default; among several peer
    groups the smallest code wins. Indicators without a Target row keep the file's target.
    """
    rows = Target.objects.filter(framework_code=framework_code, period_code=period_code).values_list(
        "indicator_code", "scope", "peer_group__code", "commune_id", "value"
    )
    default: dict[str, Decimal] = {}
    by_group: dict[str, dict[str, Decimal]] = defaultdict(dict)
    by_unit: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for indicator, scope, group, commune_id, value in rows:
        if scope == TargetScope.UNIT:
            by_unit[commune_id][indicator] = value
        elif scope == TargetScope.PEER_GROUP:
            by_group[group][indicator] = value
        else:
            default[indicator] = value
    return {c.code: _targets_of(c, default, by_group, by_unit) for c in communes}


def _targets_of(
    commune: CommuneRow,
    default: dict[str, Decimal],
    by_group: Mapping[str, dict[str, Decimal]],
    by_unit: Mapping[int, dict[str, Decimal]],
) -> dict[str, Decimal]:
    targets = dict(default)
    for group in sorted(commune.peer_groups, reverse=True):
        targets.update(by_group.get(group, {}))
    targets.update(by_unit.get(commune.id, {}))
    return targets
