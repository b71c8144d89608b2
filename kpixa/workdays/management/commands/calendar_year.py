"""Print a year's days off (on weekdays) and working weekend days, as the calendar applies them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kpixa.workdays.calendar import get_calendar
from kpixa.workdays.queries import year_overview


class Command(BaseCommand):
    help = "Liệt kê các ngày nghỉ trong tuần và các ngày làm việc cuối tuần của một năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        for day, working, label in year_overview(get_calendar(), year):
            kind = _("làm việc") if working else _("nghỉ")
            self.stdout.write(f"{day:%d/%m/%Y} {kind:10} {label}")
