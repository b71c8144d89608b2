"""Admin of the reporting app: read-only lists (every change goes through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kpixa.accounts.admin_audit import ScopedModelAdmin
from kpixa.reporting.models import Evidence, ReportedValue, SubmissionDeadline

PROVINCE_ADMIN_PERMISSIONS = [
    ("reporting", "view_reportedvalue"),
    ("reporting", "view_evidence"),
    ("reporting", "view_submissiondeadline"),
]


class _ReadOnly(ScopedModelAdmin):
    """Rows of the province admin's province only (``ScopedModelAdmin``); never written here."""

    province_lookup = "commune__province"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportedValue)
class ReportedValueAdmin(_ReadOnly):
    list_display = (
        "commune",
        "period_code",
        "measure",
        "value",
        "status",
        "first_submitted_at",
        "after_close",
    )
    list_filter = ("status", "period_code", "after_close")
    search_fields = ("commune__name", "commune__code", "measure")


@admin.register(Evidence)
class EvidenceAdmin(_ReadOnly):
    province_lookup = "value__commune__province"
    list_display = ("original_name", "value", "content_type", "size", "uploaded_at")


@admin.register(SubmissionDeadline)
class SubmissionDeadlineAdmin(_ReadOnly):
    province_lookup = "province"
    list_display = ("province", "period_code", "due_on", "set_by", "set_at")
