"""A benchmark of the vectorised due-date computation, called by the project's bench harness."""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from kpixa.workdays.calendar import UNIT_DAYS, UNIT_HOURS, UNIT_MONTHS, UNIT_WORKING_DAYS, WorkCalendar


def sample_inputs(
    n: int, seed: int = 766
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.float64], npt.NDArray[np.str_], npt.NDArray[np.int64]]:
    """Return ``n`` realistic (start, limit, unit, cut-off) rows: mostly working days, in 2024–2026."""
    rng = np.random.default_rng(seed)
    lo = np.datetime64("2024-01-01T00:00:00").astype(np.int64)
    hi = np.datetime64("2026-12-31T00:00:00").astype(np.int64)
    starts = rng.integers(lo, hi, n).astype("datetime64[s]")
    units = rng.choice(
        np.array([UNIT_WORKING_DAYS, UNIT_HOURS, UNIT_DAYS, UNIT_MONTHS]), n, p=[0.85, 0.07, 0.05, 0.03]
    )
    limits = rng.choice(np.array([0.5, 1, 2, 3, 5, 7, 10, 15, 20, 30]), n).astype(np.float64)
    limits[units == UNIT_MONTHS] = rng.integers(1, 4, int((units == UNIT_MONTHS).sum()))
    cutoffs = np.where(rng.random(n) < 0.1, 15 * 60, -1).astype(np.int64)
    return starts, limits, units, cutoffs


def benchmark_due_at_many(n: int = 1_000_000) -> float:
    """Return the seconds ``WorkCalendar.due_at_many`` takes for ``n`` mixed rows (best of 3).

    Builds the calendar without the database (holidays and the known swaps only) and does
    not count the calendar's construction or the generation of the inputs.
    """
    calendar = WorkCalendar()
    starts, limits, units, cutoffs = sample_inputs(n)
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        calendar.due_at_many(starts, limits, units, cutoffs)
        best = min(best, time.perf_counter() - began)
    return best
