"""``manage.py run_worker [--once] [--interval S]``: run the queued import tasks (web uploads).

The uploads are tasks of Django's tasks framework (``uploads.run_upload``). With the default
TASKS backend, django-tasks-db's database queue, this command is their worker: django-tasks-db's
own worker (``db_worker``) claims and runs each task, inside kpixa's loop (``jobs.work``), which
outlives database errors (``db_worker`` stops on any but "database is locked") and, between
tasks, marks batches whose process died failed (``jobs.fail_dead_batches``) and hands queued
batches without a waiting task to the queue again (``uploads.enqueue_waiting``). With another
backend (e.g. Celery) that backend's own workers run the tasks and this command refuses to run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError
from django.tasks import TaskResultStatus, task_backends
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from kpixa.dossiers.services import jobs, uploads


class ImportWorker(Worker):
    """django-tasks-db's worker, one task at a time, for kpixa's loop."""

    def run_next(self) -> bool:
        """Claim and run the oldest ready task; False when none is ready (or SQLite is locked).

        Unlike ``Worker.run`` it does not close the connection between tasks: ``jobs.work``
        drops a broken one (and keeps a test's transaction).
        """
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return False
                raise
            if task_result is None:
                return False
            task_result.claim(self.worker_id)
        self.run_task(task_result)
        return True


def handed_over() -> set[int]:
    """Batches a ready upload task is waiting for (they are not handed over again)."""
    rows = DBTaskResult.objects.filter(
        task_path=uploads.run_upload.module_path, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True)
    return {int(row["args"][0]) for row in rows if row.get("args")}


class Command(BaseCommand):
    help = "Run queued import tasks (web uploads) of the database task backend, one at a time."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued now, then stop")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        backend = task_backends[uploads.run_upload.backend]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                f"The TASKS backend is {type(backend).__name__}: its own workers run the import tasks."
            )
        worker = ImportWorker(
            queue_names=[uploads.run_upload.queue_name],
            interval=opts["interval"],
            batch=opts["once"],
            backend_name=backend.alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not opts["once"]:
            worker.configure_signals()  # Ctrl+C or SIGTERM: finish the running import, then stop
        started = False

        def step() -> bool:
            nonlocal started
            if not worker.running:
                raise SystemExit(0)
            if not started:  # retried by jobs.work after a database error, like every step
                requeued = uploads.requeue_interrupted()
                if requeued:
                    self.stdout.write(f"Đưa lại {requeued} lô bị gián đoạn vào hàng đợi.")
                started = True
            for batch_id in jobs.fail_dead_batches():
                self.stdout.write(f"Lô #{batch_id}: tiến trình nhập đã dừng đột ngột, đánh dấu thất bại.")
            uploads.enqueue_waiting(handed_over())
            return worker.run_next()

        jobs.work(step, once=opts["once"], interval=opts["interval"])
