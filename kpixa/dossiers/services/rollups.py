"""Rollups: counts per (commune, day, measure), applied as deltas per batch or rebuilt set-based.

One table of specs drives both paths, so they cannot drift apart: a spec names the measure,
the day column it is counted on, a Python predicate over a row of facts (incremental path)
and the same condition in SQL (rebuild path). ``period_measures`` (queries.py) turns these
day counts into the measures of any period; the two ``x.*`` counters exist only for it:
a dossier is open and overdue at the end of day E when ``x.overdue_start`` day ≤ E <
``x.overdue_stop`` day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from kpixa.dossiers.models import Dossier, Petition, ProcedureRollup, Rating, Rollup

Row = Mapping[str, Any]
Key = tuple[int, date, str]


@dataclass(frozen=True)
class Spec:
    """One rolled-up count: ``measure`` on ``day`` for rows where ``test`` (Python) / ``where`` (SQL)."""

    measure: str
    day: str
    test: Callable[[Row], bool]
    where: str


def _spec(measure: str, day: str, where: str, test: Callable[[Row], bool]) -> Spec:
    return Spec(measure, day, test, where)


DOSSIER_SPECS: tuple[Spec, ...] = (
    _spec("dossiers.received", "received_day", "1=1", lambda r: True),
    _spec("dossiers.online", "received_day", "online", lambda r: r["online"]),
    _spec("dossiers.e2e_eligible", "received_day", "e2e_eligible", lambda r: r["e2e_eligible"]),
    _spec(
        "dossiers.e2e_online",
        "received_day",
        "e2e_eligible AND online",
        lambda r: r["e2e_eligible"] and r["online"],
    ),
    _spec("dossiers.fee_bearing", "received_day", "fee_bearing", lambda r: r["fee_bearing"]),
    _spec(
        "dossiers.paid_online",
        "received_day",
        "fee_bearing AND paid_online",
        lambda r: r["fee_bearing"] and r["paid_online"],
    ),
    _spec("dossiers.digitised", "received_day", "digitised", lambda r: r["digitised"]),
    _spec("dossiers.reused_data", "received_day", "reused", lambda r: r["reused"]),
    _spec("dossiers.vneid", "received_day", "vneid", lambda r: r["vneid"]),
    _spec(
        "dossiers.resident_data_used",
        "received_day",
        "resident_data_used",
        lambda r: r["resident_data_used"] is True,
    ),
    _spec(  # stored before the field was read: unknown (kpixa.dossiers.queries)
        "x.resident_data_unknown",
        "received_day",
        "resident_data_used IS NULL",
        lambda r: r["resident_data_used"] is None,
    ),
    _spec("dossiers.late_receipt", "received_day", "late_receipt", lambda r: r["late_receipt"]),
    _spec("dossiers.synced_on_time", "received_day", "synced_on_time", lambda r: r["synced_on_time"]),
    _spec("dossiers.finished", "end_day", "1=1", lambda r: True),
    _spec("dossiers.finished_on_time", "end_day", "on_time", lambda r: bool(r["on_time"])),
    _spec("dossiers.finished_late", "end_day", "NOT on_time", lambda r: r["on_time"] is False),
    _spec("dossiers.finished_with_e_result", "end_day", "e_result", lambda r: r["e_result"]),
    _spec("dossiers.certification", "end_day", "certification", lambda r: r["certification"]),
    _spec(
        "dossiers.certification_electronic",
        "end_day",
        "certification AND e_result",
        lambda r: r["certification"] and r["e_result"],
    ),
    _spec("x.overdue_start", "overdue_day", "1=1", lambda r: True),
    _spec("x.overdue_stop", "end_day", "overdue_day IS NOT NULL", lambda r: r["overdue_day"] is not None),
)
PETITION_SPECS: tuple[Spec, ...] = (
    _spec("petitions.total", "count_day", "1=1", lambda r: True),
    _spec("petitions.on_time", "count_day", "on_time", lambda r: bool(r["on_time"])),
)
RATING_SPECS: tuple[Spec, ...] = (
    _spec("ratings.dossier_total", "rated_day", "subject = 'dossier'", lambda r: r["subject"] == "dossier"),
    _spec(
        "ratings.dossier_satisfied",
        "rated_day",
        "subject = 'dossier' AND satisfied",
        lambda r: r["subject"] == "dossier" and r["satisfied"],
    ),
    _spec(
        "ratings.petition_total", "rated_day", "subject = 'petition'", lambda r: r["subject"] == "petition"
    ),
    _spec(
        "ratings.petition_satisfied",
        "rated_day",
        "subject = 'petition' AND satisfied",
        lambda r: r["subject"] == "petition" and r["satisfied"],
    ),
    _spec(
        "dossiers.complaint_or_unsatisfied",
        "rated_day",
        "subject = 'dossier' AND level = 4",
        lambda r: r["subject"] == "dossier" and r["level"] == 4,
    ),
)
SPECS_BY_MODEL: dict[type[models.Model], tuple[Spec, ...]] = {
    Dossier: DOSSIER_SPECS,
    Petition: PETITION_SPECS,
    Rating: RATING_SPECS,
}
# The columns a row of facts needs for the specs (fetched for the old version of an update).
DOSSIER_FACT_FIELDS = (
    "commune_id",
    "procedure_id",
    "received_day",
    "end_day",
    "overdue_day",
    "on_time",
    "online",
    "e2e_eligible",
    "fee_bearing",
    "paid_online",
    "digitised",
    "reused",
    "vneid",
    "resident_data_used",
    "late_receipt",
    "synced_on_time",
    "e_result",
    "certification",
)
PETITION_FACT_FIELDS = ("commune_id", "count_day", "on_time")
RATING_FACT_FIELDS = ("commune_id", "rated_day", "subject", "satisfied", "level")


def contributions(rows: Iterable[Row], specs: tuple[Spec, ...], sign: int, into: Counter[Key]) -> None:
    """Add ``sign`` × each row's counts to ``into`` (keyed by commune, day, measure)."""
    for row in rows:
        commune = row["commune_id"]
        for spec in specs:
            day = row[spec.day]
            if day is not None and spec.test(row):
                into[(commune, day, spec.measure)] += sign


def procedure_contributions(
    rows: Iterable[Row], sign: int, into: Counter[tuple[int, int, date, str]]
) -> None:
    """Dossier counts per (commune, procedure, month of receipt): all, and fee-bearing paid online."""
    for row in rows:
        if row["procedure_id"] is None:
            continue
        key = (row["commune_id"], row["procedure_id"], row["received_day"].replace(day=1))
        into[(*key, "dossiers")] += sign
        if row["fee_bearing"] and row["paid_online"]:
            into[(*key, "paid_online")] += sign


def apply_deltas(deltas: Counter[Key]) -> None:
    """Add the non-zero deltas to the rollup table (insert or increment), then drop zero rows."""
    items = [(c, d, m, v) for (c, d, m), v in deltas.items() if v]
    table = Rollup._meta.db_table
    sql = (
        f"INSERT INTO {table} (commune_id, day, measure, value) VALUES {{values}} "  # noqa: S608
        f"ON CONFLICT (commune_id, day, measure) DO UPDATE SET value = {table}.value + excluded.value"
    )
    _upsert(sql, items, 4)
    if any(v < 0 for *_k, v in items):
        Rollup.objects.filter(value=0, commune_id__in={c for c, *_ in items}).delete()


def apply_procedure_deltas(deltas: Counter[tuple[int, int, date, str]]) -> None:
    """Add per-(commune, procedure, month) deltas; drop rows that fall to zero."""
    merged: dict[tuple[int, int, date], list[int]] = {}
    for (c, p, m, what), v in deltas.items():
        merged.setdefault((c, p, m), [0, 0])[0 if what == "dossiers" else 1] += v
    items = [(*k, a, b) for k, (a, b) in merged.items() if a or b]
    table = ProcedureRollup._meta.db_table
    sql = (
        f"INSERT INTO {table} (commune_id, procedure_id, month, dossiers, paid_online) "  # noqa: S608
        f"VALUES {{values}} ON CONFLICT (commune_id, procedure_id, month) DO UPDATE SET "
        f"dossiers = {table}.dossiers + excluded.dossiers, "
        f"paid_online = {table}.paid_online + excluded.paid_online"
    )
    _upsert(sql, items, 5)
    if any(a < 0 for *_k, a, _b in items):
        ProcedureRollup.objects.filter(dossiers=0).delete()


def _upsert(sql: str, items: list[tuple[Any, ...]], width: int, size: int = 500) -> None:
    """Run the insert-or-increment ``sql`` over ``items`` in key order.

    Concurrent batches (of different source systems) may add to the same rollup rows; taking
    the row locks in one global order keeps two such batches from deadlocking.
    """
    items = sorted(items, key=lambda item: item[:3])  # (commune, day or procedure, measure or month)
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(items), size):
            part = items[start : start + size]
            params = [value for item in part for value in item]
            cursor.execute(sql.format(values=", ".join([placeholder] * len(part))), params)


def apply_staged_deltas(new: str, old: str, *, replaced: bool = True) -> None:
    """Set-based rollup deltas (PostgreSQL): + the rows of table ``new``, − those of ``old``.

    Both tables hold DOSSIER_FACT_FIELDS; the specs' SQL conditions are the rebuild's, so the
    result is the same as the row-by-row path. Rows that fall to zero are dropped (only
    possible when ``replaced``: ``old`` has rows).
    """
    with connection.cursor() as cursor:
        cursor.execute(_staged_rollup_sql(new, old))
        cursor.execute(_staged_procedure_sql(new, old))
        if not replaced:
            return
        cursor.execute(
            f"DELETE FROM {Rollup._meta.db_table} WHERE value = 0 "  # noqa: S608 — names from code
            f"AND commune_id IN (SELECT commune_id FROM {old})"
        )
        cursor.execute(
            f"DELETE FROM {ProcedureRollup._meta.db_table} WHERE dossiers = 0 "  # noqa: S608
            f"AND commune_id IN (SELECT commune_id FROM {old})"
        )


def apply_inserted_deltas(batch_id: int, ranges: list[tuple[int, int]]) -> None:
    """Set-based rollup deltas (PostgreSQL) of brand-new dossier rows: those of batch
    ``batch_id`` whose id is in one of the inclusive ``ranges`` (the import fast path COPYs
    them in). ``IS NOT DISTINCT FROM`` keeps the planner on the primary key's ranges: the
    batch's own index would visit every row of the batch each time."""
    within = " OR ".join(f"id BETWEEN {int(a)} AND {int(b)}" for a, b in ranges)
    new = (
        f"(SELECT {', '.join(DOSSIER_FACT_FIELDS)} FROM {Dossier._meta.db_table} "  # noqa: S608
        f"WHERE ({within}) AND batch_id IS NOT DISTINCT FROM {int(batch_id)}) AS n"
    )
    with connection.cursor() as cursor:
        cursor.execute(_staged_rollup_sql(new, None))
        cursor.execute(_staged_procedure_sql(new, None))


def _facts_cte(new: str, old: str | None) -> str:
    cols = ", ".join(DOSSIER_FACT_FIELDS)
    removed = f"UNION ALL SELECT {cols}, -1 FROM {old}" if old is not None else ""  # noqa: S608
    return f"WITH f AS MATERIALIZED (SELECT {cols}, 1 AS sign FROM {new} {removed}) "  # noqa: S608


def _staged_rollup_sql(new: str, old: str | None) -> str:
    table = Rollup._meta.db_table
    parts = " UNION ALL ".join(
        f"SELECT commune_id, {s.day} AS day, '{s.measure}' AS measure, sign FROM f "  # noqa: S608
        f"WHERE {s.day} IS NOT NULL AND ({s.where})"
        for s in DOSSIER_SPECS
    )
    return (
        f"{_facts_cte(new, old)}INSERT INTO {table} (commune_id, day, measure, value) "  # noqa: S608
        f"SELECT commune_id, day, measure, SUM(sign) FROM ({parts}) AS d "
        "GROUP BY commune_id, day, measure HAVING SUM(sign) <> 0 ORDER BY 1, 2, 3 "  # see _upsert
        f"ON CONFLICT (commune_id, day, measure) DO UPDATE SET value = {table}.value + excluded.value"
    )


def _staged_procedure_sql(new: str, old: str | None) -> str:
    table = ProcedureRollup._meta.db_table
    paid = "SUM(CASE WHEN fee_bearing AND paid_online THEN sign ELSE 0 END)"
    month = "received_day - (EXTRACT(DAY FROM received_day)::int - 1)"
    return (
        f"{_facts_cte(new, old)}INSERT INTO {table} "  # noqa: S608 — names from code
        "(commune_id, procedure_id, month, dossiers, paid_online) "
        f"SELECT commune_id, procedure_id, {month}, SUM(sign), {paid} FROM f "
        f"WHERE procedure_id IS NOT NULL GROUP BY 1, 2, 3 HAVING SUM(sign) <> 0 OR {paid} <> 0 "
        "ORDER BY 1, 2, 3 "  # see _upsert
        f"ON CONFLICT (commune_id, procedure_id, month) DO UPDATE SET "
        f"dossiers = {table}.dossiers + excluded.dossiers, "
        f"paid_online = {table}.paid_online + excluded.paid_online"
    )


def rebuild(province_id: int | None = None) -> int:
    """Recompute every rollup from the raw rows with INSERT … SELECT … GROUP BY; return rows written.

    Limited to one province's communes when ``province_id`` is given. Runs in the caller's
    transaction (services.rollup_rebuild.rebuild_rollups owns it).
    """
    scope, params = _scope_sql(province_id)
    Rollup.objects.filter(_scope_q(province_id)).delete()
    ProcedureRollup.objects.filter(_scope_q(province_id)).delete()
    with connection.cursor() as cursor:
        for model, specs in SPECS_BY_MODEL.items():
            for spec in specs:
                cursor.execute(_rebuild_sql(model._meta.db_table, spec, scope), [spec.measure, *params])
    _rebuild_procedures(province_id)
    return Rollup.objects.filter(_scope_q(province_id)).count()


def _scope_q(province_id: int | None) -> Q:
    return Q() if province_id is None else Q(commune__province_id=province_id)


def _scope_sql(province_id: int | None) -> tuple[str, list[Any]]:
    if province_id is None:
        return "", []
    return "AND commune_id IN (SELECT id FROM units_commune WHERE province_id = %s)", [province_id]


def _rebuild_sql(table: str, spec: Spec, scope: str) -> str:
    rollup = Rollup._meta.db_table
    return (
        f"INSERT INTO {rollup} (commune_id, day, measure, value) "  # noqa: S608 — names from code
        f"SELECT commune_id, {spec.day}, %s, COUNT(*) FROM {table} "
        f"WHERE {spec.day} IS NOT NULL AND ({spec.where}) {scope} "
        f"GROUP BY commune_id, {spec.day}"
    )


def _rebuild_procedures(province_id: int | None) -> None:
    qs = Dossier.objects.filter(procedure__isnull=False)
    if province_id is not None:
        qs = qs.filter(commune__province_id=province_id)
    grouped = (
        qs.annotate(m=TruncMonth("received_day"))
        .values("commune_id", "procedure_id", "m")
        .annotate(n=Count("id"), p=Count("id", filter=Q(fee_bearing=True, paid_online=True)))
        .values_list("commune_id", "procedure_id", "m", "n", "p")
        .order_by()
    )
    sql, params = grouped.query.sql_with_params()
    table = ProcedureRollup._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (commune_id, procedure_id, month, dossiers, paid_online) {sql}",  # noqa: S608
            params,
        )
