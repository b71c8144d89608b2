"""``manage.py run_worker [--once] [--interval S]``: run queued import jobs (web uploads)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from kpixa.dossiers import services


class Command(BaseCommand):
    help = "Process queued import batches from the database, one at a time (single worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued now, then stop")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        requeued = services.requeue_interrupted()
        if requeued:
            self.stdout.write(f"Đưa lại {requeued} lô bị gián đoạn vào hàng đợi.")
        while True:
            batch = services.next_job()
            if batch is not None:
                batch = services.run_job(batch)
                self.stdout.write(f"Lô #{batch.pk}: {batch.get_status_display()} {batch.counts()}")
                continue
            if opts["once"]:
                return
            time.sleep(opts["interval"])
