"""Load or refresh provinces and communes from the pinned vietnam-provinces package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kpixa.units.services import load_units


class Command(BaseCommand):
    help = "Load all provinces and communes from the vietnam-provinces package (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_units()
        for label, changes in ((_("Tỉnh/thành phố"), summary.provinces), (_("Xã/phường"), summary.communes)):
            self.stdout.write(
                _(
                    "%(label)s: nạp %(loaded)s, thêm %(added)s, đổi tên %(renamed)s, "
                    "ngừng hiệu lực %(retired)s, khôi phục %(restored)s"
                )
                % {"label": label, **vars(changes)}
            )
        self.stdout.write(_("Phiên bản dữ liệu: %(v)s") % {"v": summary.data_version})
