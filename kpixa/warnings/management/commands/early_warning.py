"""``early_warning --province CODE --as-of YYYY-MM-DD [--framework F] --format json|csv [--output FILE]``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.scoring.exports import write_export
from kpixa.scoring.versions import ScoringError
from kpixa.units.models import Province
from kpixa.warnings.exports import FORMATS, render
from kpixa.warnings.queries import warnings_for_province


class Command(BaseCommand):
    help = (
        "Early warning: each commune's open dossiers by due time and its indicators, total and class "
        "projected to the end of the open period (best, worst, expected)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True)
        parser.add_argument("--as-of", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--framework", default=None)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", default=None, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(f"no province with code {options['province']!r}")
        try:
            projections = warnings_for_province(
                province, options["as_of"], framework=options["framework"], current=False
            )
        except ScoringError as exc:
            raise CommandError(str(exc)) from exc
        write_export(
            render(projections, options["format"]), options["format"], options["output"], self.stdout
        )
