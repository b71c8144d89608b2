"""``manage.py rebuild_rollups [--province CODE]``: recompute the rollups from the raw rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kpixa.dossiers.services import rollup_rebuild
from kpixa.units.models import Province


class Command(BaseCommand):
    help = "Recompute the per-(commune, day, measure) rollups with set-based SQL."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--province", default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            rows = rollup_rebuild.rebuild_rollups(opts["province"])
        except Province.DoesNotExist as exc:
            raise CommandError(f"Không có tỉnh mã {opts['province']}.") from exc
        self.stdout.write(f"Đã tính lại {rows} dòng số liệu tổng hợp.")
