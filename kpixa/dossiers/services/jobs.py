"""Who is running a batch, and what happens when that process dies.

A batch is one transaction: a process killed in the middle (SIGKILL, out of memory, a reboot)
leaves no row of the batch behind, since the database rolls the transaction back, but its job
row, committed "running" before the work began, would say "running" for ever. Each run
therefore takes a *lease*: a small file in ``VAR_DIR/jobs`` naming the host, the process id
and that process's start time (so a recycled process id is not mistaken for the runner). A
running batch whose lease names a process of this host that no longer exists, or that has no
lease at all after a grace period, is marked failed with a clear reason
(``fail_dead_batches``); the job page and the worker's loop both ask.

The lease is a file, not a database row, on purpose: on SQLite the import holds the only write
lock until it commits, so a heartbeat written to the database would wait for the very import
it is meant to watch. Import processes and the worker must therefore share ``VAR_DIR`` on one
host, as the uploaded files and progress files already require.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from kpixa.dossiers.models import ImportBatch, JobStatus

logger = logging.getLogger(__name__)

# A running batch without a lease file after this long is taken as dead (the lease is written
# before the batch is marked running; only a claimed web job has a short window without one).
LEASE_GRACE = timedelta(seconds=120)
DIED = gettext_noop(
    "Tiến trình nhập lô này đã dừng đột ngột (%(who)s) trước khi hoàn tất. Không bản ghi nào "
    "của lô được ghi vào cơ sở dữ liệu; hãy nhập lại tệp."
)


def lease_file(batch_id: int) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / f"{batch_id}.lease"


def _process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), '' when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22 of proc(5), counted after the name


def take_lease(batch_id: int) -> None:
    """Record this process as the runner of the batch."""
    path = lease_file(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    body = {"host": socket.gethostname(), "pid": pid, "start": _process_start(pid)}
    tmp = path.with_suffix(".lease-tmp")
    tmp.write_text(json.dumps(body))
    tmp.replace(path)


def release_lease(batch_id: int) -> None:
    lease_file(batch_id).unlink(missing_ok=True)


def _alive(pid: int, start: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user: not ours unless the start matches
        pass
    return not start or _process_start(pid) == start


def death_of(batch: ImportBatch, now: Any = None) -> str | None:
    """Why a running batch's process is known dead ('host pid N'), or None while it may live."""
    path = lease_file(batch.pk)
    try:
        lease = json.loads(path.read_text())
    except FileNotFoundError:
        now = now or timezone.now()
        if batch.started_at is not None and now - batch.started_at > LEASE_GRACE:
            return gettext("không có tiến trình nào nhận chạy lô")
        return None
    except (OSError, ValueError):
        return None  # being written right now
    if lease.get("host") != socket.gethostname():
        return None  # another host's process: cannot tell from here
    if _alive(int(lease["pid"]), str(lease.get("start", ""))):
        return None
    return gettext("tiến trình %(pid)s trên máy %(host)s không còn chạy") % {
        "pid": lease["pid"],
        "host": lease["host"],
    }


def fail_dead_batches(batches: list[ImportBatch] | None = None) -> list[int]:
    """Mark the running batches whose process died as failed; return their ids.

    Nothing else is touched: the rows of a batch live only in its transaction, which the
    database rolled back when the process died.
    """
    if batches is None:
        batches = list(ImportBatch.objects.filter(status=JobStatus.RUNNING))
    now, failed = timezone.now(), []
    for batch in batches:
        who = death_of(batch, now) if batch.status == JobStatus.RUNNING else None
        if who is None:
            continue
        changed = ImportBatch.objects.filter(pk=batch.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=now, error=gettext(DIED) % {"who": who}
        )
        if changed:
            release_lease(batch.pk)
            logger.warning("import batch %s marked failed: %s", batch.pk, who)
            failed.append(batch.pk)
    return failed


# --- the worker's loop ----------------------------------------------------------------------

MAX_BACKOFF = 60.0
MAX_ERRORS_WHEN_ONCE = 5


def work(
    step: Callable[[], bool],
    *,
    once: bool,
    interval: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Call ``step`` (True when it did a job) for ever, or until the queue is empty when ``once``.

    A database error (locked SQLite file, restarted PostgreSQL, dropped connection) is logged,
    the connection is dropped, and the loop waits (doubling up to ``MAX_BACKOFF`` seconds) and
    goes on: a worker that dies leaves every upload queued for ever.
    """
    errors, backoff = 0, interval
    while True:
        try:
            did = step()
        except DatabaseError:
            errors += 1
            logger.exception(
                "import worker: database error (%s in a row); retrying in %.0f s", errors, backoff
            )
            _drop_connection()
            if once and errors >= MAX_ERRORS_WHEN_ONCE:
                raise
            sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        errors, backoff = 0, interval
        if did:
            continue
        if once:
            return
        sleep(interval)


def _drop_connection() -> None:
    """Close the (maybe broken) connection, so that the next step opens a fresh one."""
    from django.db import connection

    if connection.in_atomic_block:  # only inside a test's transaction: keep it
        return
    try:
        connection.close()
    except DatabaseError:  # the connection is broken anyway; the next query opens a new one
        logger.debug("closing a broken connection failed", exc_info=True)
