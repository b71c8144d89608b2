"""``manage.py resubmit_rejections [--batch ID]``: re-run quarantined records (after a fix of the
catalogue, the unit aliases or the calendar), one new batch per original batch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kpixa.dossiers.management.commands.import_dossiers import summary
from kpixa.dossiers.models import Rejection
from kpixa.dossiers.services import resubmission


class Command(BaseCommand):
    help = "Re-submit the quarantined records not yet re-submitted (optionally of one batch)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        pending = (
            Rejection.objects.filter(resubmitted=False).select_related("batch").order_by("batch_id", "row")
        )
        if opts["batch"]:
            pending = pending.filter(batch_id=opts["batch"])
        by_batch: dict[int, list[Rejection]] = {}
        for rejection in pending:
            by_batch.setdefault(rejection.batch_id, []).append(rejection)
        for batch_id, rejections in by_batch.items():
            batch = resubmission.resubmit_rejections(rejections)
            if batch is not None:
                self.stdout.write(summary(f"lô #{batch_id}", batch))
        if not by_batch:
            self.stdout.write("Không có bản ghi nào chờ gửi lại.")
