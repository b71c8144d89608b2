"""``manage.py verify_audit``: check the audit log's hash chain; exit non-zero naming each broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kpixa.accounts.audit import verify_chain
from kpixa.accounts.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit log; fail and name the first broken entries if it is not intact."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = verify_chain()
        if breaks:
            for item in breaks:
                self.stderr.write(f"audit entry #{item.entry_id}: {item.reason}")
            raise CommandError(
                f"audit log chain broken at entry #{breaks[0].entry_id} ({len(breaks)} inconsistencies)"
            )
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {count} entries verified"))
