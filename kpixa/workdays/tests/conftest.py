"""Fixtures of the calendar tests: one shared calendar without DB exceptions, a clean cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kpixa.workdays.calendar import WorkCalendar, invalidate_calendar


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    # Rolled-back test transactions fire no signals: never let one test's calendar leak.
    invalidate_calendar()
    yield
    invalidate_calendar()
