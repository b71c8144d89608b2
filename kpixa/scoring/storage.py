"""Turning engine results into stored rows: bulk upserts of indicator and unit scores, and ranks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from kpixa.scoring.engine import core
from kpixa.scoring.inputs import CommuneRow
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.ranking import grouped_ranks

BATCH = 2000
EXACT = Decimal("0.000001")
FOUR = Decimal("0.0001")

INDICATOR_FIELDS = [
    "numerator",
    "denominator",
    "rate",
    "rate_display",
    "points",
    "max_points",
    "portal_points",
    "target",
    "status",
    "explanation_vi",
    "as_of",
]
UNIT_FIELDS = [
    "total",
    "max_total",
    "group_totals",
    "classification",
    "classification_label",
    "rank_province",
    "rank_peer_group",
    "peer_group_ranks",
    "as_of",
]
RANK_FIELDS = ["rank_province", "rank_peer_group", "peer_group_ranks"]


def _q(value: Decimal | None, step: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(step)


def indicator_rows(
    version: Any, period_code: str, commune_id: int, score: core.UnitScore, as_of: datetime
) -> list[IndicatorScore]:
    """Return the IndicatorScore rows of one unit's engine result (unsaved)."""
    return [
        IndicatorScore(
            framework_version=version,
            commune_id=commune_id,
            period_code=period_code,
            indicator_code=r.code,
            numerator=_q(r.numerator, FOUR),
            denominator=_q(r.denominator, FOUR),
            rate=_q(r.rate, EXACT),
            rate_display=r.rate_display,
            points=r.points,
            max_points=r.max_points,
            portal_points=r.portal_points,
            target=r.target,
            status=r.status,
            explanation_vi=r.explanation,
            as_of=as_of,
        )
        for r in score.indicators
    ]


def unit_row(
    version: Any, period_code: str, commune_id: int, score: core.UnitScore, as_of: datetime
) -> UnitScore:
    """Return the UnitScore row of one unit's engine result (unsaved, unranked)."""
    groups = {
        g.code: {"name": g.name, "points": str(g.points), "max_points": str(g.max_points)}
        for g in score.groups
    }
    classification = score.classification
    return UnitScore(
        framework_version=version,
        commune_id=commune_id,
        period_code=period_code,
        total=score.total,
        max_total=score.max_total,
        group_totals=groups,
        classification=classification.code if classification else "",
        classification_label=classification.label if classification else "",
        as_of=as_of,
    )


def set_ranks(rows: Sequence[UnitScore], communes: dict[int, CommuneRow]) -> None:
    """Rank ``rows`` (one framework version and period) in place: within each province, within
    the communes of the same kind there (the quota's peer group), and within each peer group."""
    totals = {r.commune_id: r.total for r in rows if r.total is not None}
    province = competition_ranks_by(totals, {cid: [str(communes[cid].province_id)] for cid in totals})
    kind = competition_ranks_by(totals, {cid: [_kind_key(communes[cid])] for cid in totals})
    peers = grouped_ranks(
        totals, {cid: [_peer_key(communes[cid], g) for g in communes[cid].peer_groups] for cid in totals}
    )
    for row in rows:
        row.rank_province = province.get(row.commune_id)
        row.rank_peer_group = kind.get(row.commune_id)
        row.peer_group_ranks = {k.split(":", 1)[1]: v for k, v in peers.get(row.commune_id, {}).items()}


def _kind_key(commune: CommuneRow) -> str:
    return f"{commune.province_id}:{commune.kind}"


def _peer_key(commune: CommuneRow, group: str) -> str:
    return f"{commune.province_id}:{group}"


def competition_ranks_by(totals: dict[int, Decimal], keys: dict[int, list[str]]) -> dict[int, int]:
    """Return each commune's rank within its single group (``keys``: commune id -> [group])."""
    ranks = grouped_ranks(totals, keys)
    return {cid: next(iter(by_group.values())) for cid, by_group in ranks.items()}


def upsert(indicator_scores: Iterable[IndicatorScore], unit_scores: Sequence[UnitScore]) -> int:
    """Insert or update the rows on their natural keys; return how many indicator rows were written."""
    rows = list(indicator_scores)
    IndicatorScore.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["framework_version", "commune", "period_code", "indicator_code"],
        update_fields=INDICATOR_FIELDS,
    )
    UnitScore.objects.bulk_create(
        unit_scores,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["framework_version", "commune", "period_code"],
        update_fields=UNIT_FIELDS,
    )
    return len(rows)


def rerank(version: Any, period_code: str, communes: dict[int, CommuneRow]) -> int:
    """Re-rank the stored scores of ``communes`` (whole provinces) and save the ranks that changed.

    Two queries plus one bulk update of the changed rows; returns how many changed.
    """
    rows = list(
        UnitScore.objects.filter(
            framework_version=version, period_code=period_code, commune_id__in=list(communes)
        ).only("id", "commune_id", "total", *RANK_FIELDS)
    )
    before = {r.pk: (r.rank_province, r.rank_peer_group, r.peer_group_ranks) for r in rows}
    set_ranks(rows, communes)
    changed = [r for r in rows if before[r.pk] != (r.rank_province, r.rank_peer_group, r.peer_group_ranks)]
    UnitScore.objects.bulk_update(changed, RANK_FIELDS, batch_size=500)
    return len(changed)


def by_province(communes: Iterable[CommuneRow]) -> dict[int, list[CommuneRow]]:
    """Group commune rows by province id."""
    grouped: dict[int, list[CommuneRow]] = defaultdict(list)
    for commune in communes:
        grouped[commune.province_id].append(commune)
    return grouped
