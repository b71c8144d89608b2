"""Admin of the national calendar exceptions; every change is audited by the base class.

The calendar is national (a day off counts in every province's deadlines), so only superusers
add, change or delete exceptions; a province admin may view them.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.admin_audit import AuditedModelAdmin
from kpixa.workdays.models import CalendarException

# Granted to province admins by the accounts app: viewing only (the calendar is national, and
# ``province_lookup = None`` below refuses every write to a province admin whatever he holds).
PROVINCE_ADMIN_PERMISSIONS = [
    ("workdays", "view_calendarexception"),
]

_WEEKDAYS = [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")]


@admin.register(CalendarException)
class CalendarExceptionAdmin(AuditedModelAdmin):
    province_lookup = None
    list_display = ("day", "weekday", "kind", "reason", "year")
    list_filter = ("year", "kind")
    search_fields = ("reason",)
    ordering = ("-day",)
    date_hierarchy = "day"
    fields = ("day", "kind", "reason")

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarException) -> str:
        return str(_WEEKDAYS[obj.day.weekday()])
