"""``manage.py run_worker [--once] [--interval S]``: run queued import jobs (web uploads)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kpixa.dossiers import jobs, services


class Command(BaseCommand):
    help = "Process queued import batches from the database, one at a time (single worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued now, then stop")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        started = False

        def step() -> bool:
            nonlocal started
            if not started:  # retried by jobs.work after a database error, like every step
                requeued = services.requeue_interrupted()
                if requeued:
                    self.stdout.write(f"Đưa lại {requeued} lô bị gián đoạn vào hàng đợi.")
                started = True
            for batch_id in jobs.fail_dead_batches():
                self.stdout.write(f"Lô #{batch_id}: tiến trình nhập đã dừng đột ngột, đánh dấu thất bại.")
            batch = services.next_job()
            if batch is None:
                return False
            batch = services.run_job(batch)
            self.stdout.write(f"Lô #{batch.pk}: {batch.get_status_display()} {batch.counts()}")
            return True

        jobs.work(step, once=opts["once"], interval=opts["interval"])
