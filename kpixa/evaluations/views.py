"""Pages of the period lifecycle and of appeals.

Province: the periods of a province with their state; one period with its snapshots and the
close / publish / finalize buttons; the appeals to review and the decision form. Commune: the
published result with one appeal form per indicator (its leader, within the window) and the
commune's appeals. Views stay thin: check access, validate, call one lifecycle service, redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpixa.accounts.access import (
    ADMIN,
    COMMUNE,
    PROVINCE,
    access,
    acting_user,
    can_manage_province,
    get_commune_or_404,
    role_required,
    visible_provinces,
)
from kpixa.accounts.models import Role
from kpixa.evaluations import queries, snapshots
from kpixa.evaluations.forms import AppealForm, DecisionForm, UpholdForm
from kpixa.evaluations.models import Appeal, AppealStatus, Period, PeriodState
from kpixa.evaluations.period_list import lifecycle_periods
from kpixa.evaluations.services import appeals as appeal_services
from kpixa.evaluations.services import lifecycle
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.reporting.queries import period_or_none as parse_period_code
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.units.models import Commune, Province


def _period_or_404(code: str) -> PeriodSpan:
    period = parse_period_code(code)
    if period is None:
        raise Http404(_("Mã kỳ không hợp lệ."))
    return period


def _province_or_404(user: Any, code: str, manage: bool = False) -> Province:
    province = visible_provinces(user).filter(code=code).first()
    if province is None or (manage and not can_manage_province(user, province)):
        raise Http404(_("Không tìm thấy tỉnh."))
    return province


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(e) for e in errors)
        messages.error(request, f"{label}: {text}" if label else text)


# --- province: periods -------------------------------------------------------------------------


@access(PROVINCE)
def periods(request: HttpRequest, province_code: str) -> HttpResponse:
    """The province's periods with their state, revisions and pending appeals."""
    province = _province_or_404(request.user, province_code)
    context = {
        "province": province,
        "nav_province": province,
        "periods": lifecycle_periods(province),
        "can_manage": can_manage_province(request.user, province),
    }
    return render(request, "evaluations/periods.html", context)


@access(PROVINCE)
def period_page(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """One period: its state, the lifecycle buttons, and every snapshot revision with what changed."""
    province = _province_or_404(request.user, province_code)
    the_period = _period_or_404(period)
    row = queries.period_or_none(province, the_period.code)
    context = {
        "province": province,
        "nav_province": province,
        "period": the_period,
        "row": row,
        "state": row.state if row else PeriodState.OPEN,
        "snapshots": queries.period_snapshots(row),
        "can_manage": can_manage_province(request.user, province),
        "states": PeriodState,
    }
    return render(request, "evaluations/period.html", context)


def _transition(
    request: HttpRequest, province_code: str, period: str, step: Callable[[Any, Province, str], Any]
) -> tuple[Province, PeriodSpan, Any]:
    province = _province_or_404(request.user, province_code, manage=True)
    the_period = _period_or_404(period)
    try:
        return province, the_period, step(request.user, province, the_period.code)
    except EvaluationError as exc:
        messages.error(request, str(exc))
        return province, the_period, None


@require_POST
@access(ADMIN)
def close(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """open → closed."""
    province, the_period, done = _transition(request, province_code, period, lifecycle.close_period)
    if done is not None:
        messages.success(request, _("Đã khóa số liệu kỳ %(period)s.") % {"period": the_period.code})
    return redirect("evaluations:period", province.code, the_period.code)


@require_POST
@access(ADMIN)
def publish(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """closed → published; the message shows the new snapshot's hash."""
    province, the_period, snapshot = _transition(request, province_code, period, lifecycle.publish_period)
    if snapshot is not None:
        messages.success(
            request,
            _("Đã công bố kỳ %(period)s. Mã băm SHA-256 của bản công bố: %(hash)s")
            % {"period": the_period.code, "hash": snapshot.sha256},
        )
    return redirect("evaluations:period", province.code, the_period.code)


@require_POST
@access(ADMIN)
def finalize(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """published/appeal → final (after the window, no appeal pending)."""
    province, the_period, done = _transition(request, province_code, period, lifecycle.finalize_period)
    if done is not None:
        messages.success(request, _("Kỳ %(period)s đã chính thức.") % {"period": the_period.code})
    return redirect("evaluations:period", province.code, the_period.code)


# --- province: appeals ---------------------------------------------------------------------------


@access(ADMIN)
def appeals(request: HttpRequest, province_code: str) -> HttpResponse:
    """The appeals against the province's published results, pending first (filter by status)."""
    province = _province_or_404(request.user, province_code, manage=True)
    status = request.GET.get("status", "")
    if status not in AppealStatus.values:
        status = ""
    context = {
        "province": province,
        "nav_province": province,
        "appeals": queries.province_appeals(province, status),
        "status": status,
        "statuses": AppealStatus.choices,
    }
    return render(request, "evaluations/appeals.html", context)


def _managed_appeal_or_404(user: Any, pk: int) -> Appeal:
    appeal = queries.appeal_for_admin(user, pk)
    if appeal is None or not can_manage_province(user, appeal.commune.province):
        raise Http404(_("Không tìm thấy khiếu nại."))
    return appeal


def _max_points(appeal: Appeal) -> Any:
    latest = queries.latest_snapshot(appeal.commune.province, appeal.snapshot.period.code)
    return queries.indicator_max_points(latest, appeal) if latest is not None else None


@access(ADMIN)
def appeal_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One appeal with its evidence name, and the forms to uphold (corrected points) or reject it."""
    appeal = _managed_appeal_or_404(request.user, pk)
    max_points = _max_points(appeal)
    context = {
        "appeal": appeal,
        "nav_province": appeal.commune.province,
        "max_points": max_points,
        "uphold_form": UpholdForm(max_points=max_points),
        "reject_form": DecisionForm(),
        "pending": appeal.status == AppealStatus.PENDING,
    }
    return render(request, "evaluations/appeal.html", context)


@require_POST
@access(ADMIN)
def uphold(request: HttpRequest, pk: int) -> HttpResponse:
    """Uphold: a new snapshot revision with the corrected points."""
    appeal = _managed_appeal_or_404(request.user, pk)
    form = UpholdForm(request.POST, max_points=_max_points(appeal))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("evaluations:appeal", appeal.pk)
    try:
        revision = appeal_services.uphold_appeal(
            acting_user(request), appeal, form.cleaned_data["reason"], form.cleaned_data["corrected_points"]
        )
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã chấp nhận khiếu nại: bản công bố lần %(revision)s, mã băm %(hash)s.")
            % {"revision": revision.revision, "hash": revision.sha256},
        )
    return redirect("evaluations:appeal", appeal.pk)


@require_POST
@access(ADMIN)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject with a reason: the published result stays."""
    appeal = _managed_appeal_or_404(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("evaluations:appeal", appeal.pk)
    try:
        appeal_services.reject_appeal(acting_user(request), appeal, form.cleaned_data["reason"])
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã không chấp nhận khiếu nại."))
    return redirect("evaluations:appeal", appeal.pk)


# --- commune: the published result and its appeals ---------------------------------------------


def _window_open(row: Period | None) -> bool:
    return bool(
        row is not None
        and row.state in (PeriodState.PUBLISHED, PeriodState.APPEAL)
        and row.appeal_until is not None
        and timezone.localdate() <= row.appeal_until
    )


def _may_appeal(user: Any, commune: Commune) -> bool:
    return bool(user.role == Role.COMMUNE_LEADER and user.commune_id == commune.pk)


@access(COMMUNE)
def commune_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The commune's published result of the period (latest revision), appeal forms, and its appeals."""
    commune = get_commune_or_404(request.user, code)
    the_period = _period_or_404(period)
    snapshot = queries.latest_snapshot(commune.province, the_period.code)
    row = snapshot.period if snapshot is not None else None
    context = {
        "commune": commune,
        "period": the_period,
        "row": row,
        "snapshot": snapshot,
        # Each indicator with what it adds to the total (docs/rules.md, "Rates and points").
        "units": snapshots.counted_units(snapshot.content, commune.pk, commune.code) if snapshot else [],
        "can_appeal": _window_open(row) and _may_appeal(request.user, commune),
        "appeals": queries.commune_appeals(commune, the_period.code),
    }
    return render(request, "evaluations/commune.html", context)


@require_POST
@role_required(Role.COMMUNE_LEADER)
def file_appeal(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """File an appeal against one indicator (the commune's leader, within the window)."""
    commune = get_commune_or_404(request.user, code)
    the_period = _period_or_404(period)
    form = AppealForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("evaluations:commune", commune.code, the_period.code)
    data = form.cleaned_data
    try:
        appeal_services.file_appeal(
            acting_user(request),
            commune,
            the_period.code,
            data["framework"],
            data["indicator"],
            data["reason"],
            data["evidence"],
        )
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã gửi khiếu nại; tỉnh sẽ xem xét và trả lời."))
    return redirect("evaluations:commune", commune.code, the_period.code)
