"""Synthetic data for the benchmarks, from the project's own generator (docs/generator.md), made once
per run."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.core import Context, NotAvailable, missing

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = "command:generate_dossiers"
SEED = "766"


def require(*requirements: str) -> None:
    """Raise NotAvailable naming the requirements that are absent."""
    absent = [req for req in requirements if missing(req)]
    if absent:
        raise NotAvailable(", ".join(absent))


def generate(
    ctx: Context, fmt: str, date_from: date, date_to: date, output: Path, scale: float, seed: str = SEED
) -> float:
    """Write dossiers for the profile's provinces with ``generate_dossiers``; return the seconds it took."""
    from django.core.management import call_command

    require(GENERATOR)
    args = ["--from", date_from.isoformat(), "--to", date_to.isoformat(), "--scale", str(scale)]
    for province in ctx.profile.provinces:
        args += ["--province", province]
    args += ["--seed", seed, "--output", str(output), "--format", fmt]
    started = time.perf_counter()
    call_command("generate_dossiers", *args, stdout=io.StringIO())
    return time.perf_counter() - started


def count_csv_records(path: Path) -> int:
    """Return the number of records in a CSV file (header excluded; quoted newlines handled)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def csv_header(path: Path) -> list[str]:
    """Return the CSV file's column names."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle))


def generator_digest() -> str:
    """Return a short hash of the generator's code and catalogue: a kept file is reused only when it
    would come out the same (the generator is deterministic for a seed)."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "kpixa" / "dossiers" / "generator").glob("*.py"))
    for source in [*sources, ROOT / "kpixa" / "dossiers" / "data" / "procedures.csv"]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:12]


def period_csv(ctx: Context) -> Path:
    """Return the profile's CSV of dossiers (made on first call, reused after).

    With ``--data-dir`` the file is kept there under a name that says what made it (profile, scale,
    seed, generator digest) and a later run with the same name reuses it instead of generating again.
    """
    if "csv_path" not in ctx.artifacts:
        profile = ctx.profile
        path = ctx.workdir / f"dossiers-{profile.name}.csv"
        if ctx.data_dir is not None:
            ctx.data_dir.mkdir(parents=True, exist_ok=True)
            path = (
                ctx.data_dir
                / f"dossiers-{profile.name}-scale{profile.scale:g}-seed{SEED}-{generator_digest()}.csv"
            )
        if path.exists():
            seconds = 0.0
            ctx.log(f"  reusing {path}")
        else:
            partial = path.with_suffix(".partial.csv")
            seconds = generate(ctx, "csv", profile.date_from, profile.date_to, partial, profile.scale)
            for made in partial.parent.glob(f"{partial.stem}*"):  # the dossiers and their side files
                made.rename(made.with_name(made.name.replace(".partial", "")))
        ctx.artifacts["csv_path"] = path
        ctx.artifacts["csv_records"] = count_csv_records(path)
        ctx.artifacts["csv_bytes"] = path.stat().st_size
        ctx.artifacts["generate_s"] = round(seconds, 2)
        verb = "generated" if seconds else "reused"
        ctx.log(f"  {verb} {ctx.artifacts['csv_records']:,} dossiers in {seconds:.1f} s")
    return Path(ctx.artifacts["csv_path"])


def extra_jsonl(
    ctx: Context, name: str, date_from: date, date_to: date, scale: float, seed: str = SEED
) -> Path:
    """Return a JSON Lines file of dossiers received from ``date_from`` to ``date_to`` (made once)."""
    path = ctx.workdir / f"{name}.jsonl"
    if not path.exists():
        generate(ctx, "jsonl", date_from, date_to, path, scale, seed)
    return path


def jsonl_batches(path: Path, size: int) -> Iterator[list[object]]:
    """Yield the file's JSON records in lists of ``size``."""
    batch: list[object] = []
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                batch.append(json.loads(line))
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def days_for(ctx: Context, records: int) -> int:
    """Return how many days of the profile's data hold about 1.3 × ``records`` dossiers."""
    profile = ctx.profile
    days = (profile.date_to - profile.date_from).days + 1
    per_day = max(1.0, int(ctx.artifacts.get("csv_records", profile.expected_dossiers)) / days)
    return math.ceil(records * 1.3 / per_day)


@dataclass
class ProcessRun:
    """A finished child process: exit code, wall seconds, peak resident memory, output."""

    returncode: int
    seconds: float
    peak_rss_mib: float
    output: str


def run_measured(args: list[str], env: dict[str, str] | None = None) -> ProcessRun:
    """Run ``python manage.py <args>`` as a child (``env``: variables set for it on top of
    ours); return its wall time and its own peak RSS.

    ``os.wait4`` gives the resource usage of that one child (not of every child so far).
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(process.returncode, seconds, usage.ru_maxrss / 1024, output)
