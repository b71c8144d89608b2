"""``export_flags --province CODE --period P [--kind K] --format json|csv [--output FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.accountability.models import FlagKind
from kpixa.accountability.queries import FORMATS, export_rows, flags, render
from kpixa.scoring.engine.periods import PeriodError, parse_period


class Command(BaseCommand):
    help = "Export a province's accountability flags of a period as JSON or CSV (docs/flags.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True)
        parser.add_argument("--period", required=True, help="2026-03, 2026-Q1, 2026-H1 or 2026")
        parser.add_argument("--kind", choices=FlagKind.values, default=None)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", default=None, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            span = parse_period(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        qs = flags(province_code=options["province"], start=span.start, end=span.end, kind=options["kind"])
        data = render(export_rows(qs), options["format"])
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            self.stdout.write(
                data.decode("utf-8").lstrip("\ufeff"), ending="" if data.endswith(b"\n") else "\n"
            )
