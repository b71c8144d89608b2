"""The province's evaluators act on app pages, not the raw admin (docs/scoring.md, "The province's
evaluators"): the province-wide list of proposals (of the evaluation under the texts and of the
earlier rules) with filters, the decision on one earlier-rules proposal after a confirmation
stating its effect, the list of a period's accountable leaders with what was entered for them,
and the entry of one leader's general-criteria points, đ and e as the period's evaluation inputs
(read by both evaluations). Thin: check access, validate, call the services (which audit),
redirect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kpixa.accounts.access import (
    ADMIN,
    PROVINCE,
    access,
    acting_user,
    can_manage_province,
    visible_provinces,
)
from kpixa.evaluations.models import (
    CommuneEvaluation,
    Consequence,
    ConsequenceKind,
    ConsequenceStatus,
    EvaluationInput,
    InputKind,
    LeaderEvaluation,
    Period,
    RegimeEvaluation,
)
from kpixa.evaluations.services import inputs, legal
from kpixa.evaluations.services.evaluation import decide_consequence
from kpixa.evaluations.services.periods import EvaluationError, period_row
from kpixa.reporting.forms import LocalDecimalField
from kpixa.reporting.queries import period_or_none as parse_period_code
from kpixa.rules.classification import NATIONAL_BANDS
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.units.models import PostKind, Province, Tenure
from kpixa.units.queries import accountable_leaders_over

PAGE_SIZE = 50
# The posts and kinds of the evaluation under the texts (kpixa/rules/consequences.py) as the
# earlier rules' models name them, so one set of filters and labels serves both.
REGIME_POSTS = {"chu_tich": PostKind.CHAIRMAN.value, "bi_thu": PostKind.SECRETARY.value}
REGIME_KINDS = {
    "warning": ConsequenceKind.WARNING.value,
    "transfer_or_relief": ConsequenceKind.TRANSFER_OR_RELIEF.value,
    "dismissal": ConsequenceKind.DISMISSAL.value,
    "relief_reg377": ConsequenceKind.REG377_RELIEF.value,
}


def class_label(code: str) -> str:
    """The words for a class code in the active language (the national bands' names), "—" for none."""
    english = (get_language() or "vi").startswith("en")
    for band_code, _lowest, vi, en in NATIONAL_BANDS:
        if band_code == code:
            return en if english else vi
    return code or "—"


class ConsequenceDecisionForm(forms.Form):
    """A person's decision on one proposed consequence, with a note and the confirmation."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Quyết định"),
        choices=[
            ("", gettext_lazy("— Chọn —")),
            ("accept", gettext_lazy("Chấp nhận")),
            ("reject", gettext_lazy("Không chấp nhận")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Căn cứ, ghi chú (số, ngày văn bản; lý do)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Tôi đã đọc tác động ở trên; quyết định này không sửa được."), required=True
    )


@dataclass(frozen=True)
class ProposalFilters:
    """The province-wide list's filters, as read from the query string (unknown values ignored)."""

    period: str = ""
    status: str = ""
    kind: str = ""
    commune: str = ""
    post: str = ""


def _province(request: HttpRequest, province_code: str, manage: bool = False) -> Province:
    province = visible_provinces(request.user).filter(code=province_code).first()
    if province is None or (manage and not can_manage_province(request.user, province)):
        raise Http404(_("Không tìm thấy tỉnh."))
    return province


def _filters(request: HttpRequest, periods: list[str]) -> ProposalFilters:
    get = request.GET
    status = get.get("status", ConsequenceStatus.PROPOSED.value if "status" not in get else "")
    return ProposalFilters(
        period=get.get("period", "") if get.get("period", "") in periods else "",
        status=status if status in ConsequenceStatus.values else "",
        kind=get.get("kind", "") if get.get("kind", "") in ConsequenceKind.values else "",
        commune=get.get("commune", "")[:8],
        post=get.get("post", "") if get.get("post", "") in PostKind.values else "",
    )


def proposal_rows(province: Province, filters: ProposalFilters) -> Any:
    """The province's proposed consequences matching ``filters``, undecided first, newest period first."""
    qs = Consequence.objects.filter(period__province=province).select_related(
        "period", "commune", "person", "decided_by"
    )
    if filters.period:
        qs = qs.filter(period__code=filters.period)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.commune:
        qs = qs.filter(commune__code=filters.commune)
    if filters.post:
        qs = qs.filter(post=filters.post)
    return qs.order_by("-period__end", "period__code", "commune__name", "post", "kind", "pk")


@dataclass(frozen=True)
class RegimeProposalRow:
    """One proposal of a stored evaluation under the texts, for the province-wide list."""

    period: str
    evaluation_id: int
    framework_code: str
    proposal: legal.Proposal

    @property
    def status(self) -> str:
        decision = self.proposal.decision
        return decision.status if decision is not None else ConsequenceStatus.PROPOSED.value

    @property
    def status_label(self) -> str:
        return str(ConsequenceStatus(self.status).label)

    @property
    def kind_label(self) -> str:
        kind = REGIME_KINDS.get(self.proposal.kind)
        return str(ConsequenceKind(kind).label) if kind else self.proposal.kind

    @property
    def post_label(self) -> str:
        post = REGIME_POSTS.get(self.proposal.post)
        return str(PostKind(post).label) if post else ""


def regime_rows(province: Province, filters: ProposalFilters) -> list[RegimeProposalRow]:
    """The proposals of the province's evaluations under the texts matching ``filters`` (two
    queries: the evaluations, their decisions)."""
    evaluations = (
        RegimeEvaluation.objects.filter(period__province=province)
        .select_related("period")
        .prefetch_related("decisions")
        .order_by("-period__end", "period__code", "framework_code")
    )
    if filters.period:
        evaluations = evaluations.filter(period__code=filters.period)
    rows = []
    for evaluation in evaluations:
        for proposal in legal.proposals(evaluation):
            row = RegimeProposalRow(
                evaluation.period.code, evaluation.pk, evaluation.framework_code, proposal
            )
            if filters.status and row.status != filters.status:
                continue
            if filters.commune and proposal.unit_code != filters.commune:
                continue
            if filters.post and not _same_post(proposal.post, filters.post):
                continue
            if filters.kind and not _same_kind(proposal.kind, filters.kind):
                continue
            rows.append(row)
    return rows


def _same_post(regime_post: str, post: str) -> bool:
    return REGIME_POSTS.get(regime_post, regime_post) == post


def _same_kind(regime_kind: str, kind: str) -> bool:
    return REGIME_KINDS.get(regime_kind, regime_kind) == kind


@access(PROVINCE)
def proposals(request: HttpRequest, province_code: str) -> HttpResponse:
    """Every proposal of the province — of its evaluations under the texts and of the earlier
    rules — filtered by period, status (undecided by default), kind, commune and post; each links
    to its decision page (admins) and the commune's leader page."""
    province = _province(request, province_code)
    periods = list(
        Period.objects.filter(province=province)
        .filter(Q(consequences__isnull=False) | Q(regime_evaluations__isnull=False))
        .order_by("-end", "code")
        .values_list("code", flat=True)
        .distinct()
    )
    periods = list(dict.fromkeys(periods))
    filters = _filters(request, periods)
    page = Paginator(proposal_rows(province, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    regime = regime_rows(province, filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "province": province,
        "nav_province": province,
        "filters": filters,
        "page": page,
        "regime": regime,
        "periods": periods,
        "statuses": ConsequenceStatus.choices,
        "kinds": ConsequenceKind.choices,
        "posts": [
            (PostKind.SECRETARY.value, PostKind.SECRETARY.label),
            (PostKind.CHAIRMAN.value, PostKind.CHAIRMAN.label),
        ],
        "communes": province.communes.order_by("name").values_list("code", "name"),
        "query": query.urlencode(),
        "can_decide": can_manage_province(request.user, province),
    }
    return render(request, "evaluations/proposals.html", context)


def _subject_rating(consequence: Consequence) -> tuple[CommuneEvaluation | None, LeaderEvaluation | None]:
    """The commune's and (for a leader's proposal) the leader's stored ratings of the period."""
    commune = CommuneEvaluation.objects.filter(period=consequence.period, commune=consequence.commune).first()
    leader = None
    if consequence.person_id is not None:
        leader = LeaderEvaluation.objects.filter(
            period=consequence.period, commune=consequence.commune, person_id=consequence.person_id
        ).first()
    return commune, leader


@access(ADMIN)
def consequence_page(request: HttpRequest, province_code: str, pk: int) -> HttpResponse:
    """GET: the proposal (rule, reason, person, the ratings behind it), its decision if any and
    the effect of deciding; POST with the confirmation: record the decision (audited)."""
    province = _province(request, province_code, manage=True)
    consequence = (
        Consequence.objects.filter(pk=pk, period__province=province)
        .select_related("period", "commune", "person", "decided_by")
        .first()
    )
    if consequence is None:
        raise Http404(_("Không tìm thấy đề xuất."))
    form = ConsequenceDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            decide_consequence(consequence, acting_user(request), accept, form.cleaned_data["note"].strip())
        except EvaluationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Đã ghi quyết định: %(decision)s — %(kind)s, %(commune)s.")
                % {
                    "decision": ConsequenceStatus.ACCEPTED.label
                    if accept
                    else ConsequenceStatus.REJECTED.label,
                    "kind": consequence.get_kind_display(),
                    "commune": consequence.commune.name,
                },
            )
            return redirect("evaluations:proposals", province.code)
    commune_rating, leader_rating = _subject_rating(consequence)
    _with_label(commune_rating)
    _with_label(leader_rating)
    context = {
        "province": province,
        "nav_province": province,
        "consequence": consequence,
        "commune_rating": commune_rating,
        "leader_rating": leader_rating,
        "form": form,
    }
    return render(request, "evaluations/consequence.html", context)


def _with_label(rating: Any) -> Any:
    if rating is not None:
        rating.class_label = class_label(rating.classification)
    return rating


# What the province's evaluators enter for each leader (docs/rules.md, "Evaluation of communes and
# leaders"): the general criteria (0–30), đ and e; both evaluations read them.
LEADER_KINDS = (InputKind.GENERAL_POINTS, InputKind.ORGANISING, InputKind.UNITING)


class LeaderEntryForm(forms.Form):
    """One leader's general-criteria points, đ and e with the basis of the assessment. Vietnamese
    number formats ("28,5") are accepted."""

    general_points = LocalDecimalField(
        label=gettext_lazy("Điểm tiêu chí chung (0–30)"),
        min_value=0,
        max_value=30,
        decimal_places=2,
    )
    organising = LocalDecimalField(
        label=gettext_lazy("đ — năng lực tổ chức thực hiện nhiệm vụ (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    uniting = LocalDecimalField(
        label=gettext_lazy("e — năng lực tập hợp, đoàn kết (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    evidence = forms.CharField(
        max_length=300,
        label=gettext_lazy("Căn cứ (biên bản, văn bản đánh giá: số, ngày)"),
        help_text=gettext_lazy("Ví dụ: Biên bản họp Ban Thường vụ số 12-BB/TU ngày 15/01/2026."),
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Ghi chú")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("general_points", "organising", "uniting"):
            self.fields[name].widget.input_type = "text"  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["inputmode"] = "decimal"


@dataclass
class LeaderRow:
    """One accountable leader of the period with what was entered for him or her."""

    tenure: Any
    values: dict[str, str]

    @property
    def complete(self) -> bool:
        return all(kind.value in self.values for kind in LEADER_KINDS)

    @property
    def general(self) -> str:
        return self.values.get(InputKind.GENERAL_POINTS.value, "")

    @property
    def organising(self) -> str:
        return self.values.get(InputKind.ORGANISING.value, "")

    @property
    def uniting(self) -> str:
        return self.values.get(InputKind.UNITING.value, "")


def _span(period: str) -> PeriodSpan:
    span = parse_period_code(period)
    if span is None:
        raise Http404(_("Mã kỳ không hợp lệ."))
    return span


def _entered(row: Period | None, person_ids: list[int]) -> dict[tuple[int, str, int], dict[str, str]]:
    """The general points, đ and e entered for the period by (commune, post, person) (one query)."""
    out: dict[tuple[int, str, int], dict[str, str]] = {}
    if row is None:
        return out
    items = EvaluationInput.objects.filter(
        period=row, kind__in=[k.value for k in LEADER_KINDS], person_id__in=person_ids
    ).values_list("commune_id", "post", "person_id", "kind", "value")
    for commune_id, post, person_id, kind, value in items:
        out.setdefault((commune_id, post, person_id), {})[kind] = value
    return out


def leader_rows(province: Province, span: PeriodSpan, row: Period | None) -> list[LeaderRow]:
    """Every Secretary and Chairman in post during the period in the province's communes, with
    their entries; those still missing one first (three queries)."""
    names = dict(province.communes.values_list("id", "name"))
    tenures = [
        t for items in accountable_leaders_over(list(names), span.start, span.end).values() for t in items
    ]
    entered = _entered(row, [t.person_id for t in tenures])
    rows = [LeaderRow(t, entered.get((t.commune_id, t.post, t.person_id), {})) for t in tenures]
    for r in rows:
        r.tenure.commune_name = names[r.tenure.commune_id]
    return sorted(rows, key=lambda r: (r.complete, r.tenure.commune_name, r.tenure.post, r.tenure.start))


@access(ADMIN)
def leader_inputs(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """The period's accountable leaders with their general points, đ and e; those still waiting
    for the authority's entries first, each linking to its entry form."""
    province = _province(request, province_code, manage=True)
    span = _span(period)
    row = Period.objects.filter(province=province, code=span.code).first()
    rows = leader_rows(province, span, row)
    context = {
        "province": province,
        "nav_province": province,
        "period": span,
        "row": row,
        "pending": [r for r in rows if not r.complete],
        "done": [r for r in rows if r.complete],
    }
    return render(request, "evaluations/leader_inputs.html", context)


@access(ADMIN)
def leader_assessment(request: HttpRequest, province_code: str, period: str, pk: int) -> HttpResponse:
    """GET: one leader, what was entered and the form; POST: store the general points, đ and e as
    the period's evaluation inputs for that leader (each audited by ``inputs.set_input``)."""
    province = _province(request, province_code, manage=True)
    span = _span(period)
    tenure = (
        Tenure.objects.filter(pk=pk, commune__province=province, start__lte=span.end)
        .filter(Q(end__isnull=True) | Q(end__gte=span.start))
        .select_related("commune", "person")
        .first()
    )
    if tenure is None:
        raise Http404(_("Không tìm thấy lãnh đạo trong kỳ."))
    row = Period.objects.filter(province=province, code=span.code).first()
    current = _entered(row, [tenure.person_id]).get((tenure.commune_id, tenure.post, tenure.person_id), {})
    initial = {
        name: current.get(kind.value)
        for name, kind in zip(("general_points", "organising", "uniting"), LEADER_KINDS, strict=True)
    }
    form = LeaderEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                stored_row = row or period_row(province, span)
                for name, kind in zip(("general_points", "organising", "uniting"), LEADER_KINDS, strict=True):
                    entry = inputs.Entry(
                        tenure.commune,
                        tenure.post,
                        tenure.person,
                        kind.value,
                        str(data[name]),
                        None,
                        data["note"].strip(),
                        data["evidence"].strip(),
                    )
                    inputs.set_input(stored_row, entry, actor=acting_user(request))
        except (inputs.InvalidInput, EvaluationError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Đã ghi điểm tiêu chí chung, đ và e của %(name)s; có hiệu lực ở lần đánh giá tiếp theo.")
                % {"name": tenure.person.full_name},
            )
            return redirect("evaluations:leader_inputs", province.code, span.code)
    context = {
        "province": province,
        "nav_province": province,
        "period": span,
        "row": row,
        "tenure": tenure,
        "current": LeaderRow(tenure, current),
        "form": form,
        "commune_rating": _with_label(
            CommuneEvaluation.objects.filter(period=row, commune=tenure.commune)
            .select_related("framework_version")
            .first()
            if row
            else None
        ),
    }
    return render(request, "evaluations/leader_assessment.html", context)
