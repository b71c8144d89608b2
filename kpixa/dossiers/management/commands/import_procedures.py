"""``manage.py import_procedures FILE``: load the procedure catalogue (CSV or XLSX)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kpixa.dossiers.parsing import FormatError
from kpixa.dossiers.services import procedure_catalogue


class Command(BaseCommand):
    help = "Load the procedure catalogue (columns: " + ",".join(procedure_catalogue.PROCEDURE_COLUMNS) + ")."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            counts = procedure_catalogue.import_procedures(opts["file"])
        except (FormatError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"đọc {counts['read']}, thêm mới {counts['created']}, cập nhật {counts['updated']}")
