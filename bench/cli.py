"""``python -m bench``: create the database, run the registered benchmarks, print and save the table."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import database, machine, report
from bench.core import Context, Row, run_one, selected
from bench.profiles import PROFILES


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description="kpixa benchmarks (bench/README.md)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="small")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", database.DEFAULT_URL))
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the benchmark database at the end"
    )
    parser.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR)
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the generated dossier file here and reuse it in later runs of the same profile and scale",
    )
    parser.add_argument(
        "--scale",
        type=float,
        help="override the profile's generator scale (a shakedown run; the header and the JSON say so)",
    )
    return parser.parse_args(argv)


def log(message: str) -> None:
    """Print a progress line at once."""
    print(message, flush=True)


def _prepare(args: argparse.Namespace, workdir: Path) -> Context:
    """Create and migrate the benchmark database, start Django, return the run's context."""
    profile = PROFILES[args.profile]
    if args.scale is not None and args.scale != profile.scale:
        profile = replace(
            profile,
            description=f"{profile.description}; SCALE OVERRIDDEN to {args.scale:g}: a shakedown run",
            scale=args.scale,
            expected_dossiers=round(profile.expected_dossiers * args.scale / profile.scale),
        )
    db = database.create(args.database_url, allow_sqlite=not profile.requires_postgres, workdir=workdir)
    log(f"database: {db.url}" + (f" — {db.note}" if db.note else ""))
    database.setup_django(db, workdir)
    started = time.perf_counter()
    database.migrate_and_load()
    log(f"migrated and loaded units in {time.perf_counter() - started:.1f} s")
    db.version = database.server_version(db)
    return Context(profile=profile, db=db, workdir=workdir, log=log, data_dir=args.data_dir)


def _run_all(
    ctx: Context, only: list[str] | None, started: float, checkpoint: Callable[[list[Row]], None]
) -> list[Row]:
    """Run the selected benchmarks in order and return all their rows.

    Each row is printed as soon as it is measured and ``checkpoint`` gets the rows so far after
    every benchmark (a long run stopped half-way keeps what it measured). Past the profile's time
    budget the remaining benchmarks are skipped and say so.
    """
    rows: list[Row] = []
    for bench in selected(only):
        if time.perf_counter() - started > ctx.profile.time_budget_s:
            note = f"skipped: the {ctx.profile.time_budget_s:.0f} s budget of this profile was spent"
            rows.append(Row(bench.name, None, bench.unit, goal=bench.goal, note=note))
            continue
        log(f"running {bench.name} …")
        measured = run_one(bench, ctx)
        for row in measured:
            log(f"  = {report.line(row)}")
        rows.extend(measured)
        checkpoint(rows)
    return rows


def _finish(ctx: Context, keep_db: bool) -> None:
    """Stop the server, close connections and drop the database."""
    from django.db import connections

    if ctx.server is not None:
        ctx.server.stop()
    connections.close_all()
    if not keep_db:
        database.drop(ctx.db)


def _meta(ctx: Context, started: datetime, duration: float) -> dict[str, Any]:
    """Return the run's description for the header and the JSON."""
    return {
        "profile": ctx.profile.name,
        "profile_description": ctx.profile.description,
        "scale": ctx.profile.scale,
        "scale_overridden": ctx.profile.scale != PROFILES[ctx.profile.name].scale,
        "started": started.isoformat(timespec="seconds"),
        "duration_s": round(duration, 1),
        "database_url": ctx.db.url if ctx.db.is_postgres else "sqlite (temporary)",
        "database_note": ctx.db.note,
        "server": ctx.server.kind if ctx.server else None,
        "data": {k: v for k, v in ctx.artifacts.items() if isinstance(v, int | float | str)},
        "machine": machine.describe(ctx.db.version),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return the exit code (0 also when some are not available yet)."""
    args = parse_args(argv)
    started_at = datetime.now().astimezone()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kpixa-bench-") as tmp:
        ctx = _prepare(args, Path(tmp))

        def checkpoint(rows: list[Row]) -> None:
            meta = {**_meta(ctx, started_at, time.perf_counter() - started), "partial": True}
            report.write_json(meta, rows, args.results_dir)

        try:
            rows = _run_all(ctx, args.only or list(ctx.profile.benchmarks), started, checkpoint)
        finally:
            _finish(ctx, args.keep_db)
        meta = _meta(ctx, started_at, time.perf_counter() - started)
    path = report.write_json(meta, rows, args.results_dir)
    print()
    print(report.header(meta))
    print()
    print(report.table(rows))
    print(f"\nwritten to {path}")
    return 0
