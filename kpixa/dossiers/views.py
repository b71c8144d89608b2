"""Pages of the dossiers app: upload jobs with live progress, rejection reports, the quarantine,
one dossier's timeline. Thin: authenticate, validate, call one query or service, render."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kpixa.accounts.access import (
    LOGIN,
    REPORT,
    access,
    acting_user,
    mask_id_number,
    mask_name,
    mask_phone,
    sees_personal_data,
)
from kpixa.dossiers import queries
from kpixa.dossiers.explain import explain
from kpixa.dossiers.forms import FixForm, UploadForm
from kpixa.dossiers.models import JobStatus, file_line
from kpixa.dossiers.services import resubmission, uploads
from kpixa.dossiers.services.authority import writable_sources
from kpixa.dossiers.services.jobs import fail_dead_batches
from kpixa.spreadsheet_safety import csv_writer

PAGE = 200


@access(REPORT)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a file; it becomes a queued job that ``run_worker`` runs."""
    form = UploadForm(request.POST or None, request.FILES or None, sources=writable_sources(request.user))
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        file = form.cleaned_data["file"]
        batch = uploads.enqueue_upload(
            user,
            user.commune,
            form.cleaned_data["kind"],
            file.name,
            file.read(),
            form.cleaned_data["source_system"],
        )
        messages.success(request, _("Đã nhận tệp; lô #%(id)s đang chờ xử lý.") % {"id": batch.pk})
        return redirect("dossiers:job", batch_id=batch.pk)
    return render(request, "dossiers/upload.html", {"form": form})


@access(LOGIN)
def jobs(request: HttpRequest) -> HttpResponse:
    """The user's (or the province's) latest import batches."""
    batches = list(queries.visible_batches(request.user)[:PAGE])
    return render(request, "dossiers/jobs.html", {"batches": batches})


@access(LOGIN)
def job(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One job: status, live counts (polled by dossiers/job.js), flags, the rejection report."""
    batch = queries.batch_for(request.user, batch_id)
    flags = list(batch.flags.all()[:PAGE])
    return render(request, "dossiers/job.html", {"batch": batch, "flags": flags, "status": job_state(batch)})


def job_state(batch: Any) -> dict[str, Any]:
    """A job's status and counts; while running, the counts its worker last published."""
    if batch.status == JobStatus.RUNNING and fail_dead_batches([batch]):
        batch.refresh_from_db()  # its process died (jobs.py): shown as failed, with the reason
    counts = batch.counts()
    if batch.status == JobStatus.RUNNING:
        path = uploads.progress_file(batch.pk)
        if path.exists():
            # Being replaced right now: the next poll reads it.
            with contextlib.suppress(ValueError, OSError):
                counts.update(json.loads(path.read_text()))
    return {
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "done": batch.status in (JobStatus.DONE, JobStatus.FAILED),
        "error": batch.error,
        "total": counts.pop("total", batch.total),
        **counts,
    }


@access(LOGIN)
def job_status(request: HttpRequest, batch_id: int) -> JsonResponse:
    """The JSON the job page polls every 2 seconds."""
    return JsonResponse(job_state(queries.batch_for(request.user, batch_id)))


# "dong": the record's number (1 = the first record); "dong_trong_tep": the line of the file as
# a spreadsheet numbers it (the header is line 1), empty for JSON (docs/dossier-format.md).
REPORT_COLUMNS = ("dong", "ma_ban_ghi", "truong", "gia_tri", "ly_do", "dong_trong_tep")


@access(LOGIN)
def rejections_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's rejected records as CSV (UTF-8 with BOM, so Excel reads the diacritics)."""
    batch = queries.batch_for(request.user, batch_id)
    response = StreamingHttpResponse(_rejection_lines(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tu-choi-lo-{batch.pk}.csv"'
    return response  # type: ignore[return-value]  # access() types views as returning HttpResponse


class _Line:
    """A file-like object whose ``write`` hands the CSV writer's line back (for streaming)."""

    def write(self, line: str) -> str:
        return line


def _rejection_lines(batch: Any) -> Any:
    """The rejection report line by line, read from the database in chunks: a batch may hold
    up to KPIXA_IMPORT_MAX_REJECTIONS rows and the report is never built whole in memory."""
    writer = csv_writer(_Line())
    yield "\ufeff" + writer.writerow(REPORT_COLUMNS)
    rows = batch.rejections.order_by("row").values_list("row", "record_key", "field", "value", "reason_vi")
    for r in rows.iterator(chunk_size=2000):
        yield writer.writerow((*r, file_line(batch.file_format, r[0]) or ""))


@access(LOGIN)
def quarantine(request: HttpRequest) -> HttpResponse:
    """Records rejected from the user's batches and not yet re-submitted."""
    rejections = list(queries.quarantine_for(request.user)[:PAGE])
    return render(request, "dossiers/quarantine.html", {"rejections": rejections})


@access(REPORT)
@require_http_methods(["GET", "POST"])
def fix_rejection(request: HttpRequest, rejection_id: int) -> HttpResponse:
    """Edit a quarantined record's JSON and re-submit it (it is validated again)."""
    rejection = queries.quarantine_for(request.user).filter(pk=rejection_id).first()
    if rejection is None:
        from django.http import Http404

        raise Http404(_("Không tìm thấy bản ghi bị từ chối."))
    initial = json.dumps(rejection.raw, ensure_ascii=False, indent=2)
    form = FixForm(request.POST or None, initial={"raw": initial})
    if request.method == "POST" and form.is_valid():
        batch = resubmission.resubmit_rejections(
            [rejection], actor=acting_user(request), edited={rejection.pk: form.cleaned_data["raw"]}
        )
        messages.success(request, _("Đã gửi lại bản ghi (lô #%(id)s).") % {"id": batch.pk if batch else "—"})
        return redirect("dossiers:job", batch_id=batch.pk) if batch else redirect("dossiers:quarantine")
    return render(request, "dossiers/fix.html", {"rejection": rejection, "form": form})


@access(LOGIN)
def timeline(request: HttpRequest, source: str, ma_ho_so: str) -> HttpResponse:
    """One dossier's timeline and outcome; the citizen's data masked unless the role needs it."""
    dossier = queries.dossier_for(request.user, source, ma_ho_so)
    unmasked = sees_personal_data(request.user, dossier.commune)
    owner = {
        "name": dossier.owner_name if unmasked else mask_name(dossier.owner_name),
        "phone": dossier.owner_phone if unmasked else mask_phone(dossier.owner_phone),
        "id_number": dossier.owner_id_masked if unmasked else mask_id_number(dossier.owner_id_masked),
    }
    context = {"dossier": dossier, "owner": owner, "explanation": explain(dossier)}
    return render(request, "dossiers/timeline.html", context)
