"""Turning engine results into stored rows: ranks, and writes that skip what did not change.

Results travel as plain tuples keyed on their natural keys, never as model instances: a
national run stores ~56,000 indicator rows. Each unit row keeps a digest of its indicator rows'
values (``UnitScore.results_digest``); a run rewrites a unit's indicator rows only when the
digest changed (their ``as_of`` stays the time of the run that last changed them), so a rerun
on unchanged data reads the unit rows instead of every indicator row. A unit row is rewritten
when its values (ranks and digest included) changed, and otherwise only gets the new as-of time:
``UnitScore.as_of`` is the latest run that scored the unit, so it moves whenever any of the
unit's indicator rows does. On PostgreSQL the rows go through COPY into a TEMP table and one
``INSERT … SELECT … ON CONFLICT DO UPDATE``; elsewhere through
``bulk_create(update_conflicts=True)``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from kpixa.frameworks.models import FrameworkVersion
from kpixa.rules.ranking import grouped_ranks
from kpixa.scoring.engine import core
from kpixa.scoring.inputs import CommuneRow
from kpixa.scoring.models import IndicatorScore, UnitScore

BATCH = 2000
EXACT = Decimal("0.000001")
FOUR = Decimal("0.0001")

# The compared values, in this order, after the key columns.
INDICATOR_FIELDS = [
    "numerator",
    "denominator",
    "rate",
    "rate_display",
    "points",
    "max_points",
    "contribution",
    "contribution_max",
    "portal_points",
    "target",
    "status",
    "explanation_vi",
    "explanation_en",
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
    "results_digest",
]
TOTAL_AT = UNIT_FIELDS.index("total")
DIGEST_AT = UNIT_FIELDS.index("results_digest")
RANKS_AT = UNIT_FIELDS.index("rank_province")  # the three rank fields follow each other
INDICATOR_KEY = ["framework_version_id", "commune_id", "period_code", "indicator_code"]
UNIT_KEY = ["framework_version_id", "commune_id", "period_code"]

IndicatorKey = tuple[int, str]  # (commune id, indicator code)
Ranks = tuple[int | None, int | None, dict[str, int]]  # province, same kind, each peer group
NO_RANKS: Ranks = (None, None, {})


@dataclass(frozen=True)
class Saved:
    """What a save did: indicator results stored (changed or not), and how many were rewritten."""

    indicators: int
    indicators_written: int
    units: int


def _q(value: Decimal | None, step: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(step)


def indicator_values(r: core.IndicatorResult) -> tuple[Any, ...]:
    """One indicator result's stored values, in INDICATOR_FIELDS order (quantized as stored)."""
    return (
        _q(r.numerator, FOUR),
        _q(r.denominator, FOUR),
        _q(r.rate, EXACT),
        r.rate_display,
        r.points,
        r.max_points,
        r.contribution,
        r.contribution_max,
        r.portal_points,
        r.target,
        r.status,
        r.explanation,
        r.explanation_en,
    )


def unit_values(score: core.UnitScore, ranks: Ranks, digest: str) -> tuple[Any, ...]:
    """One unit's stored values, in UNIT_FIELDS order."""
    groups = {
        g.code: {"name": g.name, "points": str(g.points), "max_points": str(g.max_points)}
        for g in score.groups
    }
    classification = score.classification
    return (
        score.total,
        score.max_total,
        groups,
        classification.code if classification else "",
        classification.label if classification else "",
        *ranks,
        digest,
    )


def results_digest(rows: Iterable[tuple[Any, ...]]) -> str:
    """Return a digest of a unit's indicator rows (code and values): equal rows, equal digest."""
    text = "\x1e".join("\x1f".join(map(str, row)) for row in rows)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def save(
    version: FrameworkVersion,
    period_code: str,
    scored: Sequence[tuple[CommuneRow, core.UnitScore]],
    as_of: datetime,
    peers: Mapping[int, CommuneRow] | None = None,
) -> Saved:
    """Store ``scored`` (each commune with its engine result) and rank them among ``peers``.

    ``peers`` (default: the scored communes) are whole provinces when only some of their
    communes were rescored: the others rank with their stored totals. One query reads the
    stored unit rows; the indicator rows of the units whose results digest changed are
    rewritten, so are the unit rows whose values (ranks included) changed; the other scored
    units only get the new ``as_of``. Returns the counts.
    """
    rows = {c.id: [(r.code, *indicator_values(r)) for r in s.indicators] for c, s in scored}
    digests = {cid: results_digest(unit_rows) for cid, unit_rows in rows.items()}
    communes = peers if peers is not None else {c.id: c for c, _s in scored}
    stored = stored_units(version.pk, period_code, communes.keys() | rows.keys())
    changed = {
        (cid, code): values
        for cid, unit_rows in rows.items()
        if cid not in stored or stored[cid][DIGEST_AT] != digests[cid]
        for code, *values in unit_rows
    }
    write_indicators(version.pk, period_code, changed, as_of)
    units = _ranked_units(scored, digests, stored, {**communes, **{c.id: c for c, _s in scored}})
    fresh = {cid: values for cid, values in units.items() if stored.get(cid) != values}
    write_units(version.pk, period_code, fresh, as_of)
    UnitScore.objects.filter(
        framework_version_id=version.pk, period_code=period_code, commune_id__in=rows.keys() - fresh.keys()
    ).update(as_of=as_of)
    return Saved(sum(map(len, rows.values())), len(changed), len(rows))


def _ranked_units(
    scored: Sequence[tuple[CommuneRow, core.UnitScore]],
    digests: Mapping[int, str],
    stored: Mapping[int, tuple[Any, ...]],
    communes: Mapping[int, CommuneRow],
) -> dict[int, tuple[Any, ...]]:
    """The unit values of the scored communes, and of the other stored ``communes`` with new ranks."""
    totals = {
        cid: values[TOTAL_AT]
        for cid, values in stored.items()
        if cid in communes and values[TOTAL_AT] is not None
    }
    for commune, score in scored:
        totals.pop(commune.id, None)
        if score.total is not None:
            totals[commune.id] = score.total
    ranks = ranks_of(totals, communes)
    units = {
        cid: (*values[:RANKS_AT], *ranks.get(cid, NO_RANKS), *values[RANKS_AT + 3 :])
        for cid, values in stored.items()
        if cid in communes
    }
    for commune, score in scored:
        units[commune.id] = unit_values(score, ranks.get(commune.id, NO_RANKS), digests[commune.id])
    return units


def stored_units(
    version_id: int, period_code: str, commune_ids: Collection[int]
) -> dict[int, tuple[Any, ...]]:
    """Return the stored values of the communes' unit rows, in UNIT_FIELDS order (1 query).

    Their results digest (the last value) is trusted: indicator rows are only written here. To
    force a rewrite (rows edited by hand), blank the units' ``results_digest``.
    """
    rows = UnitScore.objects.filter(
        framework_version_id=version_id, period_code=period_code, commune_id__in=list(commune_ids)
    ).values_list("commune_id", *UNIT_FIELDS)
    return {row[0]: tuple(row[1:]) for row in rows}


def write_indicators(
    version_id: int, period_code: str, rows: Mapping[IndicatorKey, Sequence[Any]], as_of: datetime
) -> None:
    """Insert or update ``rows`` on their natural key."""
    if not rows:
        return
    tuples = [(version_id, cid, period_code, code, *values, as_of) for (cid, code), values in rows.items()]
    _write(IndicatorScore, INDICATOR_KEY, [*INDICATOR_FIELDS, "as_of"], tuples)


def write_units(
    version_id: int, period_code: str, rows: Mapping[int, tuple[Any, ...]], as_of: datetime
) -> None:
    """Insert or update the unit rows (commune id -> UNIT_FIELDS values) on their natural key."""
    tuples = [(version_id, cid, period_code, *values, as_of) for cid, values in rows.items()]
    _write(UnitScore, UNIT_KEY, [*UNIT_FIELDS, "as_of"], tuples)


def _write(model: Any, key: list[str], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_upsert(model, key, fields, rows)
        return
    names = [*key, *fields]
    model.objects.bulk_create(
        [model(**dict(zip(names, row, strict=True))) for row in rows],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=[k.removesuffix("_id") for k in key],
        update_fields=fields,
    )


def _copy_upsert(model: Any, key: list[str], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY ``rows`` into a TEMP table shaped like the model's table, then upsert them (PostgreSQL)."""
    table = model._meta.db_table
    stage = f"kpixa_stage_{table}"
    columns = ", ".join([*key, *fields])
    json_at = [i for i, name in enumerate([*key, *fields]) if name in ("group_totals", "peer_group_ranks")]
    updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608 — names from code
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {stage}")
        with cursor.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_jsonable(row, json_at) if json_at else row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
        )


def _jsonable(row: tuple[Any, ...], json_at: list[int]) -> list[Any]:
    out = list(row)
    for i in json_at:
        out[i] = json.dumps(out[i], ensure_ascii=False)
    return out


# --- ranks ------------------------------------------------------------------------------------


def ranks_of(totals: Mapping[int, Decimal], communes: Mapping[int, CommuneRow]) -> dict[int, Ranks]:
    """Rank the communes with a total: within each province, within the communes of the same kind
    there (the quota's peer group), and within each peer group. Returns commune id -> Ranks."""
    province = competition_ranks_by(totals, {cid: [str(communes[cid].province_id)] for cid in totals})

    def in_province(cid: int, group: str) -> str:
        return f"{communes[cid].province_id}:{group}"

    kind = competition_ranks_by(totals, {cid: [in_province(cid, communes[cid].kind)] for cid in totals})
    peers = grouped_ranks(
        totals, {cid: [in_province(cid, g) for g in communes[cid].peer_groups] for cid in totals}
    )
    return {
        cid: (
            province.get(cid),
            kind.get(cid),
            {k.split(":", 1)[1]: v for k, v in peers.get(cid, {}).items()},
        )
        for cid in totals
    }


def competition_ranks_by(totals: Mapping[int, Decimal], keys: dict[int, list[str]]) -> dict[int, int]:
    """Return each commune's rank within its single group (``keys``: commune id -> [group])."""
    ranks = grouped_ranks(totals, keys)
    return {cid: next(iter(by_group.values())) for cid, by_group in ranks.items()}
