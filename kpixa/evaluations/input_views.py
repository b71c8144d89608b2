"""The province admin's page of evaluation inputs for one period: the inputs entered or imported,
a form to add one (with its date, note and evidence) and a button to remove one. Thin: check
access, validate, call ``kpixa.evaluations.services.inputs``, redirect."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kpixa.accounts.access import ADMIN, access, acting_user, can_manage_province, visible_provinces
from kpixa.evaluations.models import EvaluationInput, InputKind, InputRejection, Period
from kpixa.evaluations.services import inputs
from kpixa.evaluations.services.periods import EvaluationError, period_row
from kpixa.reporting.queries import period_or_none as parse_period_code
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.spreadsheet_safety import csv_writer
from kpixa.units.models import Commune, Person, PostKind, Province

POST_CHOICES = [
    ("", gettext_lazy("Xã (không theo chức vụ)")),
    (PostKind.SECRETARY.value, PostKind.SECRETARY.label),
    (PostKind.CHAIRMAN.value, PostKind.CHAIRMAN.label),
]
REJECTIONS_SHOWN = 200


class InputForm(forms.Form):
    """One evaluation input as the province admin enters it."""

    commune = forms.ModelChoiceField(queryset=Commune.objects.none(), label=gettext_lazy("Xã/phường"))
    post = forms.ChoiceField(choices=POST_CHOICES, required=False, label=gettext_lazy("Chức vụ"))
    person = forms.CharField(max_length=60, required=False, label=gettext_lazy("Mã cán bộ"))
    kind = forms.ChoiceField(choices=InputKind.choices, label=gettext_lazy("Loại dữ liệu"))
    value = forms.CharField(max_length=40, label=gettext_lazy("Giá trị"))
    day = forms.DateField(required=False, label=gettext_lazy("Ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Ghi chú")
    )
    evidence = forms.CharField(
        max_length=300, required=False, label=gettext_lazy("Căn cứ (số, ngày văn bản, quyết định)")
    )
    evidence_file = forms.FileField(
        required=False,
        label=gettext_lazy("Tệp minh chứng (PDF, PNG, JPEG, XLSX, DOCX; không nhận tệp có macro)"),
    )

    def __init__(self, province: Province, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(province=province).order_by("name")  # type: ignore[attr-defined]

    def entry(self) -> inputs.Entry:
        """The validated input; raises InvalidInput for an unknown person code."""
        data = self.cleaned_data
        code = data["person"].strip()
        person = Person.objects.filter(external_id=code).first() if code else None
        if code and person is None:
            raise inputs.InvalidInput("person", _("Không có cán bộ mã “%(v)s”.") % {"v": code})
        return inputs.Entry(
            data["commune"],
            data["post"],
            person,
            data["kind"],
            data["value"],
            data["day"],
            data["note"].strip(),
            data["evidence"].strip(),
        )


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
    return province, span, Period.objects.filter(province=province, code=span.code).first()


@access(ADMIN)
def inputs_page(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """The period's inputs and the form to add one (POST adds it, opening the period's row)."""
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
        EvaluationInput.objects.filter(period=row).select_related("commune", "person", "entered_by")
        if row
        else []
    )
    rejections = list(InputRejection.objects.filter(period=row)[:REJECTIONS_SHOWN]) if row else []
    context = {
        "province": province,
        "nav_province": province,
        "period": span,
        "form": form,
        "items": items,
        "rejections": rejections,
        "rejections_shown": REJECTIONS_SHOWN,
    }
    return render(request, "evaluations/inputs.html", context)


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
