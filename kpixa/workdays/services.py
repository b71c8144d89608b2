"""State changes of the calendar exceptions (outside the admin, e.g. from a command or the demo)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.forms.models import model_to_dict

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.workdays.models import CalendarException, ExceptionKind


def set_exception(
    day: date, kind: ExceptionKind | str, reason: str, *, actor: User | None = None
) -> CalendarException:
    """Create or replace the exception of ``day`` (validated) and audit it; return it."""
    with transaction.atomic():
        existing = CalendarException.objects.select_for_update().filter(day=day).first()
        before = model_to_dict(existing) if existing else None
        exception = existing or CalendarException(day=day)
        exception.kind, exception.reason = str(kind), reason
        exception.full_clean(validate_unique=existing is None)
        exception.save()
        audit.record(
            "workdays.exception_set",
            actor=actor,
            object_type=CalendarException._meta.label,
            object_id=exception.pk,
            before=before,
            after=model_to_dict(exception),
            reason=reason,
        )
    return exception


def remove_exception(day: date, *, actor: User | None = None, reason: str = "") -> bool:
    """Delete the exception of ``day`` if there is one, audited; return whether one was deleted."""
    with transaction.atomic():
        exception = CalendarException.objects.select_for_update().filter(day=day).first()
        if exception is None:
            return False
        before, pk = model_to_dict(exception), exception.pk
        exception.delete()
        audit.record(
            "workdays.exception_removed",
            actor=actor,
            object_type=CalendarException._meta.label,
            object_id=pk,
            before=before,
            reason=reason,
        )
    return True
