"""Import evaluation inputs (tasks, discipline, degradation, ...) from a CSV or XLSX file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.evaluations.services.inputs import InvalidInput, import_inputs_file
from kpixa.units.management.commands._report import report
from kpixa.units.tabular import UnreadableFile


class Command(BaseCommand):
    help = (
        "Import evaluation inputs from FILE (unit_code, post, person, kind, value, date, note[, evidence, "
        "evidence_file]) for one province and period; evidence_file names a member of --evidence-zip or "
        "id:<n>, the file already uploaded with input n (docs/rules.md, 'Evaluation of communes and "
        "leaders')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--province", required=True, help="province code")
        parser.add_argument("--period", required=True, help="period code of the province")
        parser.add_argument(
            "--evidence-zip", default=None, help="ZIP holding the files named in evidence_file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_inputs_file(
                options["file"],
                province_code=options["province"],
                period_code=options["period"],
                evidence_zip=options["evidence_zip"],
            )
        except (OSError, UnreadableFile, InvalidInput) as exc:
            raise CommandError(str(exc)) from exc
        report(self, result)
