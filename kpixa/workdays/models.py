"""Calendar exceptions that administrators enter per year: extra days off and working days."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpixa.workdays.calendar import OutOfCalendarRange, WorkCalendar


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc")


class CalendarException(models.Model):
    """One national exception to the working-day calendar: an extra day off or a working (Satur)day."""

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=ExceptionKind.choices)
    reason = models.CharField(
        _("lý do"),
        max_length=300,
        help_text=_("Căn cứ, ví dụ: Thông báo hoán đổi ngày làm việc dịp Quốc khánh năm 2026."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), editable=False, db_index=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("ngày nghỉ/làm việc ngoại lệ")
        verbose_name_plural = _("ngày nghỉ/làm việc ngoại lệ")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} — {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.year = self.day.year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse an exception that would change nothing (the day already is what it says)."""
        if self.day is None or not self.kind:
            return
        try:
            already = WorkCalendar(years=range(self.day.year, self.day.year + 1)).is_working_day(self.day)
        except OutOfCalendarRange:
            return
        if already == (self.kind == ExceptionKind.WORKING_DAY):
            message = (
                _("Ngày này vốn đã là ngày làm việc.")
                if already
                else _("Ngày này vốn đã là ngày nghỉ (cuối tuần hoặc ngày lễ).")
            )
            raise ValidationError({"kind": message})


def load_exceptions() -> tuple[set[date], set[date]]:
    """Return (days off, working days) entered by administrators, read from the database."""
    days_off: set[date] = set()
    working: set[date] = set()
    for day, kind in CalendarException.objects.values_list("day", "kind"):
        (days_off if kind == ExceptionKind.DAY_OFF else working).add(day)
    return days_off, working
