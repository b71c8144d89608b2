"""Template context shared by every page: the logged-in user's unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kpixa.accounts.notifications import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: counted lazily, so pages that do not show it cost no query."""
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
