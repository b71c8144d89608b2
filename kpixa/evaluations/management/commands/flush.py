"""``python manage.py flush``: Django's flush, with published snapshots unlocked for it only.

Emptying every table of the database is the one operation allowed to remove snapshot rows
(docs/reporting.md, "Snapshots"); it is also how test teardowns of transactional tests reset
the database. Any other DELETE of a snapshot is still refused by the database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from kpixa.evaluations.guard import snapshots_unlocked


class Command(flush.Command):
    help = flush.Command.help + " Published snapshots are unlocked for this flush only."

    def handle(self, **options: Any) -> None:
        with snapshots_unlocked(options["database"]):
            super().handle(**options)
