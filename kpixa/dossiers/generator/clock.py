"""The working-day calendar the generator computes due dates with, and the weight of each day.

Due dates come from ``kpixa.workdays.calendar`` (the same arithmetic the importer uses), so a
generated NgayHenTra agrees with what the platform would compute from the catalogue.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import numpy as np
import numpy.typing as npt

from kpixa.workdays.calendar import WorkCalendar

# Receipts on a day relative to a normal working day.
WEEKDAY_WEIGHT = 1.0
SATURDAY_WEIGHT = 0.05
SUNDAY_WEIGHT = 0.02
HOLIDAY_WEIGHT = 0.015
PRE_TET_RUSH = 1.25  # people settle their papers in the fortnight before Tết
POST_TET_SLOW = 0.45  # offices reopen slowly in the first working week after Tết
TET_NAME = "Tết Nguyên Đán"

IntArray = npt.NDArray[np.int64]


def work_calendar(use_database: bool) -> WorkCalendar:
    """The process calendar with the administrators' exceptions, or the bare official one."""
    if use_database:
        from kpixa.workdays.calendar import get_calendar

        return get_calendar()
    return WorkCalendar()


def due_times(
    calendar: WorkCalendar,
    starts: IntArray,
    limits: npt.NDArray[np.float64],
    units: npt.NDArray[np.str_],
    cutoffs: IntArray,
) -> IntArray:
    """Due instants (local seconds since 1970) of limits counted from ``starts`` (local seconds)."""
    due = calendar.due_at_many(starts.astype("datetime64[s]"), limits, units, cutoffs)
    return due.astype(np.int64)


def tet_days(first: date, last: date) -> list[date]:
    """The first day of each lunar new year (mùng một Tết) near [first, last]."""
    years = range(first.year, last.year + 2)
    vn = holidays.country_holidays("VN", years=years)
    return sorted(d for d, name in vn.items() if name == TET_NAME)


def day_weights(calendar: WorkCalendar, days: list[date]) -> npt.NDArray[np.float64]:
    """Relative receipt volume of each day: weekdays 1, weekends and holidays near 0, Tết visible."""
    weights = np.array([_base_weight(calendar, d) for d in days])
    for tet in tet_days(days[0], days[-1]) if days else []:
        for i, d in enumerate(days):
            offset = (d - tet).days
            if -16 <= offset <= -4 and weights[i] >= WEEKDAY_WEIGHT:
                weights[i] *= PRE_TET_RUSH
            elif 0 <= offset <= 12 and weights[i] >= WEEKDAY_WEIGHT:
                weights[i] *= POST_TET_SLOW
    return weights


def _base_weight(calendar: WorkCalendar, d: date) -> float:
    if calendar.is_working_day(d):
        return WEEKDAY_WEIGHT
    if d.weekday() == 5:
        return SATURDAY_WEIGHT
    if d.weekday() == 6:
        return SUNDAY_WEIGHT
    return HOLIDAY_WEIGHT


def month_end_flags(calendar: WorkCalendar, days: list[date], last_n: int = 3) -> npt.NDArray[np.bool_]:
    """Per day: whether it is one of the last ``last_n`` working days of its month."""
    flags = np.zeros(len(days), dtype=bool)
    for i, d in enumerate(days):
        if not calendar.is_working_day(d):
            continue
        nxt, left = d + timedelta(days=1), 0
        while nxt.month == d.month:
            left += calendar.is_working_day(nxt)
            nxt += timedelta(days=1)
        flags[i] = left < last_n
    return flags
