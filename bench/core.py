"""The harness's vocabulary: goals, result rows, the benchmark registry and how it runs."""

from __future__ import annotations

import importlib
import importlib.util
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from bench.database import Database
    from bench.profiles import Profile
    from bench.server import AppServer

Status = Literal["met", "not met", "n.a.", "info", "error"]


@dataclass(frozen=True)
class Goal:
    """A goal set for a figure: ``figure`` (or ``ratio`` to the reference) ``<=``/``>=`` ``value``."""

    text: str
    op: Literal["<=", ">="]
    value: float
    on: Literal["figure", "ratio"] = "figure"

    def judge(self, figure: float | None, ratio: float | None) -> Status:
        """Return "met" or "not met", or "n.a." when the figure it judges was not measured."""
        measured = figure if self.on == "figure" else ratio
        if measured is None:
            return "n.a."
        ok = measured <= self.value if self.op == "<=" else measured >= self.value
        return "met" if ok else "not met"


@dataclass
class Row:
    """One line of the table: a measured figure, its reference figure and the goal it answers."""

    name: str
    figure: float | None
    unit: str
    reference: float | None = None
    reference_label: str = ""
    goal: Goal | None = None
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    error: bool = False

    @property
    def ratio(self) -> float | None:
        """Return figure / reference, or None when either is missing or the reference is zero."""
        if self.figure is None or not self.reference:
            return None
        return self.figure / self.reference

    @property
    def status(self) -> Status:
        """Return how the row stands against its goal ("info" for a row without a goal)."""
        if self.error:
            return "error"
        if self.goal is None:
            return "info" if self.figure is not None else "n.a."
        return self.goal.judge(self.figure, self.ratio)

    def as_json(self) -> dict[str, Any]:
        """Return the row as plain JSON data, goal and judgement included."""
        return {
            "name": self.name,
            "figure": self.figure,
            "unit": self.unit,
            "reference": self.reference,
            "reference_label": self.reference_label,
            "ratio": self.ratio,
            "goal": self.goal.text if self.goal else None,
            "status": self.status,
            "note": self.note,
            "details": self.details,
        }


@dataclass
class Context:
    """What a run shares between benchmarks: the profile, the database, files made on the way."""

    profile: Profile
    db: Database
    workdir: Path
    artifacts: dict[str, Any] = field(default_factory=dict)
    server: AppServer | None = None
    data_dir: Path | None = None  # where generated files are kept and reused across runs (--data-dir)
    log: Callable[[str], None] = print


class NotAvailable(Exception):
    """A part of the platform (or an earlier step) that a benchmark needs is not there yet."""


@dataclass(frozen=True)
class Benchmark:
    """A registered benchmark: a function of the context returning rows, and what it needs."""

    name: str
    run: Callable[[Context], list[Row]]
    requires: tuple[str, ...]
    unit: str
    goal: Goal | None
    order: int


BENCHMARKS: list[Benchmark] = []


def benchmark(
    name: str, *, order: int, unit: str, goal: Goal | None = None, requires: tuple[str, ...] = ()
) -> Callable[[Callable[[Context], list[Row]]], Callable[[Context], list[Row]]]:
    """Register the decorated function as the benchmark ``name``; runs go by ascending ``order``.

    The order matters: the file import loads the data that the scoring and page benchmarks read,
    and the API benchmark adds dossiers after the full recompute.
    """

    def register(func: Callable[[Context], list[Row]]) -> Callable[[Context], list[Row]]:
        BENCHMARKS.append(Benchmark(name, func, requires, unit, goal, order))
        BENCHMARKS.sort(key=lambda bench: bench.order)
        return func

    return register


def missing(requirement: str) -> bool:
    """Return True when ``requirement`` is absent.

    Forms: ``"pkg.module"``, ``"pkg.module:attribute"``, ``"command:name"`` (a manage.py command)
    and ``"url:/path"`` (a URL the project resolves).
    """
    kind, _, target = requirement.partition(":")
    if kind == "command":
        from django.core.management import get_commands

        return target not in get_commands()
    if kind == "url":
        from django.urls import Resolver404, resolve

        try:
            resolve(target)
        except Resolver404:
            return True
        return False
    return _missing_python(kind, target)


def _missing_python(module: str, attribute: str) -> bool:
    """Return True when the module (or the attribute in it) does not exist."""
    try:
        if importlib.util.find_spec(module) is None:
            return True
    except ModuleNotFoundError:
        return True
    return bool(attribute) and not hasattr(importlib.import_module(module), attribute)


def not_available_row(bench: Benchmark, why: str) -> Row:
    """Return the single "n.a." row of a benchmark that could not run."""
    return Row(bench.name, None, bench.unit, goal=bench.goal, note=f"not available yet: {why}")


def run_one(bench: Benchmark, ctx: Context) -> list[Row]:
    """Run one benchmark and return its rows; a missing piece or a failure becomes one row."""
    absent = [req for req in bench.requires if missing(req)]
    if absent:
        return [not_available_row(bench, ", ".join(absent))]
    started = time.perf_counter()
    try:
        rows = bench.run(ctx)
    except NotAvailable as exc:
        return [not_available_row(bench, str(exc))]
    except Exception as exc:  # a benchmark's failure must not hide the others' figures
        traceback.print_exc()
        return [Row(bench.name, None, bench.unit, goal=bench.goal, note=f"failed: {exc!r}"[:300], error=True)]
    ctx.log(f"  {bench.name}: {time.perf_counter() - started:.1f} s")
    return rows


def selected(only: list[str] | None) -> list[Benchmark]:
    """Return the registered benchmarks, restricted to the names in ``only`` when given."""
    if not only:
        return list(BENCHMARKS)
    unknown = set(only) - {b.name for b in BENCHMARKS}
    if unknown:
        names = ", ".join(b.name for b in BENCHMARKS)
        raise SystemExit(f"unknown benchmark(s) {', '.join(sorted(unknown))}; known: {names}")
    return [b for b in BENCHMARKS if b.name in only]


def timed[T](func: Callable[[], T]) -> tuple[float, T]:
    """Return (wall seconds, result) of calling ``func``."""
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result
