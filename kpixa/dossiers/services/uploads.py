"""Web uploads: the stored file, its queued batch and the task of Django's tasks framework that
runs it (``run_upload``, through the TASKS backend; docs/settings.md, "Background jobs").

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

import functools
import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from kpixa.accounts import audit
from kpixa.dossiers import limits
from kpixa.dossiers.models import ImportBatch, JobStatus
from kpixa.dossiers.parsing import guess_format, open_source
from kpixa.dossiers.services.importing import mark_failed, new_batch, run_batch

logger = logging.getLogger(__name__)


def upload_dir() -> Path:
    """Where uploaded files wait for the worker (private, outside any web root)."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / "imports"


def enqueue_upload(
    user: Any, commune: Any, kind: str, name: str, content: bytes, source_system: str
) -> ImportBatch:
    """Store an uploaded file, queue a batch for it and, once committed, the task that runs it
    (``run_upload``, through the TASKS backend)."""
    fmt = guess_format(name)
    with transaction.atomic():
        batch = new_batch(
            kind,
            source_system,
            channel="web",
            file_name=Path(name).name[:300],
            file_format=fmt,
            province_id=user.province_id or (commune.province_id if commune else None),
            commune=commune,
            created_by=user,
        )
        target = upload_dir() / f"{batch.pk}.{fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        batch.file_path = str(target)
        batch.save(update_fields=["file_path"])
        audit.record(
            "dossiers.upload_queued",
            actor=user,
            object_type="dossiers.ImportBatch",
            object_id=batch.pk,
            province_code=_province_code(batch),
            after={"file": batch.file_name},
        )
        # robust: a backend that cannot take the task now leaves the batch queued, and the
        # worker hands it over again (enqueue_waiting); the upload itself is kept.
        transaction.on_commit(functools.partial(run_upload.enqueue, batch.pk), robust=True)
    return batch


def _province_code(batch: ImportBatch) -> str:
    return batch.province.code if batch.province_id else ""  # type: ignore[union-attr]


@task
def run_upload(batch_id: int) -> dict[str, Any]:
    """The task a worker of the TASKS backend runs for one uploaded file: claim its batch and
    import it. A batch that is not queued any more (a second task for it, or one already run)
    is left alone, so handing a batch over twice is harmless."""
    batch = claim_upload(batch_id)
    if batch is None:
        return {"batch": batch_id, "status": "skipped"}
    batch = run_job(batch)
    logger.info("import batch %s: %s %s", batch.pk, batch.status, batch.counts())
    return {"batch": batch.pk, "status": batch.status, **batch.counts()}


def claim_upload(batch_id: int) -> ImportBatch | None:
    """Mark a queued batch running and return it, or None when it is not queued (any more)."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    return ImportBatch.objects.get(pk=batch_id) if claimed else None


def enqueue_waiting(handed_over: set[int]) -> list[int]:
    """Hand every queued web batch that no waiting task will run (not in ``handed_over``) to the
    backend again; return their ids. Covers an upload whose task could not be enqueued, whose
    task failed before it claimed the batch, and one put back by ``requeue_interrupted``."""
    waiting = ImportBatch.objects.filter(status=JobStatus.QUEUED, channel="web").order_by("id")
    batch_ids = [pk for pk in waiting.values_list("pk", flat=True) if pk not in handed_over]
    for batch_id in batch_ids:
        run_upload.enqueue(batch_id)
    return batch_ids


def requeue_interrupted(older_than: timedelta = timedelta(0)) -> int:
    """Put web jobs left 'running' by a killed worker back in the queue; return how many.

    Their data was never committed (a batch is one transaction), so running them again is safe;
    the worker then hands them to the backend again (``enqueue_waiting``).
    """
    cutoff = timezone.now() - older_than
    return ImportBatch.objects.filter(status=JobStatus.RUNNING, channel="web", started_at__lte=cutoff).update(
        status=JobStatus.QUEUED
    )


def progress_file(batch_id: int) -> Path:
    """A running job's progress, written outside the import transaction so pages can read it."""
    return Path(settings.VAR_DIR) / "jobs" / f"{batch_id}.json"


def write_progress(batch: ImportBatch) -> None:
    """Publish a running batch's counts for the job page (the DB row commits only at the end)."""
    path = progress_file(batch.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"total": batch.total, **batch.counts()}))
    tmp.replace(path)


def run_job(batch: ImportBatch) -> ImportBatch:
    """Run one claimed web batch; a failure of the batch is recorded on it, not raised (a
    database error while recording it is raised: the worker's loop waits and goes on, and the
    batch, left running without a lease, is marked failed by ``jobs.fail_dead_batches``)."""
    try:
        limits.check_file(batch.file_path, batch.file_format)
        source = open_source(batch.file_path, batch.file_format)
        run_batch(batch, source, actor=batch.created_by, progress=write_progress)
    except Exception as exc:  # the job page shows the error; the worker goes on
        if batch.status != JobStatus.FAILED:
            mark_failed(batch, exc)
    finally:
        progress_file(batch.pk).unlink(missing_ok=True)
    batch.refresh_from_db()
    return batch
