"""Hypothesis invariants of the calendar: round trips, no due date off hours, monotony, bulk = scalar."""

from __future__ import annotations

from datetime import datetime, time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kpixa.workdays.calendar import VN_TZ, WORKING_PERIODS, WorkCalendar

CAL = WorkCalendar()
WORKING_UNITS = ["ngay_lam_viec", "gio"]
ALL_UNITS = ["ngay_lam_viec", "gio", "ngay", "thang"]
FAST = settings(max_examples=150, deadline=None)

instants = st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2033, 12, 31))
quarter_days = st.integers(min_value=0, max_value=400).map(lambda k: k / 4)
cutoffs = st.one_of(st.none(), st.sampled_from([time(15, 0), time(11, 0), time(16, 30)]))


def limits_for(unit: str) -> st.SearchStrategy[float]:
    if unit == "thang":
        return st.integers(min_value=0, max_value=24).map(float)
    return quarter_days


@st.composite
def cases(draw: st.DrawFn, units: list[str] = ALL_UNITS) -> tuple[datetime, float, str, time | None]:
    unit = draw(st.sampled_from(units))
    return draw(instants).replace(microsecond=0), draw(limits_for(unit)), unit, draw(cutoffs)


def inside_working_hours(dt: datetime) -> bool:
    clock = dt.astimezone(VN_TZ).time()
    return any(a <= clock <= b for a, b in WORKING_PERIODS)


@FAST
@given(instants, quarter_days)
def test_it_gives_back_the_working_days_it_added(start: datetime, n: float) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due) == n


@FAST
@given(instants, st.integers(min_value=0, max_value=500).map(lambda k: k / 2))
def test_it_gives_back_the_working_hours_it_added(start: datetime, hours: float) -> None:
    due = CAL.add_working_hours(start, hours)
    assert CAL.working_time_between(start, due).total_seconds() == hours * 3600


@FAST
@given(cases(WORKING_UNITS))
def test_it_never_puts_a_working_due_date_on_a_day_off_or_off_hours(case: tuple) -> None:  # type: ignore[type-arg]
    due = CAL.due_at(*case)
    assert CAL.is_working_day(due.date())
    assert inside_working_hours(due)


@FAST
@given(cases(), instants)
def test_it_makes_due_monotone_in_start(case: tuple, other: datetime) -> None:  # type: ignore[type-arg]
    start, limit, unit, cutoff = case
    early, late = sorted([start, other])
    assert CAL.due_at(early, limit, unit, cutoff) <= CAL.due_at(late, limit, unit, cutoff)


@FAST
@given(cases(), st.integers(min_value=0, max_value=40))
def test_it_makes_due_monotone_in_limit(case: tuple, extra: int) -> None:  # type: ignore[type-arg]
    start, limit, unit, cutoff = case
    assert CAL.due_at(start, limit, unit, cutoff) <= CAL.due_at(start, limit + extra, unit, cutoff)


@settings(max_examples=40, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=60))
def test_it_computes_in_bulk_what_it_computes_one_by_one(rows: list) -> None:  # type: ignore[type-arg]
    starts = np.array([start for start, *_ in rows], dtype="datetime64[s]")
    limits = np.array([limit for _, limit, _, _ in rows])
    units = np.array([unit for *_, unit, _ in rows])
    cuts = np.array([-1 if c is None else c.hour * 60 + c.minute for *_, c in rows])
    bulk = CAL.due_at_many(starts, limits, units, cuts)
    single = [CAL.due_at(*row).replace(tzinfo=None) for row in rows]
    assert bulk.astype("datetime64[s]").tolist() == single


@FAST
@given(instants, cutoffs)
def test_it_starts_the_clock_inside_working_hours_not_before_receipt(
    start: datetime, cutoff: time | None
) -> None:
    begun = CAL.next_working_start(start, cutoff)
    assert begun >= start.replace(microsecond=0, tzinfo=VN_TZ)
    assert CAL.is_working_day(begun.date()) and inside_working_hours(begun)
