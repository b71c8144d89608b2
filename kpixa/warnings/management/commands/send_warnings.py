"""``send_warnings [--province CODE ...] [--as-of YYYY-MM-DD]``: the daily early-warning digest (cron)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kpixa.warnings.services import send_warnings


class Command(BaseCommand):
    help = (
        "Send each province and commune user today's early-warning digest (in the app and by e-mail), "
        "at most once a day per person: safe to run again or twice at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", action="append", default=None, help="province code (repeatable)")
        parser.add_argument(
            "--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_warnings(options["as_of"], province_codes=options["province"])
        self.stdout.write(
            f"sent {result.sent}, already sent today {result.already}, nothing to send {result.nothing} "
            f"({', '.join(result.provinces) or 'no province'})"
        )
