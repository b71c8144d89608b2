"""Scorecards (docs/scoring.md): full recompute beside the raw GROUP BY in PostgreSQL, DuckDB and pandas.

The reference computes, per commune, the dossier counts the ``dvc766`` framework scores
(received, finished on time / late, open within deadline / overdue, online, end-to-end,
fee-bearing, paid online, e-result, digitised, reused, VNeID, synced on time, late receipt)
straight from the raw dossier rows of the period, with no rollups.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.core import Context, Goal, NotAvailable, Row, benchmark, timed
from bench.data import GENERATOR, days_for, extra_jsonl, jsonl_batches
from bench.suites.file_import import ensure_imported

BATCH_SIZE = 1_000
RECOMPUTE_GOAL = Goal("≤ 1.5× raw GROUP BY", "<=", 1.5, on="ratio")
FRAMEWORK = "dvc766"
VN = ZoneInfo("Asia/Ho_Chi_Minh")

COUNTS = """
  count(*) AS total,
  count(*) FILTER (WHERE {received} >= {start}) AS received,
  count(*) FILTER (WHERE {ended} < {end} AND {ended} <= {due}) AS finished_on_time,
  count(*) FILTER (WHERE {ended} < {end} AND {ended} > {due}) AS finished_late,
  count(*) FILTER (WHERE ({ended} IS NULL OR {ended} >= {end}) AND ({due} IS NULL OR {due} >= {end}))
    AS open_within_deadline,
  count(*) FILTER (WHERE ({ended} IS NULL OR {ended} >= {end}) AND {due} < {end}) AS open_overdue,
  count(*) FILTER (WHERE {online}) AS online,
  count(*) FILTER (WHERE {e2e_eligible}) AS e2e_eligible,
  count(*) FILTER (WHERE {online} AND {e2e_eligible}) AS e2e_online,
  count(*) FILTER (WHERE {fee_bearing}) AS fee_bearing,
  count(*) FILTER (WHERE {fee_bearing} AND {paid_online}) AS paid_online,
  count(*) FILTER (WHERE {e_result} AND {ended} < {end}) AS finished_with_e_result,
  count(*) FILTER (WHERE {digitised}) AS digitised,
  count(*) FILTER (WHERE {reused}) AS reused,
  count(*) FILTER (WHERE {vneid}) AS vneid,
  count(*) FILTER (WHERE {synced_on_time}) AS synced_on_time,
  count(*) FILTER (WHERE {late_receipt}) AS late_receipt
"""
FLAGS = [
    "online",
    "e2e_eligible",
    "fee_bearing",
    "paid_online",
    "e_result",
    "digitised",
    "reused",
    "vneid",
    "synced_on_time",
    "late_receipt",
]
EXPORT_COLUMNS = (
    "commune_id, extract(epoch from received_at)::bigint AS received, "
    "extract(epoch from end_at)::bigint AS ended, extract(epoch from effective_due_at)::bigint AS due, "
    + ", ".join(f"{flag}::int AS {flag}" for flag in FLAGS)
)


def period_bounds(ctx: Context) -> tuple[datetime, datetime]:
    """Return the profile's period as [start, end) in Vietnam time."""
    start = datetime.combine(ctx.profile.date_from, dtime(), VN)
    return start, datetime.combine(ctx.profile.date_to + timedelta(days=1), dtime(), VN)


def postgres_sql(table: str) -> str:
    """Return the raw GROUP BY over the dossier table (psycopg placeholders for the bounds)."""
    names = {flag: flag for flag in FLAGS}
    counts = COUNTS.format(
        received="received_at",
        ended="end_at",
        due="effective_due_at",
        start="%(start)s",
        end="%(end)s",
        **names,
    )
    where = "received_at < %(end)s AND (end_at IS NULL OR end_at >= %(start)s)"
    return f"SELECT commune_id, {counts} FROM {table} WHERE {where} GROUP BY commune_id"  # noqa: S608


def exported_sql(start: int, end: int) -> str:
    """Return the same GROUP BY over the exported rows (epoch seconds, flags as 0/1) for DuckDB."""
    names = {flag: f"{flag} = 1" for flag in FLAGS}
    counts = COUNTS.format(received="received", ended="ended", due="due", start=start, end=end, **names)
    where = f"received < {end} AND (ended IS NULL OR ended >= {start})"
    return f"SELECT commune_id, {counts} FROM dossiers WHERE {where} GROUP BY commune_id"  # noqa: S608


def dossier_table() -> str:
    """Return the dossier table's name."""
    from django.apps import apps

    return str(apps.get_model("dossiers", "Dossier")._meta.db_table)


def best_of(runs: int, func: Any) -> tuple[float, Any]:
    """Return the best wall seconds of ``runs`` calls of ``func`` (after one warm-up) and its result."""
    func()
    best, result = float("inf"), None
    for _ in range(runs):
        seconds, result = timed(func)
        best = min(best, seconds)
    return best, result


def postgres_group_by(ctx: Context) -> tuple[float, dict[str, int]]:
    """Time the raw GROUP BY in PostgreSQL; return seconds and the column totals."""
    import psycopg

    start, end = period_bounds(ctx)
    query = postgres_sql(dossier_table())
    with psycopg.connect(ctx.db.url) as conn:
        seconds, rows = best_of(3, lambda: conn.execute(query, {"start": start, "end": end}).fetchall())
        names = [
            column.name for column in conn.execute(query, {"start": start, "end": end}).description or []
        ]
    return seconds, column_totals(names, rows)


def column_totals(names: list[str], rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """Return the sum of every count column over all communes (a checksum between engines)."""
    return {name: int(sum(row[i] for row in rows)) for i, name in enumerate(names) if name != "commune_id"}


def export_rows(ctx: Context) -> Path:
    """COPY the dossier rows the references read to a CSV file (once per run) and return it."""
    import psycopg

    path = ctx.workdir / "dossier-rows.csv"
    if path.exists():
        return path
    query = f"COPY (SELECT {EXPORT_COLUMNS} FROM {dossier_table()}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    with (
        psycopg.connect(ctx.db.url) as conn,
        conn.cursor() as cursor,
        path.open("wb") as handle,
        cursor.copy(query) as copy,
    ):
        for block in copy:
            handle.write(block)
    return path


def duckdb_group_by(ctx: Context, path: Path) -> tuple[float, dict[str, int]]:
    """Load the exported rows into DuckDB (untimed), time the same GROUP BY; return seconds and totals."""
    import duckdb

    start, end = (int(bound.timestamp()) for bound in period_bounds(ctx))
    con = duckdb.connect()
    con.execute("CREATE TABLE dossiers AS SELECT * FROM read_csv(?, header = true)", [str(path)])
    query = exported_sql(start, end)
    seconds, rows = best_of(3, lambda: con.execute(query).fetchall())
    names = [column[0] for column in con.execute(query).description]
    con.close()
    return seconds, column_totals(names, rows)


def pandas_counts(df: Any, start: int, end: int) -> Any:
    """Return the per-commune counts of the exported rows with pandas (same definitions as the SQL)."""
    import pandas as pd

    d = df[(df["received"] < end) & (df["ended"].isna() | (df["ended"] >= start))]
    ended, due = d["ended"], d["due"]
    still_open = ended.isna() | (ended >= end)
    finished = ended < end
    flag = {name: d[name] == 1 for name in FLAGS}
    columns = {
        "total": pd.Series(1, index=d.index),
        "received": d["received"] >= start,
        "finished_on_time": finished & (ended <= due),
        "finished_late": finished & (ended > due),
        "open_within_deadline": still_open & (due.isna() | (due >= end)),
        "open_overdue": still_open & (due < end),
        "online": flag["online"],
        "e2e_eligible": flag["e2e_eligible"],
        "e2e_online": flag["online"] & flag["e2e_eligible"],
        "fee_bearing": flag["fee_bearing"],
        "paid_online": flag["fee_bearing"] & flag["paid_online"],
        "finished_with_e_result": flag["e_result"] & finished,
        **{name: flag[name] for name in ("digitised", "reused", "vneid", "synced_on_time", "late_receipt")},
    }
    return pd.DataFrame(columns).groupby(d["commune_id"]).sum()


def pandas_group_by(ctx: Context, path: Path) -> tuple[float, dict[str, int]]:
    """Read the exported rows with pandas (untimed), time the counts; return seconds and totals."""
    import pandas as pd

    start, end = (int(bound.timestamp()) for bound in period_bounds(ctx))
    df = pd.read_csv(path, dtype={"ended": "float64", "due": "float64"})
    seconds, counts = best_of(3, lambda: pandas_counts(df, start, end))
    return seconds, {name: int(counts[name].sum()) for name in counts.columns}


def prepare_framework() -> None:
    """Make sure the ``dvc766`` framework is in the database, with whatever loader the project has."""
    from django.core.management import call_command, get_commands

    commands = get_commands()
    for name in ("load_frameworks", "load_framework"):
        if name in commands:
            call_command(name, stdout=io.StringIO())
            return


def run_compute(ctx: Context) -> None:
    """Run ``compute_scores --framework dvc766 --period P`` for every commune of the profile."""
    from django.core.management import call_command

    args = ["--framework", FRAMEWORK, "--period", ctx.profile.period]
    for province in ctx.profile.provinces:  # a one-province profile scores that province only
        args += ["--province", province]
    call_command("compute_scores", *args, stdout=io.StringIO())
    ctx.artifacts["scored"] = 1


def ensure_scored(ctx: Context) -> None:
    """Compute the period's scores (untimed) when the scoring command exists and has not run yet."""
    from django.core.management import get_commands

    if "compute_scores" in get_commands() and not ctx.artifacts.get("scored"):
        prepare_framework()
        run_compute(ctx)


def compute_scores(ctx: Context) -> float:
    """Return the seconds of one ``compute_scores --framework dvc766 --period P`` (after a warm-up run)."""
    run_compute(ctx)
    seconds, _ = timed(lambda: run_compute(ctx))
    ctx.artifacts["full_recompute_s"] = round(seconds, 3)
    return seconds


def reference_rows(ctx: Context, pg_seconds: float, pg_totals: dict[str, int]) -> list[Row]:
    """Return DuckDB's and pandas's rows, each beside PostgreSQL's GROUP BY, with a checksum note."""
    path = export_rows(ctx)
    rows = []
    for name, engine in (("duckdb", duckdb_group_by), ("pandas", pandas_group_by)):
        try:
            seconds, totals = engine(ctx, path)
        except ImportError:
            rows.append(
                Row(f"recompute_ref_{name}", None, "s", note="not installed (bench/requirements.txt)")
            )
            continue
        same = (
            "same counts as PostgreSQL" if totals == pg_totals else f"COUNTS DIFFER: {totals} vs {pg_totals}"
        )
        rows.append(Row(f"recompute_ref_{name}", seconds, "s", pg_seconds, "PG GROUP BY", note=same))
    return rows


@benchmark(
    "scores_full_recompute", order=30, unit="s", goal=RECOMPUTE_GOAL, requires=("command:compute_scores",)
)
def full_recompute(ctx: Context) -> list[Row]:
    """Time the full recompute of all scorecards beside the raw GROUP BY and two reference engines."""
    if not ctx.db.is_postgres:
        raise NotAvailable("the references need PostgreSQL (this run fell back to SQLite)")
    dossiers = ensure_imported(ctx)
    prepare_framework()
    seconds = compute_scores(ctx)
    pg_seconds, pg_totals = postgres_group_by(ctx)
    note = f"{dossiers:,} dossiers, period {ctx.profile.period}; warm runs (one untimed run first)"
    return [
        Row("scores_full_recompute", seconds, "s", pg_seconds, "PG GROUP BY", RECOMPUTE_GOAL, note),
        *reference_rows(ctx, pg_seconds, pg_totals),
    ]


INCREMENTAL_GOAL = Goal("< 1 s", "<=", 1.0)
REFRESH = "kpixa.scoring.services.scores:refresh_after_batch"
IMPORT_FILE = "kpixa.dossiers.services.importing:import_file"


def new_dossiers(ctx: Context, count: int) -> Path:
    """Write ``count`` new dossiers received in the last days of the period to a JSON Lines file.

    They come from the generator with another seed; their MaHoSo get a suffix so that they are
    new dossiers, not new versions of the ones imported before.
    """
    span = days_for(ctx, count)
    first = max(ctx.profile.date_from, ctx.profile.date_to - timedelta(days=span - 1))
    source = extra_jsonl(ctx, "incremental-source", first, ctx.profile.date_to, ctx.profile.scale, seed="767")
    batch = next(jsonl_batches(source, count))
    if len(batch) < count:
        raise RuntimeError(f"the generator gave {len(batch)} records, fewer than {count}")
    path = ctx.workdir / "incremental-batch.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for record in batch:
            handle.write(json.dumps(renamed(record), ensure_ascii=False) + "\n")
    return path


def renamed(record: Any) -> Any:
    """Return the record with ``-INC`` appended to its MaHoSo (bare or wrapped in ``hoSo``)."""
    body = record["hoSo"] if isinstance(record, dict) and "hoSo" in record else record
    body["MaHoSo"] = f"{body['MaHoSo']}-INC"
    return record


def touched(batch: Any) -> tuple[set[int], set[Any]]:
    """Return the communes and the days (received, ended, overdue) the batch's dossiers touch."""
    from django.apps import apps

    rows = apps.get_model("dossiers", "Dossier").objects.filter(batch=batch)
    values = rows.values_list("commune_id", "received_day", "end_day", "overdue_day")
    communes = {row[0] for row in values}
    days = {day for row in values for day in row[1:] if day is not None}
    return communes, days


@benchmark(
    "scores_incremental_refresh",
    order=40,
    unit="s",
    goal=INCREMENTAL_GOAL,
    requires=(GENERATOR, "command:compute_scores", IMPORT_FILE, REFRESH),
)
def incremental_refresh(ctx: Context) -> list[Row]:
    """Ingest 1,000 new dossiers of the period, then time the refresh of the scores they touch."""
    from kpixa.dossiers.services.importing import import_file
    from kpixa.scoring.services.scores import refresh_after_batch

    ensure_imported(ctx)
    ensure_scored(ctx)
    ingest_s, batch = timed(lambda: import_file(new_dossiers(ctx, BATCH_SIZE)))
    communes, days = touched(batch)
    seconds, runs = timed(lambda: refresh_after_batch(communes, days))
    note = (
        f"batch of {batch.created:,} new dossiers ({ingest_s:.2f} s to ingest) touching {len(communes)} "
        f"communes and {len(days)} days; {len(runs)} score runs refreshed"
    )
    reference = ctx.artifacts.get("full_recompute_s")
    return [
        Row("scores_incremental_refresh", seconds, "s", reference, "full recompute", INCREMENTAL_GOAL, note)
    ]
