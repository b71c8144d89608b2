"""The O(1) working clock (``WorkCalendar.working_clock``, docs/workdays.md) and the scalar
working time built on it equal the straightforward computation they replaced (the periods of a
day summed one by one) on many instants: random ones, Tết 2026, the swapped working Saturday
22/08/2026 and day off 31/08/2026, the period boundaries and the 15:00 cut-off cases of
kpixa/rules/cases (15:00:00 and 15:00:01)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpixa.workdays.calendar import DAY, VN_TZ, OutOfCalendarRange, WorkCalendar, to_local_seconds

DEFAULT = WorkCalendar()
# Other office hours (three periods, one ending at midnight) and administrators' exceptions.
OTHER = WorkCalendar(
    days_off={date(2026, 3, 10), date(2026, 8, 22)},
    working_saturdays={date(2026, 3, 14), date(2026, 2, 21)},
    years=range(2024, 2029),
    periods=((time(0, 0), time(1, 0)), (time(8, 0), time(12, 0)), (time(13, 30), time(23, 59, 59))),
)
CALENDARS = [DEFAULT, OTHER]
EXAMPLES = settings(max_examples=400, deadline=None)

# Tết 2026 (16–20/02) and the days around it, the 2026 swap, Quốc khánh, the cut-off days.
SPECIAL_DAYS = [
    date(2026, 2, 13),
    date(2026, 2, 16),
    date(2026, 2, 20),
    date(2026, 2, 21),
    date(2026, 2, 23),
    date(2026, 8, 21),
    date(2026, 8, 22),
    date(2026, 8, 23),
    date(2026, 8, 31),
    date(2026, 9, 1),
    date(2026, 9, 2),
    date(2026, 3, 3),
    date(2026, 3, 4),
    date(2026, 3, 9),
    date(2026, 2, 23),
]
SPECIAL_TIMES = [
    time(0, 0),
    time(7, 29, 59),
    time(7, 30),
    time(7, 30, 1),
    time(11, 29, 59),
    time(11, 30),
    time(12, 0),
    time(13, 0),
    time(13, 0, 1),
    time(14, 59, 59),
    time(15, 0),
    time(15, 0, 1),
    time(16, 59, 59),
    time(17, 0),
    time(17, 0, 1),
    time(23, 59, 59),
    time(15, 0, 0, 500_000),
]

special = st.builds(datetime.combine, st.sampled_from(SPECIAL_DAYS), st.sampled_from(SPECIAL_TIMES))
shifts = st.integers(min_value=-3 * DAY, max_value=3 * DAY)
near_special = st.builds(lambda dt, shift: dt + timedelta(seconds=shift), special, shifts)
random_naive = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31))
naive = st.one_of(special, near_special, random_naive)
zones = st.sampled_from([VN_TZ, UTC])
aware = st.builds(lambda dt, tz: dt.replace(tzinfo=VN_TZ).astimezone(tz), naive, zones)
instants = st.one_of(naive, aware)


def reference_clock(cal: WorkCalendar, instant: datetime) -> int:
    """W(t) as it was computed before the clock: every period of the day summed."""
    t = to_local_seconds(instant)
    i = cal._index(t // DAY)
    base = cal._cum_l[i] * cal.day_seconds
    if not cal._working_l[i]:
        return base
    s, elapsed = t % DAY, 0
    for a, b in zip(cal._starts_l, cal._ends_l, strict=True):
        elapsed += min(max(s - a, 0), b - a)
    return base + elapsed


def reference_between(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    ta, tb = to_local_seconds(a), to_local_seconds(b)
    if tb <= ta:
        return timedelta(0)
    return timedelta(seconds=reference_clock(cal, b) - reference_clock(cal, a))


@pytest.mark.parametrize("cal", CALENDARS, ids=["default", "other"])
@EXAMPLES
@given(instant=instants)
def test_the_clock_equals_the_sum_of_the_periods(cal: WorkCalendar, instant: datetime) -> None:
    assert cal.working_clock(instant) == reference_clock(cal, instant)
    assert cal._clock(to_local_seconds(instant)) == reference_clock(cal, instant)


@pytest.mark.parametrize("cal", CALENDARS, ids=["default", "other"])
@EXAMPLES
@given(a=instants, b=instants)
def test_the_working_time_between_equals_the_old_one(cal: WorkCalendar, a: datetime, b: datetime) -> None:
    expected = reference_between(cal, a, b)
    assert cal.working_time_between(a, b) == expected
    assert max(cal.working_clock(b) - cal.working_clock(a), 0) == expected.total_seconds()


def test_the_clock_of_the_special_days() -> None:
    # Tết 2026 and the swapped day off stand still; the working Saturday runs.
    for day in (date(2026, 2, 16), date(2026, 8, 31)):
        morning = datetime.combine(day, time(7, 30))
        assert DEFAULT.working_clock(morning) == DEFAULT.working_clock(morning.replace(hour=17))
    saturday = datetime.combine(date(2026, 8, 22), time(7, 30))
    assert DEFAULT.working_clock(saturday.replace(hour=17)) - DEFAULT.working_clock(saturday) == 8 * 3600
    # the 15:00 cut-off cases: one second apart is one working second apart
    at = datetime(2026, 3, 3, 15, 0)
    assert DEFAULT.working_clock(at + timedelta(seconds=1)) - DEFAULT.working_clock(at) == 1


def test_the_clock_refuses_instants_outside_the_calendar() -> None:
    with pytest.raises(OutOfCalendarRange):
        DEFAULT.working_clock(datetime(2014, 12, 31, 10))
    with pytest.raises(OutOfCalendarRange):
        DEFAULT.working_clock(datetime(2036, 1, 1, 10))
