"""``manage.py explain_dossier MaHoSo [--source-system NAME]``: timeline and outcome, in Vietnamese."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kpixa.dossiers.explain import explain
from kpixa.dossiers.models import Dossier


class Command(BaseCommand):
    help = "Show one dossier's timeline and how its outcome was reached."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("ma_ho_so")
        parser.add_argument("--source-system", default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        found = Dossier.objects.select_related("commune", "procedure").filter(ma_ho_so=opts["ma_ho_so"])
        if opts["source_system"]:
            found = found.filter(source_system=opts["source_system"])
        dossiers = list(found[:5])
        if not dossiers:
            raise CommandError(f"Không tìm thấy hồ sơ {opts['ma_ho_so']}.")
        if len(dossiers) > 1:
            systems = ", ".join(d.source_system for d in dossiers)
            raise CommandError(f"Có nhiều hồ sơ cùng mã ({systems}): hãy chỉ rõ --source-system.")
        for line in explain(dossiers[0]).lines():
            self.stdout.write(line)
