"""File import (docs/ingest-performance.md): ``import_dossiers FILE`` beside a bare PostgreSQL COPY of
the same file."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import time
from pathlib import Path

from bench.core import Context, Goal, Row, benchmark
from bench.data import GENERATOR, ProcessRun, csv_header, period_csv, require, run_measured

RATE_GOAL = Goal("≥ 100,000 dossiers/s", ">=", 100_000)
# The accountability pass (kpixa/accountability, run after each batch commits) may cost the
# import at most 15% of its rate without it.
PASS_GOAL = Goal("pass on ≥ 0.85× pass off", ">=", 0.85, on="ratio")
PASS_SETTING = "KPIXA_DETECT_AFTER_BATCH"
MEMORY_GOAL = Goal("≤ 1 GB peak (1M rows)", "<=", 1024)
STAGING = "bench_copy_staging"
BLOCK = 1 << 20
REFERENCE_ROWS = 2_000_000


def reference_file(path: Path, records: int, workdir: Path) -> tuple[Path, int]:
    """Return the file the bare COPY reads and its record count: the CSV itself, or its first
    ``REFERENCE_ROWS`` records when it is bigger (the national file would need another ~20 GB of
    disk for an unlogged copy of all its text; a rate is per row, so a 2M-row prefix measures it)."""
    if records <= REFERENCE_ROWS:
        return path, records
    prefix = workdir / f"{path.stem}-first-{REFERENCE_ROWS}.csv"
    with (
        path.open(newline="", encoding="utf-8-sig") as source,
        prefix.open("w", newline="", encoding="utf-8") as out,
    ):
        reader, writer = csv.reader(source), csv.writer(out)
        for row in itertools.islice(reader, REFERENCE_ROWS + 1):  # the header and the first records
            writer.writerow(row)
    return prefix, REFERENCE_ROWS


def copy_reference(url: str, path: Path) -> float:
    """Return the seconds a bare COPY of the CSV into an unlogged table of text columns takes."""
    import psycopg
    from psycopg import sql

    columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(name)) for name in csv_header(path))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(STAGING)))
        started = time.perf_counter()
        conn.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(sql.Identifier(STAGING), columns))
        with conn.cursor() as cursor, path.open("rb") as handle:
            command = sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')")
            with cursor.copy(command.format(sql.Identifier(STAGING))) as copy:
                while block := handle.read(BLOCK):
                    copy.write(block)
        seconds = time.perf_counter() - started
        conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(STAGING)))
    return seconds


def dossier_count() -> int:
    """Return how many dossiers the database holds."""
    from django.apps import apps

    return int(apps.get_model("dossiers", "Dossier").objects.count())


@benchmark(
    "file_import_rate",
    order=20,
    unit="dossiers/s",
    goal=RATE_GOAL,
    requires=(GENERATOR, "command:import_dossiers"),
)
def file_import(ctx: Context) -> list[Row]:
    """Import the profile's CSV in a child process, then COPY the same file; return rate and memory rows."""
    path = period_csv(ctx)
    records = int(ctx.artifacts["csv_records"])
    run = run_measured(["import_dossiers", str(path)], {PASS_SETTING: "true"})
    if run.returncode != 0:
        raise RuntimeError(f"import_dossiers exited {run.returncode}: {run.output[-500:]}")
    stored = dossier_count()
    ctx.artifacts["imported"] = stored
    ctx.artifacts["import_s"] = round(run.seconds, 2)
    ctx.artifacts["file_import_rate"] = round(records / run.seconds, 1)
    copy_rate, copied = None, records
    if ctx.db.is_postgres:
        reference, copied = reference_file(path, records, ctx.workdir)
        copy_rate = copied / copy_reference(ctx.db.url, reference)
        if reference != path:
            reference.unlink()
    note = (
        f"{records:,} records in {path.stat().st_size / 2**20:.0f} MiB CSV, {stored:,} dossiers stored; "
        f"{run.seconds:.1f} s wall in a child process, Django start-up included, accountability pass on"
        + (f"; the bare COPY read the file's first {copied:,} records" if copied != records else "")
    )
    off = without_pass(ctx, path)
    return [
        Row("file_import_rate", records / run.seconds, "dossiers/s", copy_rate, "bare COPY", RATE_GOAL, note),
        Row(
            "file_import_peak_memory", run.peak_rss_mib, "MiB", goal=MEMORY_GOAL, note="peak RSS of the child"
        ),
        Row(
            "file_import_rate_pass_on_vs_off",
            records / run.seconds,
            "dossiers/s",
            records / off.seconds,
            "pass off",
            PASS_GOAL,
            f"the same import into a fresh database with {PASS_SETTING}=false took {off.seconds:.1f} s "
            f"(the pass on: {run.seconds:.1f} s)",
        ),
    ]


def without_pass(ctx: Context, path: Path) -> ProcessRun:
    """Import the file again into a fresh database with the accountability pass off; return the
    run (the database then holds the same dossiers as after the first import)."""
    from bench.database import reset

    reset(ctx.db)
    run = run_measured(["import_dossiers", str(path)], {PASS_SETTING: "false"})
    if run.returncode != 0:
        raise RuntimeError(f"import_dossiers (pass off) exited {run.returncode}: {run.output[-500:]}")
    return run


def ensure_imported(ctx: Context) -> int:
    """Return the number of dossiers loaded for the period, importing them (untimed) if not done yet."""
    from django.core.management import call_command

    if not ctx.artifacts.get("imported"):
        require(GENERATOR, "command:import_dossiers")
        path = str(period_csv(ctx))
        with contextlib.redirect_stderr(io.StringIO()):  # the command's progress bar
            call_command("import_dossiers", path, stdout=io.StringIO(), stderr=io.StringIO())
        ctx.artifacts["imported"] = dossier_count()
    return int(ctx.artifacts["imported"])
