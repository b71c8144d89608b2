"""``export_scores --framework F --period P --format json|csv|xlsx [--province CODE] [--output FILE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.scoring.exports import FORMATS, render, write_export
from kpixa.scoring.queries import scoreboard
from kpixa.scoring.versions import ScoringError


class Command(BaseCommand):
    help = "Export the stored scores of a framework for a period as JSON, CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--province", default=None)
        parser.add_argument("--output", default=None, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            board = scoreboard(options["framework"], options["period"], options["province"])
        except ScoringError as exc:
            raise CommandError(str(exc)) from exc
        data = render(board, options["format"])
        write_export(data, options["format"], options["output"], self.stdout)
