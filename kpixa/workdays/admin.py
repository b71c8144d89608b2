"""Admin of the national calendar exceptions; every change is audited by the base class."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.admin_audit import AuditedModelAdmin
from kpixa.workdays.models import CalendarException

# Granted to province admins by the accounts app (the calendar is national: no province scope).
PROVINCE_ADMIN_PERMISSIONS = [
    ("workdays", "view_calendarexception"),
    ("workdays", "add_calendarexception"),
    ("workdays", "change_calendarexception"),
    ("workdays", "delete_calendarexception"),
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
