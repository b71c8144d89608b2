"""The province admin's actions on the evaluation under the texts for one period: run ``evaluate``
after a confirmation step that states its effect, and record an outstanding-organisation decision
excepting a quota group (docs/scoring.md, "Evaluation under the texts"). Thin: check access,
validate, call ``kpixa.evaluations.services.legal`` (which audits), redirect."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kpixa.accounts.access import ADMIN, access, acting_user, can_manage_province, visible_provinces
from kpixa.evaluations.models import Period, QuotaException, RegimeEvaluation
from kpixa.evaluations.services import chain, legal
from kpixa.evaluations.services.periods import EvaluationError, period_row
from kpixa.frameworks.models import FrameworkVersion
from kpixa.reporting.queries import period_or_none as parse_period_code
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.units.models import CommuneKind, Province

DEFAULT_FRAMEWORK = "kpi_xa_example"


class EvaluateForm(forms.Form):
    """The commune framework whose totals the evaluation reads, and the admin's confirmation."""

    framework = forms.ChoiceField(label=gettext_lazy("Bộ chỉ số của xã/phường"))
    confirm = forms.BooleanField(
        label=gettext_lazy("Tôi đã đọc tác động ở trên và muốn chạy đánh giá."), required=True
    )

    def __init__(self, codes: list[str], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["framework"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]


class ProposalDecisionForm(forms.Form):
    """A person's decision on one proposal of the evaluation under the texts, confirmed."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Quyết định"),
        choices=[("accept", gettext_lazy("Chấp nhận")), ("reject", gettext_lazy("Không chấp nhận"))],
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea)
    confirm = forms.BooleanField(
        label=gettext_lazy("Tôi đã đọc tác động ở trên; quyết định này không sửa được."), required=True
    )


class QuotaExceptionForm(forms.Form):
    """An outstanding-organisation decision excepting one quota group of the period."""

    group = forms.ChoiceField(label=gettext_lazy("Nhóm tính tỷ lệ"))
    decision = forms.CharField(
        max_length=300, label=gettext_lazy("Quyết định công nhận tập thể tiêu biểu (số, ngày, cơ quan)")
    )

    def __init__(self, groups: list[tuple[str, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].choices = groups  # type: ignore[attr-defined]


def _scope(
    request: HttpRequest, province_code: str, period: str
) -> tuple[Province, PeriodSpan, Period | None]:
    province = visible_provinces(request.user).filter(code=province_code).first()
    if province is None or not can_manage_province(request.user, province):
        raise Http404(_("Không tìm thấy tỉnh."))
    span = parse_period_code(period)
    if span is None:
        raise Http404(_("Mã kỳ không hợp lệ."))
    return province, span, Period.objects.filter(province=province, code=span.code).first()


def _frameworks(span: PeriodSpan) -> list[str]:
    """The commune frameworks with a version valid in the period (leader files aside)."""
    codes = (
        FrameworkVersion.objects.filter(valid_from__lte=span.end)
        .exclude(code__startswith="leader")
        .order_by("code")
        .values_list("code", flat=True)
        .distinct()
    )
    found = list(dict.fromkeys(codes))
    return sorted(found, key=lambda c: (c != DEFAULT_FRAMEWORK, c))


def _groups(province: Province) -> list[tuple[str, str]]:
    """The quota groups: the province's peer groups in priority order, then the commune kinds."""
    peer = [(code, code) for code in chain.policy_of(province.pk).quota_peer_groups or []]
    kinds = [(f"loai:{value}", f"{label} (loai:{value})") for value, label in CommuneKind.choices]
    return peer + kinds


@access(ADMIN)
def evaluate_page(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """GET: what running the evaluation does, the framework choice and the quota exceptions;
    POST with the confirmation: run it."""
    province, span, row = _scope(request, province_code, period)
    codes = _frameworks(span)
    form = EvaluateForm(codes, request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["framework"]
        try:
            stored = legal.evaluate(code, span.code, province.code, acting_user(request))
        except EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            count = len(stored.content.get("communes", []))
            messages.success(
                request,
                _("Đã đánh giá theo văn bản %(n)s xã/phường kỳ %(period)s (bộ chỉ số %(code)s).")
                % {"n": count, "period": span.code, "code": code},
            )
            return redirect("evaluations:legal", province.code, span.code)
    context = {
        "province": province,
        "nav_province": province,
        "period": span,
        "row": row,
        "form": form,
        "quota_form": QuotaExceptionForm(_groups(province)),
        "exceptions": list(QuotaException.objects.filter(period=row).select_related("recorded_by"))
        if row
        else [],
        "evaluations": list(
            RegimeEvaluation.objects.filter(period=row)
            .order_by("framework_code")
            .only("framework_code", "evaluated_at", "period_id")
        )
        if row
        else [],
    }
    return render(request, "evaluations/evaluate.html", context)


@require_POST
@access(ADMIN)
def quota_exception(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """Record an outstanding-organisation decision for a quota group (audited by the service)."""
    province, span, row = _scope(request, province_code, period)
    form = QuotaExceptionForm(_groups(province), request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("evaluations:evaluate", province.code, span.code)
    try:
        legal.record_quota_exception(
            row or period_row(province, span),
            form.cleaned_data["group"],
            form.cleaned_data["decision"],
            actor=acting_user(request),
        )
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Đã ghi quyết định miễn tỷ lệ xuất sắc cho nhóm %(group)s; "
                "có hiệu lực ở lần đánh giá tiếp theo."
            )
            % {"group": form.cleaned_data["group"]},
        )
    return redirect("evaluations:evaluate", province.code, span.code)


@access(ADMIN)
def proposal_page(request: HttpRequest, province_code: str, period: str, pk: int, key: str) -> HttpResponse:
    """GET: the proposal (rule, article, facts, people), its decision if any and the effect of
    deciding; POST with the confirmation: record the decision (audited by the service)."""
    province, span, row = _scope(request, province_code, period)
    evaluation = RegimeEvaluation.objects.filter(pk=pk, period=row).select_related("period").first()
    if row is None or evaluation is None:
        raise Http404(_("Không tìm thấy đánh giá."))
    proposal = next((p for p in legal.proposals(evaluation) if p.key == key), None)
    if proposal is None:
        raise Http404(_("Không tìm thấy đề xuất."))
    form = ProposalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            legal.decide_proposal(
                evaluation,
                key,
                form.cleaned_data["decision"] == "accept",
                form.cleaned_data["note"],
                actor=acting_user(request),
            )
        except EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã ghi quyết định về đề xuất."))
            return redirect("evaluations:legal", province.code, span.code)
    context = {
        "province": province,
        "nav_province": province,
        "period": span,
        "evaluation": evaluation,
        "proposal": proposal,
        "form": form,
    }
    return render(request, "evaluations/proposal.html", context)
