"""Import batches: one file or document imported as one batch in one transaction, its
counts, its audit entry and what it hands on after its commit (scores, declared totals).

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.dossiers import limits
from kpixa.dossiers.models import ImportBatch, JobStatus, flag_params
from kpixa.dossiers.parsing import Source, guess_format, open_source
from kpixa.dossiers.services import authority, copyload, fastpath, ingest, jobs
from kpixa.dossiers.services import declared as declared_counts
from kpixa.dossiers.signals import batch_committed

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
    actor: User | None = None,
    progress: Progress | None = None,
    with_results: bool = False,
    actor_label: str = "",
    after_commit: list[Callable[[], None]] | None = None,
) -> ingest.Context:
    """Import every record of ``source`` into ``batch`` in ONE transaction; return the context.

    On any error nothing of the batch is kept and the batch is marked failed (then re-raised).
    The refresh a committed batch hands on (``refresh_scores_after``) runs at the commit, or,
    given ``after_commit``, is appended to it at the commit for the caller to run (the API runs
    it once its answer is sent).
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
            ctx.counts["flagged"] += declared_counts.store_from_batch(
                batch, source.declared, ctx.units, allowed, actor
            )
            _finish(batch, ctx, actor, actor_label, after_commit)
    except Exception as exc:
        mark_failed(batch, exc)
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


def mark_failed(batch: ImportBatch, exc: BaseException) -> None:
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


def _finish(
    batch: ImportBatch,
    ctx: ingest.Context,
    actor: User | None,
    actor_label: str,
    after_commit: list[Callable[[], None]] | None = None,
) -> None:
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

        def refresh() -> None:
            refresh_scores_after(batch_id)

        # Only once committed: a batch rolled back hands nothing on.
        transaction.on_commit(refresh if after_commit is None else lambda: after_commit.append(refresh))


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


def import_file(
    path: str | Path,
    *,
    kind: str = "dossier",
    fmt: str | None = None,
    source_system: str = DEFAULT_SYSTEM,
    actor: User | None = None,
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
        mark_failed(batch, exc)
        raise
    run_batch(batch, source, actor=actor, progress=progress)
    return batch
