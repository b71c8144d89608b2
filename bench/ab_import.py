"""A/B timing of ``import_dossiers`` against an older tree (docs/ingest-performance.md, "A/B").

    python -m bench.ab_import --csv /tmp/benchdata/small.csv --rounds 3

For each round and each variant (the old tree, this tree with the accountability pass off, this
tree with it on) the script creates a fresh PostgreSQL database, runs ``migrate`` and
``load_units`` in it with that variant's code, then times ``manage.py import_dossiers --format
csv FILE`` in a child process: wall seconds, and CPU seconds (user + system) of the child and its
own children from ``getrusage(RUSAGE_CHILDREN)``. The database server's CPU is not in that figure.
The variants alternate within each round, so a round's ratios share the machine's load; the table
gives ``uptime``'s load average before each import.

The old tree is a ``git worktree`` of ``--old`` (default ``cb776e9``, the tree before the
integrity work) at ``--worktree``, made once and sharing this tree's virtual environment.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASS_SETTING = "KPIXA_DETECT_AFTER_BATCH"


@dataclass(frozen=True)
class Variant:
    """One side of the comparison: the tree it runs and the settings it adds."""

    name: str
    tree: Path
    env: dict[str, str]


@dataclass
class Timing:
    """One timed import."""

    variant: str
    round: int
    wall: float
    cpu: float
    load: str


def load_average() -> str:
    """Return the 1, 5 and 15-minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def ensure_worktree(old: str, path: Path) -> None:
    """Create the old tree's worktree at ``path`` (once), with this tree's virtual environment."""
    if not (path / "manage.py").exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(path), old], cwd=ROOT, check=True)
    venv = path / ".venv"
    if not venv.exists():
        venv.symlink_to(ROOT / ".venv")


def recreate(url: str) -> None:
    """Drop and create the database named by ``url``."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(variant: Variant, url: str, *args: str) -> tuple[float, float]:
    """Run ``manage.py args`` in the variant's tree; return its wall and CPU seconds."""
    env = {**os.environ, **variant.env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "kpixa.settings"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=variant.tree, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(
            f"{variant.name}: manage.py {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run(variants: list[Variant], csv: Path, url: str, rounds: int) -> list[Timing]:
    """Time every variant ``rounds`` times, alternating; return the timings."""
    timings: list[Timing] = []
    for number in range(1, rounds + 1):
        order = variants if number % 2 else list(reversed(variants))
        for variant in order:
            recreate(url)
            manage(variant, url, "migrate", "--verbosity", "0")
            manage(variant, url, "load_units")
            load = load_average()
            wall, cpu = manage(variant, url, "import_dossiers", "--format", "csv", str(csv))
            timings.append(Timing(variant.name, number, wall, cpu, load))
            print(
                f"round {number} {variant.name:<10} wall {wall:7.2f} s  cpu {cpu:7.2f} s  load {load}",
                flush=True,
            )
    recreate(url)
    return timings


def table(variants: list[Variant], timings: list[Timing]) -> str:
    """Return the per-round table with ratios to the first variant, and the means."""
    names = [variant.name for variant in variants]
    base, lines = names[0], []
    head = f"{'round':<6}" + "".join(f"{name + ' wall/cpu':>22}" for name in names)
    head += "".join(f"{name + '/' + base + ' wall/cpu':>28}" for name in names[1:])
    lines.append(head)
    by = {(t.round, t.variant): t for t in timings}
    rounds = sorted({t.round for t in timings})
    for number in rounds:
        row = f"{number:<6}"
        for name in names:
            t = by[(number, name)]
            row += f"{t.wall:>12.2f}/{t.cpu:>8.2f} s"
        for name in names[1:]:
            row += f"{by[(number, name)].wall / by[(number, base)].wall:>19.3f}/"
            row += f"{by[(number, name)].cpu / by[(number, base)].cpu:>7.3f}"
        lines.append(row)
    means = {
        name: (
            statistics.mean(by[(n, name)].wall for n in rounds),
            statistics.mean(by[(n, name)].cpu for n in rounds),
        )
        for name in names
    }
    row = f"{'mean':<6}" + "".join(f"{means[name][0]:>12.2f}/{means[name][1]:>8.2f} s" for name in names)
    row += "".join(
        f"{means[name][0] / means[base][0]:>19.3f}/{means[name][1] / means[base][1]:>7.3f}"
        for name in names[1:]
    )
    lines.append(row)
    if "pass_on" in names and "pass_off" in names:
        on, off = means["pass_on"], means["pass_off"]
        lines.append(
            f"rate with the pass on / rate with it off: wall {off[0] / on[0]:.3f}, cpu {off[1] / on[1]:.3f}"
        )
    if "pass_off" in names and base == "old":
        off, old = means["pass_off"], means["old"]
        lines.append(
            f"rate with the pass off / old rate: wall {old[0] / off[0]:.3f}, cpu {old[1] / off[1]:.3f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse the options, run the rounds and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.ab_import", description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True, help="the dossier CSV to import")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old", default="cb776e9", help="the commit to compare with")
    parser.add_argument("--worktree", type=Path, default=Path("/tmp/wt_old"))
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kpixa_ab_import")
    parser.add_argument(
        "--only", action="append", choices=("old", "pass_off", "pass_on"), help="run only these variants"
    )
    options = parser.parse_args(argv)
    variants = [
        Variant("old", options.worktree, {}),
        Variant("pass_off", ROOT, {PASS_SETTING: "false"}),
        Variant("pass_on", ROOT, {PASS_SETTING: "true"}),
    ]
    if options.only:
        variants = [variant for variant in variants if variant.name in options.only]
    if any(variant.name == "old" for variant in variants):
        ensure_worktree(options.old, options.worktree)
    print(
        f"{options.csv} ({options.csv.stat().st_size / 2**20:.0f} MiB), "
        f"{options.rounds} rounds, old = {options.old}"
    )
    print(f"load before: {load_average()}", flush=True)
    timings = run(variants, options.csv.resolve(), options.database_url, options.rounds)
    print(table(variants, timings))
    print(f"load after: {load_average()}")


if __name__ == "__main__":
    main()
