"""``remind_submissions --province 52 --period 2025-Q4``: notify officers of communes with missing values.

Meant to run daily from cron (docs/reporting.md); officers already reminded today are skipped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.reporting.queries import period_or_none
from kpixa.reporting.services import remind_due_submissions
from kpixa.units.models import Province


class Command(BaseCommand):
    help = "Remind the officers of a province's communes whose values for a period are missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True, help="province code, e.g. 52")
        parser.add_argument("--period", required=True, help="2025-07, 2025-Q3, 2025-H2 or 2025")

    def handle(self, *args: Any, **options: Any) -> None:
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(f"no province with code {options['province']!r}")
        period = period_or_none(options["period"])
        if period is None:
            raise CommandError(f"invalid period code {options['period']!r}")
        sent = remind_due_submissions(province, period)
        self.stdout.write(f"{province.code} {period.code}: {sent} reminders sent")
