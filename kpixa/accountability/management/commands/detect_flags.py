"""``detect_flags --province CODE --period P``: the accountability pass over a province's
dossiers of a period, with period_end_burst (docs/flags.md). Idempotent: a re-run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.accountability.services import detect_period
from kpixa.scoring.engine.periods import PeriodError


class Command(BaseCommand):
    help = "Run the accountability detectors over a province's dossiers of a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True)
        parser.add_argument("--period", required=True, help="2026-03, 2026-Q1, 2026-H1 or 2026")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = detect_period(options["province"], options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        kinds = ", ".join(f"{k}={n}" for k, n in sorted(result.kinds.items())) or "-"
        self.stdout.write(
            f"dossiers={result.dossiers} created={result.created} updated={result.updated} "
            f"deleted={result.deleted} flags: {kinds}"
        )
