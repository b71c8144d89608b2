"""``export_evaluations --framework F --period P --province CODE --format json|csv|xlsx [--output FILE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.evaluations.legal_exports import FORMATS, render
from kpixa.evaluations.services import legal
from kpixa.scoring.exports import write_export


class Command(BaseCommand):
    help = "Export the stored evaluation of communes and leaders (see `evaluate`) as JSON, CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--province", required=True)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", default=None, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        stored = legal.stored(options["framework"], options["period"], options["province"])
        if stored is None:
            raise CommandError(
                f"No evaluation of {options['framework']} for {options['period']} in {options['province']}: "
                "run `evaluate` first"
            )
        data = render(stored.content["communes"], options["format"])
        write_export(data, options["format"], options["output"], self.stdout)
