"""Periods: parse and format ``2025-07``, ``2025-Q3``, ``2025-H2``, ``2025`` and year-to-date.

Year to date is written ``2026-YTD-10`` (1 January through the end of October) or
``2026-YTD-10-15`` (1 January through 15 October). ``2026-YTD`` alone needs an as-of date and is
normalised to the day form, so a stored code always names fixed dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from kpixa.scoring.engine.i18n import _

MONTH, QUARTER, HALF, YEAR, YTD = "month", "quarter", "half", "year", "ytd"
ROMAN = ("I", "II", "III", "IV")
_PATTERNS = (
    (MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (HALF, re.compile(r"^(\d{4})-H([12])$")),
    (YEAR, re.compile(r"^(\d{4})$")),
    (YTD, re.compile(r"^(\d{4})-YTD(?:-(\d{2})(?:-(\d{2}))?)?$")),
)


class PeriodError(ValueError):
    """A period code that cannot be parsed (message in Vietnamese)."""


@dataclass(frozen=True)
class PeriodSpan:
    """A scoring period's span: kind, first and last day (inclusive), canonical code, Vietnamese label."""

    kind: str
    start: date
    end: date
    code: str
    label_vi: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month(year: int, number: int) -> PeriodSpan:
    """Return the month period ``YYYY-MM``."""
    return PeriodSpan(
        MONTH,
        date(year, number, 1),
        _month_end(year, number),
        f"{year}-{number:02d}",
        _("Tháng {m}/{y}").format(m=number, y=year),
    )


def quarter(year: int, number: int) -> PeriodSpan:
    """Return the quarter period ``YYYY-Qn``."""
    first = 3 * number - 2
    return PeriodSpan(
        QUARTER,
        date(year, first, 1),
        _month_end(year, first + 2),
        f"{year}-Q{number}",
        _("Quý {q}/{y}").format(q=ROMAN[number - 1], y=year),
    )


def half(year: int, number: int) -> PeriodSpan:
    """Return the half-year period ``YYYY-Hn``."""
    first = 1 if number == 1 else 7
    label = _("6 tháng đầu năm {y}") if number == 1 else _("6 tháng cuối năm {y}")
    return PeriodSpan(
        HALF, date(year, first, 1), _month_end(year, first + 5), f"{year}-H{number}", label.format(y=year)
    )


def year(number: int) -> PeriodSpan:
    """Return the calendar year ``YYYY``."""
    return PeriodSpan(
        YEAR, date(number, 1, 1), date(number, 12, 31), str(number), _("Năm {y}").format(y=number)
    )


def year_to_date(end: date) -> PeriodSpan:
    """Return 1 January of ``end``'s year through ``end``; month-end dates get the short code."""
    if end == _month_end(end.year, end.month):
        code = f"{end.year}-YTD-{end.month:02d}"
    else:
        code = f"{end.year}-YTD-{end.month:02d}-{end.day:02d}"
    label = _("Lũy kế từ 01/01/{y} đến {d}").format(y=end.year, d=end.strftime("%d/%m/%Y"))
    return PeriodSpan(YTD, date(end.year, 1, 1), end, code, label)


def _ytd(match: re.Match[str], as_of: date | None) -> PeriodSpan:
    y, m, d = match.group(1), match.group(2), match.group(3)
    if m is None:
        if as_of is None:
            raise PeriodError(_("“{y}-YTD” cần ngày chốt số liệu").format(y=y))
        return year_to_date(min(as_of, date(int(y), 12, 31)))
    end = date(int(y), int(m), int(d)) if d else _month_end(int(y), int(m))
    return year_to_date(end)


def parse_period(code: str, as_of: date | None = None) -> PeriodSpan:
    """Parse a period code; ``as_of`` is only needed for the bare ``YYYY-YTD``. Raises PeriodError."""
    text = code.strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        try:
            return _build(kind, match, as_of)
        except ValueError as exc:
            if isinstance(exc, PeriodError):
                raise
            raise PeriodError(_("kỳ “{code}” có ngày tháng không hợp lệ").format(code=code)) from exc
    raise PeriodError(
        _("không hiểu kỳ “{code}” (dùng 2025-07, 2025-Q3, 2025-H2, 2025 hoặc 2025-YTD-10)").format(code=code)
    )


def _build(kind: str, match: re.Match[str], as_of: date | None) -> PeriodSpan:
    y = int(match.group(1))
    if kind == MONTH:
        return month(y, int(match.group(2)))
    if kind == QUARTER:
        return quarter(y, int(match.group(2)))
    if kind == HALF:
        return half(y, int(match.group(2)))
    if kind == YEAR:
        return year(y)
    return _ytd(match, as_of)


def previous(period: PeriodSpan) -> PeriodSpan:
    """Return the period before: the previous month/quarter/half/year; for year to date, the same
    span of the previous year (29 February maps to 28 February)."""
    start = period.start
    if period.kind == MONTH:
        before = start - timedelta(days=1)
        return month(before.year, before.month)
    if period.kind == QUARTER:
        number = (start.month - 1) // 3 + 1
        return quarter(start.year - 1, 4) if number == 1 else quarter(start.year, number - 1)
    if period.kind == HALF:
        return half(start.year - 1, 2) if start.month == 1 else half(start.year, 1)
    if period.kind == YEAR:
        return year(start.year - 1)
    end = period.end
    day = min(end.day, calendar.monthrange(end.year - 1, end.month)[1])
    return year_to_date(date(end.year - 1, end.month, day))
