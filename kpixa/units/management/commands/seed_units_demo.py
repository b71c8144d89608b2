"""Seed the demo peer groups, leaders and aliases of one province (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kpixa.units.demo import seed_units_demo


class Command(BaseCommand):
    help = "Give a province's communes demo peer groups, leaders and aliases (default: Gia Lai, 52)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default="52")
        parser.add_argument("--seed", type=int, default=52)

    def handle(self, *args: Any, **options: Any) -> None:
        seed_units_demo(options["province"], options["seed"])
        self.stdout.write(_("Đã tạo dữ liệu mẫu cho tỉnh %(code)s.") % {"code": options["province"]})
