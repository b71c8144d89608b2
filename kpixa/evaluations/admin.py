"""Admin of evaluations: periods, classes, leader assessments (entered through the service), proposals."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from kpixa.accounts.access import acting_user
from kpixa.accounts.admin_audit import AuditedModelAdmin
from kpixa.evaluations.forms import LeaderAssessmentForm
from kpixa.evaluations.models import (
    CommuneEvaluation,
    Consequence,
    LeaderEvaluation,
    Period,
    ProvincePolicy,
    QuotaException,
)
from kpixa.evaluations.services import evaluation


class ReadOnlyMixin:
    """Rows written by services only: viewable, never edited or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Period)
class PeriodAdmin(ReadOnlyMixin, AuditedModelAdmin):
    list_display = ["code", "province", "kind", "start", "end", "state"]
    list_filter = ["state", "kind"]
    readonly_fields = ["province", "code", "kind", "start", "end", "state"]
    province_lookup = "province"


@admin.register(CommuneEvaluation)
class CommuneEvaluationAdmin(ReadOnlyMixin, AuditedModelAdmin):
    list_display = ["commune", "period", "total", "points_classification", "classification", "tasks_late"]
    list_filter = ["classification", "period__code"]
    list_select_related = ["commune", "period"]
    readonly_fields = [f.name for f in CommuneEvaluation._meta.fields]
    province_lookup = "commune__province"


@admin.register(LeaderEvaluation)
class LeaderEvaluationAdmin(ReadOnlyMixin, AuditedModelAdmin):
    """The authority enters general points, đ, e (and a, b, c) here; the service re-rates the leader.

    These are the earlier one-formula ratings (``evaluate_period``), not the evaluation under the
    texts: their class is labelled so (docs/rules.md, "Evaluation of communes and leaders")."""

    form = LeaderAssessmentForm
    list_display = ["person", "post", "commune", "period", "total", "earlier_class", "quota_outcome"]
    list_filter = ["post", "classification", "period__code"]
    list_select_related = ["person", "commune", "period"]
    readonly_fields = [
        "person",
        "post",
        "commune",
        "period",
        "d_unit_result",
        "result_points",
        "total",
        "points_classification",
        "classification",
        "capped_by_unit",
        "days_served",
        "served_share",
        "judged",
        "quota_outcome",
        "explanation_vi",
    ]
    province_lookup = "commune__province"

    @admin.display(
        description=gettext_lazy("Xếp loại theo quy tắc trước đây (không phải đánh giá theo văn bản)"),
        ordering="classification",
    )
    def earlier_class(self, obj: LeaderEvaluation) -> str:
        return obj.classification

    def save_model(self, request: HttpRequest, obj: LeaderEvaluation, form: Any, change: bool) -> None:
        self.check_writable(request, obj)
        data = form.cleaned_data
        evaluation.enter_leader_assessment(
            obj,
            acting_user(request),
            general=data["general_points"],
            organising=data["dd_organising"],
            uniting=data["e_uniting"],
            quantity=data.get("a_quantity"),
            quality=data.get("b_quality"),
            timeliness=data.get("c_timeliness"),
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related to save; the service wrote the audit entry."""


@admin.register(Consequence)
class ConsequenceAdmin(ReadOnlyMixin, AuditedModelAdmin):
    list_display = ["kind", "person", "commune", "period", "status", "decided_by"]
    list_filter = ["status", "kind", "period__code"]
    list_select_related = ["person", "commune", "period", "decided_by"]
    readonly_fields = [f.name for f in Consequence._meta.fields if f.name != "id"]
    actions = ["accept", "reject"]
    province_lookup = "commune__province"

    @admin.action(description=gettext_lazy("Chấp nhận các đề xuất đã chọn"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("Không chấp nhận các đề xuất đã chọn"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, False)

    def _decide(self, request: HttpRequest, queryset: Any, accept: bool) -> None:
        for consequence in queryset.filter(status="proposed"):
            if not self.has_change_permission(request, consequence):
                raise PermissionDenied
            evaluation.decide_consequence(consequence, acting_user(request), accept)
        messages.success(request, gettext("Đã ghi nhận quyết định."))


@admin.register(ProvincePolicy)
class ProvincePolicyAdmin(AuditedModelAdmin):
    list_display = [
        "province",
        "joint_departure",
        "joint_departure_below_total",
        "joint_departure_period",
        "quota_peer_groups",
        "leader_framework_code",
    ]
    province_lookup = "province"


@admin.register(QuotaException)
class QuotaExceptionAdmin(AuditedModelAdmin):
    """Decisions excepting a quota group of a period (an outstanding organisation)."""

    list_display = ["period", "group", "decision", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    province_lookup = "period__province"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.recorded_by, obj.recorded_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
