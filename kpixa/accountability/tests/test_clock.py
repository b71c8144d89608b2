"""The pass's Clock answers ``working_time_between`` exactly as the calendar does."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from kpixa.accountability.services import Clock
from kpixa.workdays.calendar import OutOfCalendarRange, WorkCalendar


def test_it_gives_the_calendars_working_time_to_the_second() -> None:
    calendar = WorkCalendar(
        days_off={date(2026, 3, 4)}, working_saturdays={date(2026, 3, 7)}, years=range(2025, 2028)
    )
    clock = Clock(calendar)
    rng = random.Random(7)
    start = datetime(2025, 1, 1)
    instants = [start + timedelta(seconds=rng.randrange(0, 3 * 365 * 86_400)) for _ in range(300)]
    instants += [t.replace(microsecond=rng.randrange(1, 1_000_000)) for t in instants[:50]]
    instants += [start, datetime(2026, 3, 4, 9), datetime(2026, 3, 7, 7, 30), datetime(2026, 3, 9, 11, 30)]
    for _ in range(3000):
        a, b = rng.choice(instants), rng.choice(instants)
        assert clock.working_time_between(a, b) == calendar.working_time_between(a, b), (a, b)
    friday, monday = datetime(2026, 3, 6, 16), datetime(2026, 3, 9, 9)
    assert clock.working_time_between(friday, monday) == timedelta(hours=10.5)  # 1 h, the Saturday 8 h, 1.5 h


def test_it_refuses_what_the_calendar_refuses() -> None:
    calendar = WorkCalendar(years=range(2025, 2027))
    clock = Clock(calendar)
    for a, b in [
        (datetime(2024, 12, 31, 9), datetime(2025, 1, 2, 9)),
        (datetime(2026, 12, 31), datetime(2027, 1, 2)),
    ]:
        with pytest.raises(OutOfCalendarRange):
            calendar.working_time_between(a, b)
        with pytest.raises(OutOfCalendarRange):
            clock.working_time_between(a, b)
    assert clock.working_time_between(datetime(2027, 1, 2), datetime(2024, 1, 1)) == timedelta(0)
