"""Worked examples of the calendar: Tết 2026, the 2026 swap, Quốc khánh, the 15:00 cut-off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest

from kpixa.workdays.calendar import (
    VN_TZ,
    OutOfCalendarRange,
    WorkCalendar,
    add_months,
)

CUTOFF = time(15, 0)


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)  # type: ignore[misc,arg-type]


def test_it_takes_tet_2026_off(cal: WorkCalendar) -> None:
    for day in range(16, 21):
        assert not cal.is_working_day(date(2026, 2, day))
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.is_working_day(date(2026, 2, 23))


def test_it_counts_three_working_days_across_tet_2026(cal: WorkCalendar) -> None:
    # Fri 13/02 10:00; 16–20/02 Tết, 21–22/02 weekend; Mon 23 = 1, Tue 24 = 2, Wed 25 = 3.
    due = cal.due_at(vn(2026, 2, 13, 10), 3, "ngay_lam_viec")
    assert due == vn(2026, 2, 25, 10)
    assert cal.add_working_days(vn(2026, 2, 13, 10), 3) == due
    assert cal.working_days_between(vn(2026, 2, 13, 10), due) == 3


def test_it_works_on_saturday_22_08_2026_and_rests_on_31_08(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 8, 23))
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.due_at(vn(2026, 8, 21, 10), 1, "ngay_lam_viec") == vn(2026, 8, 22, 10)


def test_it_rests_on_2_9_and_an_adjacent_day(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2025, 9, 1)) and not cal.is_working_day(date(2025, 9, 2))
    assert not cal.is_working_day(date(2027, 9, 2)) and not cal.is_working_day(date(2027, 9, 3))
    # Fri 28/08/2026 + 1 working day: 29–30 weekend, 31/08 swap, 1–2/09 Quốc khánh → Thu 03/09.
    assert cal.due_at(vn(2026, 8, 28, 10), 1, "ngay_lam_viec") == vn(2026, 9, 3, 10)


def test_it_counts_from_the_next_working_day_after_the_cutoff(cal: WorkCalendar) -> None:
    assert cal.next_working_start(vn(2026, 3, 10, 14, 59), CUTOFF) == vn(2026, 3, 10, 14, 59)
    assert cal.next_working_start(vn(2026, 3, 10, 15, 0), CUTOFF) == vn(2026, 3, 10, 15, 0)
    assert cal.next_working_start(vn(2026, 3, 10, 15, 1), CUTOFF) == vn(2026, 3, 11, 7, 30)
    # Friday after the cut-off → Monday morning; same-day limit of 4 working hours.
    assert cal.due_at(vn(2026, 3, 13, 15, 30), 4, "gio", CUTOFF) == vn(2026, 3, 16, 11, 30)
    assert cal.due_at(vn(2026, 3, 13, 15, 30), 4, "gio") == vn(2026, 3, 16, 10, 0)


def test_it_finds_the_next_working_start_outside_hours(cal: WorkCalendar) -> None:
    assert cal.next_working_start(vn(2026, 3, 10, 6, 0)) == vn(2026, 3, 10, 7, 30)
    assert cal.next_working_start(vn(2026, 3, 10, 12, 0)) == vn(2026, 3, 10, 13, 0)
    assert cal.next_working_start(vn(2026, 3, 10, 11, 30)) == vn(2026, 3, 10, 13, 0)
    assert cal.next_working_start(vn(2026, 3, 10, 17, 0)) == vn(2026, 3, 11, 7, 30)
    assert cal.next_working_start(vn(2026, 3, 14, 9, 0)) == vn(2026, 3, 16, 7, 30)


def test_it_measures_working_time_across_lunch_and_weekend(cal: WorkCalendar) -> None:
    assert cal.working_time_between(vn(2026, 3, 10, 11, 0), vn(2026, 3, 10, 14, 0)) == timedelta(hours=1.5)
    assert cal.working_time_between(vn(2026, 3, 13, 16, 0), vn(2026, 3, 16, 8, 30)) == timedelta(hours=2)
    assert cal.working_time_between(vn(2026, 3, 16), vn(2026, 3, 13)) == timedelta(0)
    assert cal.working_days_between(vn(2026, 3, 9), vn(2026, 3, 16)) == 5


def test_it_ends_a_whole_day_at_the_end_of_the_last_working_day(cal: WorkCalendar) -> None:
    # Received after hours: the earliest instant with one full day of work done is 17:00 next day.
    assert cal.due_at(vn(2026, 3, 10, 20, 0), 1, "ngay_lam_viec") == vn(2026, 3, 11, 17, 0)
    assert cal.due_at(vn(2026, 3, 10, 15, 30), 0, "ngay_lam_viec", CUTOFF) == vn(2026, 3, 11, 7, 30)


def test_it_counts_calendar_days_and_months(cal: WorkCalendar) -> None:
    assert cal.due_at(vn(2026, 2, 13, 10), 15, "ngay") == vn(2026, 2, 28, 10)
    assert cal.due_at(vn(2026, 1, 15, 10), 1, "thang") == vn(2026, 2, 15, 10)
    assert cal.due_at(vn(2026, 1, 31, 10), 1, "thang") == vn(2026, 2, 28, 23, 59, 59)
    assert cal.due_at(vn(2026, 11, 30, 9), 3, "thang") == vn(2027, 2, 28, 23, 59, 59)
    assert add_months(datetime(2024, 1, 31, 8), 1) == datetime(2024, 2, 29, 23, 59, 59)


def test_it_reads_naive_as_vietnam_time_and_converts_aware_input(cal: WorkCalendar) -> None:
    naive = cal.due_at(datetime(2026, 2, 13, 10), 3, "ngay_lam_viec")
    from_utc = cal.due_at(datetime(2026, 2, 13, 3, tzinfo=UTC), 3, "ngay_lam_viec")
    assert naive == from_utc == vn(2026, 2, 25, 10)
    assert naive.utcoffset() == timedelta(hours=7)


def test_it_honours_exceptions_given_to_the_constructor() -> None:
    cal = WorkCalendar(
        days_off={date(2026, 3, 10)}, working_saturdays={date(2026, 3, 14)}, years=range(2026, 2027)
    )
    assert not cal.is_working_day(date(2026, 3, 10))
    assert cal.is_working_day(date(2026, 3, 14))
    assert cal.due_at(vn(2026, 3, 9, 9), 1, "ngay_lam_viec") == vn(2026, 3, 11, 9)


def test_it_refuses_bad_input(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        cal.due_at(vn(2026, 3, 9), 1, "tuan")
    with pytest.raises(ValueError, match="whole number"):
        cal.due_at(vn(2026, 3, 9), 1.5, "thang")
    with pytest.raises(ValueError, match="zero or positive"):
        cal.due_at(vn(2026, 3, 9), -1, "ngay")
    with pytest.raises(OutOfCalendarRange):
        cal.due_at(vn(2040, 3, 9), 1, "ngay_lam_viec")
    with pytest.raises(OutOfCalendarRange):
        cal.due_at(vn(2035, 12, 28), 10, "ngay_lam_viec")


def test_it_computes_the_examples_in_bulk(cal: WorkCalendar) -> None:
    starts = np.array(
        ["2026-02-13T10:00", "2026-03-13T15:30", "2026-01-31T10:00", "2026-08-21T10:00"], "M8[s]"
    )
    due = cal.due_at_many(
        starts, [3, 4, 1, 1], ["ngay_lam_viec", "gio", "thang", "ngay_lam_viec"], [-1, 900, -1, -1]
    )
    expected = ["2026-02-25T10:00", "2026-03-16T11:30", "2026-02-28T23:59:59", "2026-08-22T10:00"]
    assert due.tolist() == np.array(expected, "M8[s]").tolist()


def test_it_refuses_bad_input_in_bulk(cal: WorkCalendar) -> None:
    start = np.array(["2026-03-09T09:00"], "M8[s]")
    with pytest.raises(ValueError, match="unknown unit"):
        cal.due_at_many(start, [1], ["tuan"], [-1])
    with pytest.raises(OutOfCalendarRange):
        cal.due_at_many(np.array(["2045-03-09T09:00"], "M8[s]"), [1], ["ngay_lam_viec"], [-1])


def test_it_benchmarks_the_bulk_form() -> None:
    from kpixa.workdays.bench import benchmark_due_at_many

    assert 0 < benchmark_due_at_many(10_000) < 5
