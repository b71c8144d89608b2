"""``python manage.py flush``: Django's flush, with published snapshots and the audit log unlocked
for it only.

Emptying every table of the database is the one operation allowed to remove snapshot rows and
audit entries (docs/reporting.md, "Snapshots"; docs/security.md); it is also how test teardowns of
transactional tests reset the database. Any other DELETE of either is still refused by the database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from kpixa.evaluations.guard import snapshots_unlocked


class Command(flush.Command):
    help = flush.Command.help + " Published snapshots and the audit log are unlocked for this flush only."

    def handle(self, **options: Any) -> None:
        with snapshots_unlocked(options["database"]):
            super().handle(**options)
