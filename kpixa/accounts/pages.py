"""Pages of the accounts app beyond login: the user's notifications, the province's audit log.

The audit log page is for province admins and shows only entries of their province
(``AuditEntry.province_code``); filters by action, date range and actor; exports CSV.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kpixa.accounts import notifications
from kpixa.accounts.access import ADMIN, LOGIN, access
from kpixa.accounts.models import AuditEntry
from kpixa.spreadsheet_safety import csv_writer

PAGE_SIZE = 50


@access(LOGIN)
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, 50 a page."""
    page = Paginator(notifications.for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@require_POST
@access(LOGIN)
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all the user's notifications read (or the one named by ``id``), then go back to the list."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    notifications.mark_read(request.user, ids)
    return redirect("accounts:notifications")


# --- the audit log ----------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=gettext_lazy("Hành động"), required=False, max_length=80)
    actor = forms.CharField(label=gettext_lazy("Người thực hiện"), required=False, max_length=200)
    date_from = forms.DateField(
        label=gettext_lazy("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters: an action prefix (``reporting.`` or ``reporting.approve``), an actor
    name fragment, and an inclusive local date range."""

    action: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(user: Any, flt: AuditFilter) -> QuerySet[AuditEntry]:
    """Return the audit entries ``user`` may read, filtered, newest first.

    Province admins: their province's entries; superusers: all; anyone else: none.
    """
    entries = AuditEntry.objects.order_by("-id")
    if not user.is_superuser:
        if user.province_id is None:
            return entries.none()
        entries = entries.filter(province_code=user.province.code)
    if flt.action:
        entries = entries.filter(action__startswith=flt.action)
    if flt.actor:
        entries = entries.filter(actor_label__icontains=flt.actor)
    if flt.date_from:
        entries = entries.filter(at__gte=_local_midnight(flt.date_from))
    if flt.date_to:
        entries = entries.filter(at__lt=_local_midnight(flt.date_to + timedelta(days=1)))
    return entries


def _filter_of(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilter]:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, AuditFilter(
            data["action"].strip(), data["actor"].strip(), data["date_from"], data["date_to"]
        )
    return form, AuditFilter()


@access(ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The province's audit log with filters, 50 entries a page, and a CSV export link."""
    form, flt = _filter_of(request)
    entries = audit_entries(request.user, flt)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()})


CSV_COLUMNS = (
    ("id", gettext_lazy("Số thứ tự")),
    ("at", gettext_lazy("Thời điểm")),
    ("actor_label", gettext_lazy("Người thực hiện")),
    ("action", gettext_lazy("Hành động")),
    ("object_type", gettext_lazy("Loại đối tượng")),
    ("object_id", gettext_lazy("Mã đối tượng")),
    ("province_code", gettext_lazy("Tỉnh")),
    ("before", gettext_lazy("Trước")),
    ("after", gettext_lazy("Sau")),
    ("reason", gettext_lazy("Lý do")),
    ("prev_hash", gettext_lazy("Mã băm mục trước")),
    ("hash", gettext_lazy("Mã băm")),
)


def _cell(entry: AuditEntry, column: str) -> str:
    value = getattr(entry, column)
    if column in ("before", "after"):
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if column == "at":
        return timezone.localtime(value).isoformat()
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    writer = csv_writer(_Echo())  # formula-like cells are written as text
    yield "\ufeff"  # so spreadsheet programs read the Vietnamese text as UTF-8
    yield writer.writerow([str(label) for _col, label in CSV_COLUMNS])
    for entry in entries.order_by("id").iterator(chunk_size=2000):
        yield writer.writerow([_cell(entry, column) for column, _label in CSV_COLUMNS])


@access(ADMIN)
def audit_csv(request: HttpRequest) -> Any:  # a StreamingHttpResponse
    """Every entry the filters select, oldest first, as CSV (UTF-8 with BOM), streamed."""
    _form, flt = _filter_of(request)
    response = StreamingHttpResponse(
        _csv_rows(audit_entries(request.user, flt)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="kpixa-nhat-ky.csv"'
    return response
