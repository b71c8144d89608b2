"""Drop the cached calendar whenever an exception is saved or deleted."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kpixa.workdays.calendar import invalidate_calendar
from kpixa.workdays.models import CalendarException


@receiver(post_save, sender=CalendarException, dispatch_uid="workdays_exception_saved")
@receiver(post_delete, sender=CalendarException, dispatch_uid="workdays_exception_deleted")
def exception_changed(sender: Any, **kwargs: Any) -> None:
    # Now, so this process sees the change at once; and again at commit, so a calendar
    # rebuilt inside the transaction (before the row was visible to others) is not kept.
    invalidate_calendar()
    transaction.on_commit(invalidate_calendar)
