"""Reporting pages: a commune's sheet, submitting a value, evidence download, the province's review page.

Views stay thin: check access (declared with ``@access``), validate the form, call one service
or query, render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpixa.accounts.access import (
    ADMIN,
    COMMUNE,
    LOGIN,
    PROVINCE,
    REPORT,
    access,
    acting_user,
    can_manage_province,
    can_report_for,
    get_commune_or_404,
    visible_provinces,
)
from kpixa.reporting import evidence as files
from kpixa.reporting import queries, services
from kpixa.reporting.forms import DeadlineForm, RejectForm, ValueForm
from kpixa.reporting.models import ReportingError
from kpixa.scoring.engine.periods import PeriodSpan, half, month, quarter, year
from kpixa.units.models import Province


def _period_or_404(code: str) -> PeriodSpan:
    period = queries.period_or_none(code)
    if period is None:
        raise Http404(_("Mã kỳ không hợp lệ."))
    return period


def _province_or_404(user: Any, code: str) -> Province:
    province = visible_provinces(user).filter(code=code).first()
    if province is None:
        raise Http404(_("Không tìm thấy tỉnh."))
    return province


def pickable_periods(today: Any = None) -> list[PeriodSpan]:
    """Every period the picker offers: this and the previous year's months, quarters, halves and
    years that have begun, latest start first (a month before the quarter it opens)."""
    day = today or timezone.localdate()
    found = []
    for number in (day.year, day.year - 1):
        found += [month(number, m) for m in range(1, 13)]
        found += [quarter(number, q) for q in range(1, 5)]
        found += [half(number, 1), half(number, 2), year(number)]
    begun = [p for p in found if p.start <= day]
    return sorted(begun, key=lambda p: (p.start, -p.days), reverse=True)


def recent_periods(today: Any = None) -> list[PeriodSpan]:
    """The periods a reporter most likely wants: last and this month, last quarter, half and year."""
    day = today or timezone.localdate()
    last_month = month(day.year, day.month - 1) if day.month > 1 else month(day.year - 1, 12)
    q = (day.month - 1) // 3
    last_quarter = quarter(day.year, q) if q else quarter(day.year - 1, 4)
    last_half = half(day.year, 1) if day.month > 6 else half(day.year - 1, 2)
    return [month(day.year, day.month), last_month, last_quarter, last_half, year(day.year - 1)]


@access(LOGIN)
def index(request: HttpRequest) -> HttpResponse:
    """Links to the user's sheets (commune roles) or province pages (province roles) of recent periods."""
    user: Any = request.user
    commune = user.commune if user.commune_id else None
    if request.GET.get("commune"):
        commune = get_commune_or_404(user, request.GET["commune"][:8])
    province = visible_provinces(user).first()
    asked = queries.period_or_none(request.GET.get("period", "")) if request.GET.get("period") else None
    if asked is not None and commune is not None:
        return redirect("reporting:sheet", commune.code, asked.code)
    if asked is not None and province is not None:
        return redirect("reporting:province", province.code, asked.code)
    context = {
        "periods": recent_periods(),
        "choices": pickable_periods(),
        "commune": commune,
        "province": province,
    }
    return render(request, "reporting/index.html", context)


@access(COMMUNE)
def sheet(request: HttpRequest, commune_code: str, period: str) -> HttpResponse:
    """The commune's reported values for the period, with forms for those who may report."""
    commune = get_commune_or_404(request.user, commune_code)
    the_period = _period_or_404(period)
    context = {
        "commune": commune,
        "period": the_period,
        "rows": queries.commune_sheet(commune, the_period),
        "due_on": queries.deadline_for(commune.province, the_period),
        "can_report": can_report_for(request.user, commune),
        "closed": services.period_is_closed(commune.province_id, the_period.code),
        "form": ValueForm(),
        "choices": pickable_periods(),
    }
    return render(request, "reporting/sheet.html", context)


@require_POST
@access(REPORT)
def submit(request: HttpRequest, commune_code: str, period: str, measure: str) -> HttpResponse:
    """Submit or fix one value with its evidence, then return to the sheet."""
    commune = get_commune_or_404(request.user, commune_code)
    the_period = _period_or_404(period)
    form = ValueForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("reporting:sheet", commune.code, the_period.code)
    try:
        services.submit_value(
            acting_user(request),
            commune,
            the_period,
            measure,
            form.cleaned_data["value"],
            form.cleaned_data["comment"],
            form.cleaned_data["evidence"],
        )
    except ReportingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã nộp số liệu, đang chờ tỉnh duyệt."))
    return redirect("reporting:sheet", commune.code, the_period.code)


@access(LOGIN)
def evidence_file(request: HttpRequest, pk: int) -> Any:  # a FileResponse
    """Serve an evidence file to a user who may see its commune: always as an attachment, never sniffed."""
    item = queries.evidence_for(request.user, pk)
    if item is None:
        raise Http404(_("Không tìm thấy tệp."))
    try:
        handle = files.path_of(item.stored_name).open("rb")
    except (OSError, ReportingError):
        raise Http404(_("Không tìm thấy tệp.")) from None
    # Saved under a generated name with its real type's extension, never the uploader's name:
    # an uploaded "report.html" is downloaded as "minh-chung-<id>-report-html.pdf", never shown inline.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=files.download_name(item.pk, item.original_name, item.content_type),
        content_type=files.served_type(item.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@access(PROVINCE)
def province_page(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """Late and missing submissions of the province's communes, and the values awaiting review."""
    province = _province_or_404(request.user, province_code)
    the_period = _period_or_404(period)
    context = {
        "province": province,
        "overview": queries.province_overview(province, the_period),
        "can_review": can_manage_province(request.user, province),
        "reject_form": RejectForm(),
        "deadline_form": DeadlineForm(),
        "choices": pickable_periods(),
    }
    return render(request, "reporting/province.html", context)


def _back(value: Any) -> str:
    return reverse("reporting:province", args=[value.commune.province.code, value.period_code])


@require_POST
@access(ADMIN)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a submitted value (province admins of its province)."""
    value = queries.reviewable_value(request.user, pk)
    if value is None:
        raise Http404(_("Không tìm thấy số liệu."))
    try:
        services.approve_value(acting_user(request), value)
        messages.success(request, _("Đã duyệt số liệu."))
    except ReportingError as exc:
        messages.error(request, str(exc))
    return redirect(_back(value))


@require_POST
@access(ADMIN)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a submitted value back to the commune with a reason."""
    value = queries.reviewable_value(request.user, pk)
    if value is None:
        raise Http404(_("Không tìm thấy số liệu."))
    form = RejectForm(request.POST)
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.reject_value(acting_user(request), value, reason)
        messages.success(request, _("Đã trả lại số liệu cho xã/phường."))
    except ReportingError as exc:
        messages.error(request, str(exc))
    return redirect(_back(value))


def _managed_province_or_404(user: Any, code: str) -> Province:
    province = _province_or_404(user, code)
    if not can_manage_province(user, province):
        raise Http404(_("Không tìm thấy tỉnh."))
    return province


@require_POST
@access(ADMIN)
def deadline(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """Set the province's submission deadline for the period."""
    province = _managed_province_or_404(request.user, province_code)
    the_period = _period_or_404(period)
    form = DeadlineForm(request.POST)
    try:
        if not form.is_valid():
            raise ReportingError(_("Hãy nhập hạn nộp hợp lệ (ngày/tháng/năm)."))
        services.set_deadline(acting_user(request), province, the_period, form.cleaned_data["due_on"])
        messages.success(request, _("Đã đặt hạn nộp."))
    except ReportingError as exc:
        messages.error(request, str(exc))
    return redirect("reporting:province", province.code, the_period.code)


@require_POST
@access(ADMIN)
def remind(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """Remind the officers of communes with missing values."""
    province = _managed_province_or_404(request.user, province_code)
    the_period = _period_or_404(period)
    sent = services.remind_due_submissions(province, the_period, acting_user(request))
    messages.success(request, _("Đã gửi %(n)s nhắc nhở.") % {"n": sent})
    return redirect("reporting:province", province.code, the_period.code)
