"""State changes of the dossiers app: import batches (files, uploads, API), the upload task,
re-submitting quarantined records, the procedure catalogue and rollup rebuilds.

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.dossiers import authority, copyload, fastpath, ingest, jobs, limits, rollups
from kpixa.dossiers.models import ImportBatch, JobStatus, Procedure, Rejection, flag_params
from kpixa.dossiers.parsing import FormatError, Source, guess_format, open_source, source_from_document
from kpixa.dossiers.signals import appeal_scope, batch_committed

logger = logging.getLogger(__name__)
Progress = Callable[[ImportBatch], None]
DEFAULT_SYSTEM = "file"


def new_batch(kind: str, source_system: str, **fields: Any) -> ImportBatch:
    """Create (and commit) the job row of a batch."""
    return ImportBatch.objects.create(kind=kind, source_system=source_system, **fields)


def _context(batch: ImportBatch, allowed: set[int] | None, with_results: bool) -> ingest.Context:
    from kpixa.units.queries import alias_map

    return ingest.Context(
        batch=batch,
        units=alias_map(batch.source_system),
        allowed=allowed,
        procedures=ingest.load_procedures(),
        now=ingest.now_local(),
        results=[] if with_results else None,
        authority=authority.for_batch(batch),
    )


def allowed_communes(batch: ImportBatch) -> set[int] | None:
    """Communes a batch may write: its commune, else its province's communes, else any."""
    from kpixa.units.models import Commune

    if batch.commune_id is not None:
        return {batch.commune_id}
    if batch.province_id is not None:
        return set(Commune.objects.filter(province_id=batch.province_id).values_list("id", flat=True))
    return None


def run_batch(
    batch: ImportBatch,
    source: Source,
    *,
    actor: Any = None,
    progress: Progress | None = None,
    with_results: bool = False,
    actor_label: str = "",
) -> ingest.Context:
    """Import every record of ``source`` into ``batch`` in ONE transaction; return the context.

    On any error nothing of the batch is kept and the batch is marked failed (then re-raised).
    """
    jobs.take_lease(batch.pk)  # before "running" is committed: a dead runner is then detectable
    _mark_running(batch, source.total)
    try:
        with transaction.atomic():
            copyload.lock_source(batch.source_system, _lock_wait(batch))  # exactly once (copyload.py)
            allowed = allowed_communes(batch)
            ctx = _context(batch, allowed, with_results)
            fast = fastpath.applicable(batch.kind, source.extra, with_results)
            fast = fast and ctx.authority is not None and ctx.authority.fast_path_ok  # authority.py
            if fast and not _fast(ctx, source, progress):
                ctx = _context(batch, allowed, with_results)  # start again, per record
                fast = False
            if not fast:
                for chunk in ingest.chunked(source.records):
                    ingest.ingest_chunk(ctx, chunk)
                    limits.check_counts(ctx.counts["read"], ctx.counts["rejected"])
                    _copy_counts(batch, ctx)
                    if progress is not None:
                        progress(batch)
            _check_declared(ctx, source.declared)
            _finish(batch, ctx, actor, actor_label)
    except Exception as exc:
        _mark_failed(batch, exc)
        raise
    finally:
        jobs.release_lease(batch.pk)
    return ctx


def _lock_wait(batch: ImportBatch) -> float | None:
    """How long a batch waits for an earlier batch of its source system: an API call at most
    ``KPIXA_API_LOCK_WAIT`` seconds (then 503, and its client retries), a file as long as needed."""
    return float(getattr(settings, "KPIXA_API_LOCK_WAIT", 60)) if batch.channel == "api" else None


def _fast(ctx: ingest.Context, source: Source, progress: Progress | None) -> bool:
    """Run the column-wise CSV path (fastpath.py) in a savepoint; False (and nothing kept) when
    the file needs the per-record reader."""

    def report() -> None:
        limits.check_counts(ctx.counts["read"], ctx.counts["rejected"])
        _copy_counts(ctx.batch, ctx)
        if progress is not None:
            progress(ctx.batch)

    try:
        with transaction.atomic():
            fastpath.ingest_file(ctx, source.extra["path"], report)
    except fastpath.Unsupported:
        logger.info("batch %s: the file needs the per-record reader", ctx.batch.pk)
        return False
    return True


def _mark_running(batch: ImportBatch, total: int | None) -> None:
    batch.status, batch.started_at, batch.total, batch.error = JobStatus.RUNNING, timezone.now(), total, ""
    batch.save(update_fields=["status", "started_at", "total", "error"])


def _mark_failed(batch: ImportBatch, exc: BaseException) -> None:
    batch.refresh_from_db()
    batch.status, batch.finished_at = JobStatus.FAILED, timezone.now()
    batch.error = batch_error(exc)
    batch.save(update_fields=["status", "finished_at", "error"])


def batch_error(exc: BaseException) -> str:
    """What a failed batch says on its job page: our own errors' messages (Vietnamese, meant
    for the sender); for Python's or the database's own exceptions, whose text is internal
    (and may quote data or code), a fixed sentence naming the kind of error, and a log entry."""
    from django.db import DatabaseError
    from django.utils.translation import gettext_noop

    if type(exc).__module__ == "builtins" or isinstance(exc, DatabaseError):
        logger.error("import batch failed with %s", type(exc).__name__, exc_info=exc)
        message = gettext_noop("Lỗi nội bộ khi nhập lô (%(kind)s); chi tiết đã được ghi vào nhật ký máy chủ.")
        return message % {"kind": type(exc).__name__}
    return str(exc)[:2000] or exc.__class__.__name__


def _copy_counts(batch: ImportBatch, ctx: ingest.Context) -> None:
    for name in ("read", "created", "updated", "unchanged", "ignored", "rejected", "flagged"):
        setattr(batch, name, ctx.counts[name])


def _finish(batch: ImportBatch, ctx: ingest.Context, actor: Any, actor_label: str) -> None:
    _copy_counts(batch, ctx)
    batch.status, batch.finished_at = JobStatus.DONE, timezone.now()
    batch.save()
    province = batch.province.code if batch.province_id else ""  # type: ignore[union-attr]
    audit.record(
        f"dossiers.import_{batch.kind}",
        actor=actor,
        actor_label=actor_label or ("" if actor is not None else f"import:{batch.source_system}"),
        object_type="dossiers.ImportBatch",
        object_id=batch.pk,
        province_code=province,
        after={"file": batch.file_name, "channel": batch.channel, **batch.counts()},
    )
    if batch.created or batch.updated:
        batch_id = batch.pk
        transaction.on_commit(lambda: refresh_scores_after(batch_id))


# What a batch's records count from and until, per kind: (model, start field, end field).
SPANS = {
    "dossier": ("Dossier", "received_at", "end_at"),
    "petition": ("Petition", "received_at", "handled_at"),
    "rating": ("Rating", "rated_at", "rated_at"),
}
MAX_REFRESH_DAYS = 800


def touched_by(batch_id: int) -> tuple[set[int], set[date]]:
    """Return the communes a committed batch wrote to and every day its records span.

    A record counts in every period from its start until its end (or today, while open), so
    every day in between is returned; the span is capped at ``MAX_REFRESH_DAYS`` days.
    """
    from django.apps import apps

    batch = ImportBatch.objects.get(pk=batch_id)
    model_name, start, end = SPANS[batch.kind]
    rows = apps.get_model("dossiers", model_name).objects.filter(batch_id=batch_id)
    span = rows.aggregate(
        first=Min(start), last=Max(end), open=Count("pk", filter=Q(**{f"{end}__isnull": True}))
    )
    communes = set(rows.values_list("commune_id", flat=True).distinct())
    if not communes or span["first"] is None:
        return set(), set()
    first = timezone.localdate(span["first"])
    last = timezone.localdate() if span["open"] or span["last"] is None else timezone.localdate(span["last"])
    first = max(first, last - timedelta(days=MAX_REFRESH_DAYS))
    return communes, {first + timedelta(days=n) for n in range((last - first).days + 1)}


def refresh_scores_after(batch_id: int) -> None:
    """Refresh the stored scores a committed batch changes, so a scorecard shows it within seconds.

    Runs after the batch's commit: a failure here is logged and never undoes the import (the
    next ``compute_scores`` or batch brings the scores up to date).
    """
    try:
        communes, days = touched_by(batch_id)
        if communes:  # scoring refreshes them (kpixa.scoring.receivers)
            batch_committed.send(sender=ImportBatch, batch_id=batch_id, communes=communes, days=days)
    except Exception:
        logger.exception("refreshing scores after import batch %s failed", batch_id)


# Declared totals (docs/dossier-format.md, "Declared totals"): the checks that must add up.
TOTAL_CHECKS = (
    ("TongSo", ("DaXuLy", "DangXuLy")),
    ("DaXuLy", ("DungHan", "TreHan")),
    ("DangXuLy", ("TrongHan", "QuaHan")),
)


def _check_declared(ctx: ingest.Context, declared: dict[str, Any] | None) -> None:
    """Flag a batch whose declared totals do not add up or do not match the records sent."""
    if not declared:
        return
    from kpixa.dossiers.models import Flag

    messages = list(_total_mismatches(declared, ctx.counts["read"]))
    Flag.objects.bulk_create(
        [Flag(batch=ctx.batch, code="tong_so_khong_khop", message_vi=m, params=p) for m, p in messages]
    )
    ctx.counts["flagged"] += len(messages)


def _total_mismatches(declared: dict[str, Any], read: int) -> Iterable[tuple[str, dict[str, object]]]:
    numbers = {k: int(v) for k, v in declared.items() if str(v).strip().lstrip("-").isdigit()}
    if "TongSo" in numbers and numbers["TongSo"] != read:
        yield flag_params("declared_total", declared=numbers["TongSo"], read=read)
    for whole, parts in TOTAL_CHECKS:
        if whole in numbers and all(p in numbers for p in parts):
            total = sum(numbers[p] for p in parts)
            if total != numbers[whole]:
                detail = " + ".join(f"{p} {numbers[p]}" for p in parts)
                yield flag_params(
                    "declared_parts", detail=detail, total=total, whole=whole, value=numbers[whole]
                )


# --- files (command line) -----------------------------------------------------------------


def import_file(
    path: str | Path,
    *,
    kind: str = "dossier",
    fmt: str | None = None,
    source_system: str = DEFAULT_SYSTEM,
    actor: Any = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Import one file as one batch (format from the extension unless ``fmt``); return the batch."""
    path = Path(path)
    batch = new_batch(
        kind,
        source_system,
        channel="file",
        file_name=path.name,
        file_path=str(path),
        file_format=fmt or guess_format(path.name),
    )
    try:
        limits.check_file(path, batch.file_format)
        source = open_source(path, batch.file_format)
    except Exception as exc:  # the batch row says why; nothing was read
        _mark_failed(batch, exc)
        raise
    run_batch(batch, source, actor=actor, progress=progress)
    return batch


# --- the web upload job queue (Django's tasks framework) ----------------------------------


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
            _mark_failed(batch, exc)
    finally:
        progress_file(batch.pk).unlink(missing_ok=True)
    batch.refresh_from_db()
    return batch


# --- the API ----------------------------------------------------------------------------------


def submit_api(
    token: Any, kind: str, records: list[Any] | dict[str, Any]
) -> tuple[ImportBatch, list[ingest.RecordResult]]:
    """Import one API batch for an integration token (its province only); per-record results."""
    batch = new_batch(
        kind, token.system, channel="api", province_id=token.province_id, file_name=f"api:{token.prefix}"
    )
    source = source_from_document(records)
    ctx = run_batch(batch, source, with_results=True, actor_label=f"api:{token.name}")
    results = sorted(ctx.results or [], key=lambda r: r.index)
    return batch, results


# --- quarantine ---------------------------------------------------------------------------------


def resubmit_rejections(
    rejections: list[Rejection], *, actor: Any = None, edited: dict[int, Any] | None = None
) -> ImportBatch | None:
    """Re-run quarantined records (optionally with fixed raw JSON) as a new batch of their kind.

    The rejections are marked re-submitted; records that fail again land in the new batch's
    quarantine. Returns the new batch, or None when there was nothing to re-submit.
    """
    if not rejections:
        return None
    first = rejections[0].batch
    batch = new_batch(
        first.kind,
        first.source_system,
        channel="resubmit",
        province_id=first.province_id,
        commune_id=first.commune_id,
        created_by=actor if getattr(actor, "pk", None) else None,
        file_name=f"resubmit:{first.pk}",
    )
    records = [(r.row, (edited or {}).get(r.pk, r.raw)) for r in rejections]
    source = Source(records, total=len(records))
    with transaction.atomic():
        run_batch(batch, source, actor=actor)
        Rejection.objects.filter(pk__in=[r.pk for r in rejections]).update(
            resubmitted=True, resubmitted_at=timezone.now()
        )
    return batch


def correct_through_appeal(actor: Any, appeal: Any, source_system: str, records: list[Any]) -> ImportBatch:
    """Import corrected dossiers of an appeal's commune as one batch tied to the appeal.

    The only way a dossier counted late in a closed period may turn on time
    (kpixa/dossiers/authority.py): the province's administrator sends the corrected records of
    the appellant commune while the appeal is pending or once it is upheld.
    """
    from kpixa.accounts.access import can_manage_province

    commune = appeal.commune
    if not can_manage_province(actor, commune.province):
        raise authority.AuthorityError(_("Chỉ quản trị cấp tỉnh của tỉnh này được sửa hồ sơ qua khiếu nại."))
    if appeal_scope(appeal.pk) is None:  # rejected (evaluations answers)
        raise authority.AuthorityError(_("Khiếu nại đã bị bác: không sửa được hồ sơ qua khiếu nại này."))
    batch = new_batch(
        "dossier",
        source_system,
        channel="appeal",
        province_id=commune.province_id,
        commune=commune,
        created_by=actor,
        appeal=appeal,
        file_name=f"appeal:{appeal.pk}",
    )
    run_batch(batch, source_from_document(records), actor=actor)
    return batch


# --- procedures -------------------------------------------------------------------------------

PROCEDURE_COLUMNS = (
    "code",
    "name",
    "level",
    "limit_value",
    "limit_unit",
    "cutoff_hour",
    "fee_bearing",
    "paper_result",
    "e2e_eligible",
    "field_code",
    "field_name",
)


def import_procedures(path: str | Path, *, actor: Any = None) -> dict[str, int]:
    """Load the catalogue from CSV/XLSX (columns in PROCEDURE_COLUMNS); upsert by code as verified."""
    rows = list(_procedure_rows(Path(path)))
    with transaction.atomic():
        existing = set(
            Procedure.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True)
        )
        Procedure.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[c for c in PROCEDURE_COLUMNS if c != "code"] + ["verified"],
        )
        counts = {"read": len(rows), "created": len(rows) - len(existing), "updated": len(existing)}
        audit.record(
            "dossiers.import_procedures",
            actor=actor,
            object_type="dossiers.Procedure",
            object_id=Path(path).name,
            after=counts,
        )
    return counts


def _procedure_rows(path: Path) -> Iterable[Procedure]:
    records: Iterable[Any]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        records = (rec for _row, rec in open_source(path, "xlsx").records)
    else:
        text = path.read_bytes().decode("utf-8-sig")
        records = csv.DictReader(io.StringIO(text, newline=""))
    for row, rec in enumerate(records, 1):
        yield _procedure(row, {k.strip(): (v or "").strip() for k, v in rec.items() if k})


def _procedure(row: int, rec: dict[str, str]) -> Procedure:
    if not rec.get("code") or not rec.get("name"):
        raise FormatError(f"Dòng {row}: thiếu mã hoặc tên thủ tục.")
    unit = rec.get("limit_unit") or "ngay_lam_viec"
    if unit not in ("gio", "ngay", "ngay_lam_viec", "thang"):
        raise FormatError(f"Dòng {row}: đơn vị thời hạn không hợp lệ '{unit}'.")
    try:
        limit = float(rec["limit_value"]) if rec.get("limit_value") else None
        cutoff = int(rec["cutoff_hour"]) if rec.get("cutoff_hour") else None
    except ValueError as exc:
        raise FormatError(f"Dòng {row}: thời hạn hoặc giờ chốt không phải là số.") from exc
    return Procedure(
        code=rec["code"],
        name=rec["name"],
        level=rec.get("level", ""),
        limit_value=limit,
        limit_unit=unit,
        cutoff_hour=cutoff,
        fee_bearing=rec.get("fee_bearing") == "1",
        paper_result=rec.get("paper_result") == "1",
        e2e_eligible=rec.get("e2e_eligible") == "1",
        field_code=rec.get("field_code", ""),
        field_name=rec.get("field_name", ""),
        verified=True,
    )


# --- rollups ----------------------------------------------------------------------------------


def rebuild_rollups(province_code: str | None = None, *, actor: Any = None) -> int:
    """Recompute all rollups (or one province's) from the raw rows; return the rows written."""
    from kpixa.units.models import Province

    province = Province.objects.get(code=province_code) if province_code else None
    with transaction.atomic():
        written = rollups.rebuild(province.pk if province else None)
        audit.record(
            "dossiers.rebuild_rollups",
            actor=actor,
            object_type="dossiers.Rollup",
            province_code=province_code or "",
            after={"rows": written},
        )
    return written
