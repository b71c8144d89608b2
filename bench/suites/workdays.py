"""Vectorised due times (docs/workdays.md): a million (start, limit) pairs, beside bare numpy
busday_offset."""

from __future__ import annotations

import time

from bench.core import Context, Goal, Row, benchmark

GOAL = Goal("< 1 s per 1M pairs", "<=", 1.0)


def numpy_reference(n: int) -> float:
    """Return the best of 3 seconds of ``numpy.busday_offset`` over ``n`` day-only pairs with VN holidays.

    The reference does less than kpixa (no hours, cut-off, months, swapped Saturdays): a floor.
    """
    import holidays
    import numpy as np

    rng = np.random.default_rng(766)
    days = rng.integers(0, 3 * 365, n)
    starts = np.datetime64("2024-01-01") + days.astype("timedelta64[D]")
    limits = rng.choice(np.array([1, 2, 3, 5, 7, 10, 15, 20, 30]), n)
    off = np.array(
        sorted(holidays.country_holidays("VN", years=[2024, 2025, 2026, 2027])), dtype="datetime64[D]"
    )
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        np.busday_offset(starts, limits, roll="forward", holidays=off)
        best = min(best, time.perf_counter() - began)
    return best


@benchmark(
    "workdays_due_at_many",
    order=10,
    unit="s",
    goal=GOAL,
    requires=("kpixa.workdays.bench:benchmark_due_at_many",),
)
def due_at_many(ctx: Context) -> list[Row]:
    """Time kpixa's vectorised due-time computation (best of 3, after a small warm-up)."""
    from kpixa.workdays.bench import benchmark_due_at_many

    n = ctx.profile.workday_pairs
    benchmark_due_at_many(10_000)  # warm-up: imports, first-call allocations
    seconds = benchmark_due_at_many(n)
    reference = numpy_reference(n)
    note = f"{n:,} mixed pairs (hours, days, working days, months, cut-off), best of 3; reference: days only"
    return [Row("workdays_due_at_many", seconds, "s", reference, "numpy busday_offset", GOAL, note)]
