"""The province admin's pages of evaluation inputs for one period: the inputs entered or imported
with their history, a form to add one (with its date, note and evidence), the import of a CSV/XLSX
file with its evidence ZIP, a button to remove one; and, once the period is closed, the revision
of an input through a pending appeal of its commune. Thin: check access, validate, call
``kpixa.evaluations.services.inputs``, redirect."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpixa.accounts.access import ADMIN, access, acting_user, can_manage_province, visible_provinces
from kpixa.evaluations.forms import InputForm, InputImportForm, InputRevisionForm
from kpixa.evaluations.models import Appeal, AppealStatus, EvaluationInput, InputRejection, Period
from kpixa.evaluations.services import inputs
from kpixa.evaluations.services.periods import EvaluationError, period_row
from kpixa.reporting.queries import period_or_none as parse_period_code
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.spreadsheet_safety import csv_writer
from kpixa.units.models import Province
from kpixa.units.tabular import UnreadableFile

REJECTIONS_SHOWN = 200
# The session key of the last import's result, shown once on the inputs page after the redirect.
IMPORT_RESULT = "kpixa_input_import"


def _province_or_404(user: Any, province_code: str) -> Province:
    province = visible_provinces(user).filter(code=province_code).first()
    if province is None or not can_manage_province(user, province):
        raise Http404(_("Không tìm thấy tỉnh."))
    return province


def _period_or_404(user: Any, province_code: str, period: str) -> tuple[Province, PeriodSpan, Period | None]:
    """The province, the period named by the URL and its stored row (None until something happened)."""
    province = _province_or_404(user, province_code)
    span = parse_period_code(period)
    if span is None:
        raise Http404(_("Mã kỳ không hợp lệ."))
    return (
        province,
        span,
        Period.objects.filter(province=province, code=span.code).select_related("province").first(),
    )


@access(ADMIN)
def inputs_page(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """The period's inputs with their history, the form to add one (POST adds it, opening the
    period's row) and the import form."""
    province, span, row = _period_or_404(request.user, province_code, period)
    form = InputForm(province, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            inputs.set_input(
                row or period_row(province, span),
                form.entry(),
                actor=acting_user(request),
                upload=form.cleaned_data.get("evidence_file"),
            )
        except (inputs.InvalidInput, EvaluationError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã lưu dữ liệu đánh giá."))
            return redirect("evaluations:inputs", province.code, span.code)
    items = (
        list(EvaluationInput.objects.filter(period=row).select_related("commune", "person", "entered_by"))
        if row
        else []
    )
    history = inputs.history_for(row, [i.pk for i in items]) if row and items else {}
    rejections = list(InputRejection.objects.filter(period=row)[:REJECTIONS_SHOWN]) if row else []
    result = request.session.pop(IMPORT_RESULT, None) if request.method == "GET" else None
    context = {
        "province": province,
        "nav_province": province,
        "period": span,
        "closed": row is not None and row.is_closed,
        "form": form,
        "import_form": InputImportForm(),
        "import_result": result if result and result.get("period") == span.code else None,
        "rows": [(i, history.get(i.pk, [])) for i in items],
        "items": items,
        "rejections": rejections,
        "rejections_shown": REJECTIONS_SHOWN,
    }
    return render(request, "evaluations/inputs.html", context)


@require_POST
@access(ADMIN)
def import_inputs(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """Import a CSV/XLSX file of inputs with its optional evidence ZIP (after the page's
    confirmation); the result, refused rows included, is shown once on the inputs page."""
    province, span, row = _period_or_404(request.user, province_code, period)
    form = InputImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("evaluations:inputs", province.code, span.code)
    try:
        if row is None:
            period_row(province, span)
        result = inputs.import_inputs_upload(
            form.cleaned_data["file"],
            province_code=province.code,
            period_code=span.code,
            actor=acting_user(request),
            evidence_zip=form.cleaned_data.get("evidence_zip"),
        )
    except (inputs.InvalidInput, UnreadableFile, EvaluationError) as exc:
        messages.error(request, str(exc))
        return redirect("evaluations:inputs", province.code, span.code)
    request.session[IMPORT_RESULT] = {
        "period": span.code,
        "file": form.cleaned_data["file"].name,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "refused": len(result.errors),
        "errors": [[e.row, e.field, e.message] for e in result.errors[:REJECTIONS_SHOWN]],
    }
    if result.errors:
        messages.warning(
            request,
            _("Đã nhập tệp: %(n)s dòng bị từ chối, xem từng dòng bên dưới; các dòng khác đã được lưu.")
            % {"n": len(result.errors)},
        )
    else:
        messages.success(request, _("Đã nhập tệp: mọi dòng hợp lệ."))
    return redirect("evaluations:inputs", province.code, span.code)


# The rejection report's columns: the row (the spreadsheet's line), the column at fault, the
# reason, then the raw row's own columns as read (docs/scoring.md, "import_evaluation_inputs").
REJECTION_COLUMNS = ("dong", "cot", "ly_do", *inputs.IMPORT_COLUMNS, "nhap_luc")


@access(ADMIN)
def input_rejections_csv(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """The period's refused input rows as CSV (UTF-8 with BOM; every cell formula-safe)."""
    province, span, row = _period_or_404(request.user, province_code, period)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out)
    writer.writerow(REJECTION_COLUMNS)
    for item in InputRejection.objects.filter(period=row) if row else []:
        raw = {str(k): v for k, v in item.raw.items()}
        cells = [raw.get(column, "") for column in inputs.IMPORT_COLUMNS]
        writer.writerow([item.row, item.field, item.reason_vi, *cells, item.imported_at.isoformat()])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"du-lieu-danh-gia-tu-choi-{province.code}-{span.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@access(ADMIN)
def delete_input(request: HttpRequest, province_code: str, period: str, pk: int) -> HttpResponse:
    """Remove one input of the period."""
    province, span, row = _period_or_404(request.user, province_code, period)
    item = (
        EvaluationInput.objects.filter(period=row, pk=pk).select_related("period__province").first()
        if row
        else None
    )
    if item is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    try:
        inputs.delete_input(item, actor=acting_user(request))
    except inputs.InvalidInput as exc:  # the period is closed
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xóa dữ liệu đánh giá."))
    return redirect("evaluations:inputs", province.code, span.code)


@access(ADMIN)
def input_evidence(request: HttpRequest, province_code: str, period: str, pk: int) -> HttpResponse:
    """An input's evidence file, downloaded under a generated name with its checked type."""
    from kpixa.reporting.evidence import download_name, path_of, served_type

    _province, _span, row = _period_or_404(request.user, province_code, period)
    item = EvaluationInput.objects.filter(period=row, pk=pk).exclude(evidence_file_stored="").first()
    if row is None or item is None:
        raise Http404(_("Không tìm thấy tệp minh chứng."))
    path = path_of(item.evidence_file_stored)
    if not path.is_file():
        raise Http404(_("Không tìm thấy tệp minh chứng."))
    name = download_name(item.pk, item.evidence_file_name, item.evidence_file_type)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=served_type(item.evidence_file_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # access() types views as returning HttpResponse


# --- revision through an appeal -----------------------------------------------------------------


def _appeal_or_404(user: Any, pk: int) -> Appeal:
    """The appeal ``pk`` of a province ``user`` administers, with its commune and period."""
    appeal = (
        Appeal.objects.filter(pk=pk, commune__province__in=visible_provinces(user))
        .select_related("commune__province", "snapshot__period__province", "filed_by")
        .first()
    )
    if appeal is None or not can_manage_province(user, appeal.commune.province):
        raise Http404(_("Không tìm thấy khiếu nại."))
    return appeal


def revisable(appeal: Appeal) -> bool:
    """Whether the appeal is a path to revise its commune's inputs: pending, its period closed."""
    return appeal.status == AppealStatus.PENDING and appeal.snapshot.period.is_closed


@access(ADMIN)
def appeal_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    """The inputs of the appeal's commune for the appeal's period, with their history, each with a
    link to revise it while the appeal is pending."""
    appeal = _appeal_or_404(request.user, pk)
    row = appeal.snapshot.period
    items = list(
        EvaluationInput.objects.filter(period=row, commune=appeal.commune).select_related(
            "commune", "person", "entered_by"
        )
    )
    history = inputs.history_for(row, [i.pk for i in items])
    context = {
        "appeal": appeal,
        "province": appeal.commune.province,
        "nav_province": appeal.commune.province,
        "period": row,
        "revisable": revisable(appeal),
        "rows": [(i, history.get(i.pk, [])) for i in items],
    }
    return render(request, "evaluations/appeal_inputs.html", context)


@access(ADMIN)
def revise_input(request: HttpRequest, pk: int, input_pk: int) -> HttpResponse:
    """Revise one input of the appeal's commune: the old value shown, the new value, a reason and an
    optional evidence file asked, and after the confirmation ``inputs.revise_input``."""
    appeal = _appeal_or_404(request.user, pk)
    row = appeal.snapshot.period
    item = (
        EvaluationInput.objects.filter(pk=input_pk, period=row, commune=appeal.commune)
        .select_related("commune", "person", "entered_by", "period__province")
        .first()
    )
    if item is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    if not revisable(appeal):
        messages.error(request, _("Chỉ sửa được dữ liệu qua khiếu nại đang xem xét của kỳ đã khóa."))
        return redirect("evaluations:appeal_inputs", appeal.pk)
    initial = {"value": item.value, "day": item.day, "note": item.note, "evidence": item.evidence}
    form = InputRevisionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inputs.revise_input(
                row,
                form.entry(item),
                appeal,
                actor=acting_user(request),
                upload=form.cleaned_data.get("evidence_file"),
                reason=form.cleaned_data["reason"].strip(),
                item=item,
            )
        except inputs.InvalidInput as exc:
            form.add_error("value" if exc.field in ("value", "date", "day") else None, str(exc))
        else:
            messages.success(
                request,
                _("Đã sửa dữ liệu qua khiếu nại; giá trị cũ được giữ trong lịch sử của dữ liệu."),
            )
            return redirect("evaluations:appeal_inputs", appeal.pk)
    context = {
        "appeal": appeal,
        "province": appeal.commune.province,
        "nav_province": appeal.commune.province,
        "period": row,
        "item": item,
        "rule": inputs.value_rule(item.kind),
        "history": inputs.history_for(row, [item.pk]).get(item.pk, []),
        "form": form,
    }
    return render(request, "evaluations/input_revision.html", context)
