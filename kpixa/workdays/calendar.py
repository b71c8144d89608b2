"""The working-day calendar of Vietnamese state offices and due-date arithmetic (docs/workdays.md).

Pure Python + numpy + ``holidays``, no Django: ``get_calendar`` reads the administrators'
exceptions through the source the workdays app connects when Django starts
(``kpixa.workdays.models.load_exceptions``, see ``WorkdaysConfig.ready``).

The model: working time is a monotone "working clock" ``W(t)`` = working seconds elapsed
from the calendar's first day to the instant ``t`` (it stands still outside working hours).
Every operation is arithmetic on that clock:

* working time between ``a`` and ``b`` is ``W(b) - W(a)``;
* adding ``x`` working seconds to ``t`` gives the *earliest* instant whose clock reads
  ``W(t) + x`` (so a total that ends exactly at a period's end lands on that end, e.g.
  17:00, not on the next morning's 07:30);
* a working day is ``WORKING_DAY_SECONDS`` of working time, so N working days from a
  receipt at 10:00 fall at 10:00 N working days later.

The calendar works at one-second resolution (microseconds are dropped) and covers the
years it was built for (2015–2035 by default); instants outside raise ``ValueError``.
"""

from __future__ import annotations

import threading
import time as _time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import numpy.typing as npt

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Units of statutory time limits (đơn vị tính of thời hạn giải quyết).
UNIT_HOURS = "gio"  # working hours
UNIT_DAYS = "ngay"  # calendar days
UNIT_WORKING_DAYS = "ngay_lam_viec"  # working days
UNIT_MONTHS = "thang"  # calendar months
UNITS = (UNIT_HOURS, UNIT_DAYS, UNIT_WORKING_DAYS, UNIT_MONTHS)

# Office hours of state agencies: 8 working hours a day, 40 a week (Decision 188/1999/QĐ-TTg,
# Labour Code 2019 art. 105). The clock hours vary by province and season; these are the
# default, and a setting may later pass other periods to WorkCalendar(periods=...).
WORKING_PERIODS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))

DEFAULT_YEARS = range(2015, 2036)

# Government day swaps (hoán đổi ngày làm việc) known when this was written. `holidays`
# carries them too (its `weekend_workdays` and "Ngày nghỉ (thay cho ...)" days); this table
# keeps them if a package release ever drops one. Anything else goes in as a DB exception.
KNOWN_WORKING_SATURDAYS: dict[date, str] = {
    date(2026, 8, 22): "Làm bù cho ngày nghỉ 31/08/2026 (dịp Quốc khánh)",
}
KNOWN_SWAPPED_DAYS_OFF: dict[date, str] = {
    date(2026, 8, 31): "Nghỉ thay cho ngày làm việc thứ Bảy 22/08/2026",
}

DAY = 86_400
_EPOCH = datetime(1970, 1, 1)
_ORDINAL_1970 = date(1970, 1, 1).toordinal()

IntArray = npt.NDArray[np.int64]


class OutOfCalendarRange(ValueError):
    """An instant or a due date falls outside the years the calendar covers."""


@lru_cache(maxsize=8)
def official_days(years: tuple[int, ...]) -> tuple[frozenset[date], frozenset[date]]:
    """Return (public days off, working weekend days) for the years, from ``holidays`` and the table.

    Cached: the package's lunar computations take a while and never change at run time.
    """
    vn = holidays.country_holidays("VN", years=years)
    off = set(vn.keys()) | set(KNOWN_SWAPPED_DAYS_OFF)
    working = set(getattr(vn, "weekend_workdays", ())) | set(KNOWN_WORKING_SATURDAYS)
    in_years = set(years)
    return (
        frozenset(d for d in off if d.year in in_years),
        frozenset(d for d in working if d.year in in_years),
    )


def to_local_seconds(dt: datetime) -> int:
    """Return the instant as whole seconds since 1970-01-01 on the Vietnam wall clock."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(VN_TZ).replace(tzinfo=None)
    delta = dt - _EPOCH
    return delta.days * DAY + delta.seconds


def from_local_seconds(secs: int) -> datetime:
    """Return the aware (Asia/Ho_Chi_Minh) datetime of Vietnam wall-clock seconds since 1970."""
    return (_EPOCH + timedelta(seconds=int(secs))).replace(tzinfo=VN_TZ)


def add_months(dt: datetime, months: int) -> datetime:
    """Return ``dt`` plus whole calendar months.

    When the target month has no such day (31/01 + 1 month), the result is the end
    (23:59:59) of that month's last day (Civil Code 2015 art. 147), which also keeps the
    result monotone in ``dt``.
    """
    index = dt.month - 1 + months
    year, month = dt.year + index // 12, index % 12 + 1
    length = _month_length(year, month)
    if dt.day > length:
        return dt.replace(year=year, month=month, day=length, hour=23, minute=59, second=59, microsecond=0)
    return dt.replace(year=year, month=month)


def _month_length(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _whole_months(limit: float) -> int:
    if limit != int(limit):
        raise ValueError(f"a limit in months must be a whole number, got {limit}")
    return int(limit)


def _check_limit(limit: float, unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if not limit >= 0:
        raise ValueError(f"a time limit must be zero or positive, got {limit}")


def _seconds_of(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


class WorkCalendar:
    """Working days and working hours of Vietnamese state offices, with due-date arithmetic.

    ``days_off`` and ``working_saturdays`` are the administrators' exceptions; they win
    over the public holidays and the package's swapped working days.
    """

    def __init__(
        self,
        days_off: set[date] | None = None,
        working_saturdays: set[date] | None = None,
        years: range | None = None,
        *,
        periods: Sequence[tuple[time, time]] = WORKING_PERIODS,
    ) -> None:
        self.years = years if years is not None else DEFAULT_YEARS
        if len(self.years) == 0 or self.years.step != 1:
            raise ValueError("years must be a non-empty range of consecutive years")
        self._set_periods(periods)
        self.first_day = date(self.years.start, 1, 1)
        self.last_day = date(self.years.stop - 1, 12, 31)
        self._day0 = self.first_day.toordinal() - _ORDINAL_1970
        self._build_days(set(days_off or ()), set(working_saturdays or ()))

    def _set_periods(self, periods: Sequence[tuple[time, time]]) -> None:
        starts = [_seconds_of(a) for a, _ in periods]
        ends = [_seconds_of(b) for _, b in periods]
        if not starts or any(a >= b for a, b in zip(starts, ends, strict=True)):
            raise ValueError("working periods must be non-empty (start, end) pairs with start < end")
        if any(ends[i] > starts[i + 1] for i in range(len(starts) - 1)):
            raise ValueError("working periods must be in order and must not overlap")
        self._pstart = np.array(starts, dtype=np.int64)
        self._pend = np.array(ends, dtype=np.int64)
        lengths = self._pend - self._pstart
        self._pcum_end = np.cumsum(lengths)
        self._pcum_start = self._pcum_end - lengths
        self.day_seconds = int(self._pcum_end[-1])
        # Plain-list mirrors for the scalar path (numpy scalar indexing is ~10x slower).
        self._starts_l, self._ends_l = starts, ends
        self._pcum_end_l, self._pcum_start_l = self._pcum_end.tolist(), self._pcum_start.tolist()
        # The working seconds of a working day elapsed by second ``s`` in O(log periods): with
        # ``p = bisect_right(bounds, s)`` (bounds = start0, end0, start1, end1, ...), ``s`` is inside
        # period p // 2 when p is odd (elapsed = offset[p] + s), else between periods (offset[p]).
        self._bounds_l = [x for pair in zip(starts, ends, strict=True) for x in pair]
        offsets = [0]
        for k in range(len(starts)):
            offsets += [self._pcum_start_l[k] - starts[k], self._pcum_end_l[k]]
        self._offset_l = offsets

    def _build_days(self, days_off: set[date], working: set[date]) -> None:
        official_off, official_working = official_days(tuple(self.years))
        n_days = (self.last_day - self.first_day).days + 1
        flags = np.zeros(n_days, dtype=bool)
        for i in range(n_days):
            d = self.first_day + timedelta(days=i)
            flags[i] = (d.weekday() < 5 or d in official_working) and d not in official_off
        for d, value in [(d, False) for d in days_off] + [(d, True) for d in working]:
            if self.first_day <= d <= self.last_day:
                flags[(d - self.first_day).days] = value
        self._working = flags
        self._cum = np.concatenate(([0], np.cumsum(flags))).astype(np.int64)
        self._wd = np.flatnonzero(flags).astype(np.int64)
        self._working_l, self._cum_l, self._wd_l = flags.tolist(), self._cum.tolist(), self._wd.tolist()
        # W at the start of each day (working seconds of the days before it), by day index.
        self._base_l = (self._cum[:-1] * self.day_seconds).tolist()
        self._ordinal0 = self.first_day.toordinal()

    # ---- scalar primitives (Python ints) -------------------------------------------------

    def _index(self, day_number: int) -> int:
        """Return the calendar's index of a day counted from 1970-01-01, or raise when outside."""
        i = day_number - self._day0
        if not 0 <= i < len(self._working):
            raise OutOfCalendarRange(
                f"{date.fromordinal(day_number + _ORDINAL_1970)} is outside the calendar "
                f"({self.first_day} – {self.last_day})"
            )
        return i

    def _intra(self, s: int) -> int:
        """Working seconds of a working day elapsed by second ``s`` of the day."""
        p = bisect_right(self._bounds_l, s)
        return self._offset_l[p] + s if p & 1 else self._offset_l[p]

    def _clock(self, t: int) -> int:
        """W(t): working seconds from the calendar's first day to local instant ``t``."""
        i = self._index(t // DAY)
        base = self._cum_l[i] * self.day_seconds
        return base + (self._intra(t % DAY) if self._working_l[i] else 0)

    def _unclock(self, v: int) -> int:
        """The earliest local instant whose working clock reads ``v`` (> 0)."""
        q, r = divmod(v - 1, self.day_seconds)
        r += 1
        if v <= 0 or q >= len(self._wd):
            raise OutOfCalendarRange(
                f"the result falls outside the calendar ({self.first_day} – {self.last_day})"
            )
        p = bisect_left(self._pcum_end_l, r)
        second = self._starts_l[p] + r - self._pcum_start_l[p]
        return (self._day0 + self._wd_l[q]) * DAY + second

    def _add_seconds(self, t: int, work_seconds: int) -> int:
        return t if work_seconds == 0 else self._unclock(self._clock(t) + work_seconds)

    def _next_start(self, t: int, cutoff: int) -> int:
        """Scalar next_working_start on local seconds; ``cutoff`` < 0 means none."""
        i, s = self._index(t // DAY), t % DAY
        if self._working_l[i] and (cutoff < 0 or s <= cutoff) and s < self._ends_l[-1]:
            p = bisect_right(self._ends_l, s)
            return t - s + max(s, self._starts_l[p])
        k = self._cum_l[i + 1]
        if k >= len(self._wd):
            raise OutOfCalendarRange(f"no working day after {from_local_seconds(t)} in the calendar")
        return (self._day0 + self._wd_l[k]) * DAY + self._starts_l[0]

    # ---- public scalar API ----------------------------------------------------------------

    def working_clock(self, instant: datetime) -> int:
        """Return W(``instant``): the working seconds from the calendar's first day to it (whole
        seconds; a naive instant is Vietnam wall-clock time). The working time from ``a`` to
        ``b`` is ``max(working_clock(b) - working_clock(a), 0)``, in O(1) per instant: a day's
        working seconds before it are precomputed, and the periods are bisected."""
        if instant.tzinfo is not None:
            instant = instant.astimezone(VN_TZ).replace(tzinfo=None)
        i = instant.toordinal() - self._ordinal0
        if not 0 <= i < len(self._base_l):
            self._index(i + self._day0)  # raises OutOfCalendarRange with the day
        if not self._working_l[i]:
            return self._base_l[i]
        s = instant.hour * 3600 + instant.minute * 60 + instant.second
        p = bisect_right(self._bounds_l, s)
        return self._base_l[i] + (self._offset_l[p] + s if p & 1 else self._offset_l[p])

    def is_working_day(self, d: date) -> bool:
        """Return whether ``d`` is a working day (raises OutOfCalendarRange outside the years)."""
        return self._working_l[self._index(d.toordinal() - _ORDINAL_1970)]

    def add_working_days(self, start: datetime, n: float) -> datetime:
        """Return the earliest instant ``n`` working days after ``start`` (``start`` itself for 0)."""
        t = to_local_seconds(start)
        return from_local_seconds(self._add_seconds(t, round(n * self.day_seconds)))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return the earliest instant ``hours`` working hours after ``start`` (``start`` itself for 0)."""
        t = to_local_seconds(start)
        return from_local_seconds(self._add_seconds(t, round(hours * 3600)))

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Return the working time elapsed from ``a`` to ``b`` (zero when ``b`` <= ``a``)."""
        ta, tb = to_local_seconds(a), to_local_seconds(b)
        if tb <= ta:
            return timedelta(0)
        return timedelta(seconds=self._clock(tb) - self._clock(ta))

    def working_days_between(self, a: datetime, b: datetime) -> float:
        """Return the working time from ``a`` to ``b`` in working days (fractional)."""
        return self.working_time_between(a, b).total_seconds() / self.day_seconds

    def next_working_start(self, instant: datetime, cutoff: time | None = None) -> datetime:
        """Return when the clock starts for something received at ``instant``.

        The instant itself when it is inside working hours (and not after ``cutoff``); else
        the start of the next working period; after ``cutoff`` on a working day, the start
        of the next working day.
        """
        cut = -1 if cutoff is None else _seconds_of(cutoff)
        return from_local_seconds(self._next_start(to_local_seconds(instant), cut))

    def due_at(self, start: datetime, limit: float, unit: str, cutoff: time | None = None) -> datetime:
        """Return the due time of a limit counted from ``start`` (docs/workdays.md, "Due dates").

        Working units ("gio", "ngay_lam_viec") count from ``next_working_start(start, cutoff)``;
        calendar units ("ngay", "thang") count from ``start`` itself, or from that next working
        start when a cut-off is given.
        """
        _check_limit(limit, unit)
        t = to_local_seconds(start)
        self._index(t // DAY)
        if cutoff is not None or unit in (UNIT_HOURS, UNIT_WORKING_DAYS):
            t = self._next_start(t, -1 if cutoff is None else _seconds_of(cutoff))
        if unit == UNIT_DAYS:
            return from_local_seconds(t + round(limit * DAY))
        if unit == UNIT_MONTHS:
            return add_months(from_local_seconds(t), _whole_months(limit))
        scale = self.day_seconds if unit == UNIT_WORKING_DAYS else 3600
        return from_local_seconds(self._add_seconds(t, round(limit * scale)))

    # ---- vectorised API ---------------------------------------------------------------------

    def _index_arr(self, t: IntArray) -> IntArray:
        i = np.floor_divide(t, DAY) - self._day0
        if i.size and (i.min() < 0 or i.max() >= len(self._working)):
            raise OutOfCalendarRange(
                f"some instants are outside the calendar ({self.first_day} – {self.last_day})"
            )
        return i

    def _intra_arr(self, s: IntArray) -> IntArray:
        total = np.zeros_like(s)
        for a, b in zip(self._pstart.tolist(), self._pend.tolist(), strict=True):
            total += np.clip(s - a, 0, b - a)
        return total

    def _clock_arr(self, t: IntArray) -> IntArray:
        i = self._index_arr(t)
        intra = np.where(self._working[i], self._intra_arr(t % DAY), 0)
        return self._cum[i] * self.day_seconds + intra

    def _unclock_arr(self, v: IntArray) -> IntArray:
        q, r = np.divmod(v - 1, self.day_seconds)
        r = r + 1
        if v.size and (v.min() <= 0 or q.max() >= len(self._wd)):
            raise OutOfCalendarRange(
                f"some due dates fall outside the calendar ({self.first_day} – {self.last_day})"
            )
        p = np.searchsorted(self._pcum_end, r, side="left")
        second = self._pstart[p] + r - self._pcum_start[p]
        return (self._day0 + self._wd[q]) * DAY + second

    def _next_start_arr(self, t: IntArray, cutoff: IntArray) -> IntArray:
        i, s = self._index_arr(t), t % DAY
        same_day = self._working[i] & ((cutoff < 0) | (s <= cutoff)) & (s < self._pend[-1])
        p = np.minimum(np.searchsorted(self._pend, s, side="right"), len(self._pend) - 1)
        today = t - s + np.maximum(s, self._pstart[p])
        k = self._cum[i + 1]
        if k.size and k[~same_day].max(initial=0) >= len(self._wd):
            raise OutOfCalendarRange("some instants have no following working day in the calendar")
        later = (self._day0 + self._wd[np.minimum(k, len(self._wd) - 1)]) * DAY + self._pstart[0]
        return np.where(same_day, today, later)

    def _add_months_arr(self, t: IntArray, months: IntArray) -> IntArray:
        dt = t.astype("datetime64[s]")
        day = dt.astype("datetime64[D]")
        month = dt.astype("datetime64[M]")
        day_in_month = (day - month.astype("datetime64[D]")).astype(np.int64)
        target = month + months.astype("timedelta64[M]")
        length = (
            (target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")
        ).astype(np.int64)
        clamped = day_in_month >= length
        new_day = target.astype("datetime64[D]") + np.minimum(day_in_month, length - 1)
        seconds = np.where(clamped, DAY - 1, t - day.astype("datetime64[s]").astype(np.int64))
        return new_day.astype("datetime64[s]").astype(np.int64) + seconds

    def due_at_many(
        self,
        starts: npt.ArrayLike,
        limits: npt.ArrayLike,
        units: npt.ArrayLike,
        cutoff_minutes: npt.ArrayLike,
    ) -> npt.NDArray[np.datetime64]:
        """Vectorised ``due_at``: naive Vietnam-time datetime64[s] starts in, due times out.

        ``units`` holds unit codes, ``cutoff_minutes`` the cut-off as minutes after midnight
        (-1 = none). Elementwise equal to ``due_at``; raises ValueError on any bad element.
        """
        t = np.asarray(starts).astype("datetime64[s]").astype(np.int64)
        lim = np.asarray(limits, dtype=np.float64)
        u = np.asarray(units)
        cut = np.asarray(cutoff_minutes, dtype=np.int64)
        masks = _unit_masks(u, lim)
        working = masks[UNIT_HOURS] | masks[UNIT_WORKING_DAYS]
        s = np.where(working | (cut >= 0), self._next_start_arr(t, np.where(cut >= 0, cut * 60, -1)), t)
        out = s.copy()
        self._fill_working(out, s, lim, masks)
        days = masks[UNIT_DAYS]
        out[days] = s[days] + np.rint(lim[days] * DAY).astype(np.int64)
        months = masks[UNIT_MONTHS]
        out[months] = self._add_months_arr(s[months], lim[months].astype(np.int64))
        return out.astype("datetime64[s]")

    def _fill_working(
        self, out: IntArray, s: IntArray, lim: npt.NDArray[np.float64], masks: dict[str, Any]
    ) -> None:
        working = masks[UNIT_HOURS] | masks[UNIT_WORKING_DAYS]
        scale = np.where(masks[UNIT_WORKING_DAYS][working], self.day_seconds, 3600)
        secs = np.rint(lim[working] * scale).astype(np.int64)
        sw = s[working]
        moved = secs != 0
        due = sw.copy()
        due[moved] = self._unclock_arr(self._clock_arr(sw[moved]) + secs[moved])
        out[working] = due


def _unit_masks(u: npt.NDArray[Any], lim: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.bool_]]:
    """Boolean masks per unit code; raises ValueError on unknown units or bad limits."""
    masks = {code: u == code for code in UNITS}
    known = np.logical_or.reduce(list(masks.values()))
    if not known.all():
        raise ValueError(f"unknown unit {u[~known][0]!r}; expected one of {', '.join(UNITS)}")
    if not (lim >= 0).all():
        raise ValueError("a time limit must be zero or positive")
    months = lim[masks[UNIT_MONTHS]]
    if (months != np.floor(months)).any():
        raise ValueError("a limit in months must be a whole number")
    return masks


# ---- the process-wide calendar -----------------------------------------------------------

# Other processes (web workers, ingest workers) do not see this process's signals: the
# cached calendar is also rebuilt after CACHE_SECONDS so they pick up an edit within minutes.
CACHE_SECONDS = 300
_lock = threading.Lock()
_cached: tuple[WorkCalendar, float] | None = None


ExceptionsSource = Callable[[], tuple[set[date], set[date]]]


def _not_connected() -> tuple[set[date], set[date]]:
    raise RuntimeError("the calendar's exceptions are read once Django is set up (WorkdaysConfig.ready)")


_exceptions_source: ExceptionsSource = _not_connected


def read_exceptions_from(source: ExceptionsSource) -> None:
    """Take the (days off, working days) entered by administrators from ``source`` from now on."""
    global _exceptions_source
    _exceptions_source = source
    invalidate_calendar()


def build_calendar() -> WorkCalendar:
    """Return a new calendar of the default years with the database exceptions applied."""
    days_off, working = _exceptions_source()
    return WorkCalendar(days_off=days_off, working_saturdays=working)


def get_calendar() -> WorkCalendar:
    """Return the process-wide calendar (holidays + DB exceptions), rebuilt when stale."""
    global _cached
    with _lock:
        if _cached is None or _time.monotonic() - _cached[1] > CACHE_SECONDS:
            _cached = (build_calendar(), _time.monotonic())
        return _cached[0]


def invalidate_calendar() -> None:
    """Forget the cached calendar; the next ``get_calendar`` rebuilds it from the database."""
    global _cached
    with _lock:
        _cached = None
