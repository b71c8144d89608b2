"""Read intents of the calendar: what a year's exceptions to Monday–Friday are, and why."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from django.utils.translation import gettext as _

from kpixa.workdays.calendar import KNOWN_WORKING_SATURDAYS, WorkCalendar
from kpixa.workdays.models import CalendarException


def year_overview(calendar: WorkCalendar, year: int) -> list[tuple[date, bool, str]]:
    """Return (day, is working, reason) for every day of ``year`` that breaks the Mon–Fri rule.

    A reason comes from an administrator's exception first, else from the holiday package.
    """
    names = holidays.country_holidays("VN", years=year)
    reasons = dict(CalendarException.objects.filter(year=year).values_list("day", "reason"))
    rows = []
    day = date(year, 1, 1)
    while day.year == year:
        working = calendar.is_working_day(day)
        if working != (day.weekday() < 5):
            rows.append((day, working, reasons.get(day) or names.get(day) or _default_reason(day, working)))
        day += timedelta(days=1)
    return rows


def _default_reason(day: date, working: bool) -> str:
    if not working:
        return ""
    return KNOWN_WORKING_SATURDAYS.get(day) or _("Làm bù (hoán đổi ngày làm việc)")
