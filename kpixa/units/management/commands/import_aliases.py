"""Import unit aliases (an integration system's agency codes) from a CSV or XLSX file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.units.management.commands._report import report
from kpixa.units.services import import_aliases_file
from kpixa.units.tabular import UnreadableFile


class Command(BaseCommand):
    help = "Import aliases from FILE (columns alias, commune_code[, system]); valid rows are saved."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--system", default="", help="system of rows without a system column")
        parser.add_argument("--province", default=None, help="only accept communes of this province code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_aliases_file(
                options["file"], system=options["system"], province_code=options["province"]
            )
        except (OSError, UnreadableFile) as exc:
            raise CommandError(str(exc)) from exc
        report(self, result)
