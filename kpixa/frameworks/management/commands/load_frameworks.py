"""Install the framework files shipped with kpixa (idempotent): ``python manage.py load_frameworks``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.scoring.engine.loader import FrameworkError


class Command(BaseCommand):
    help = "Install and activate the shipped framework files; files already installed are left as they are."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in shipped_files():
            try:
                fv, created = install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)
            except FrameworkError as exc:
                raise CommandError(str(exc)) from exc
            state = "installed" if created else "unchanged"
            self.stdout.write(f"{path.name}: {fv.code} {fv.version} {state} ({fv.status})")
