"""Login throttling by username and address, and by address alone (django-axes' database handler).

django-axes records every failed login (username, client address, user agent) and compares one
count with ``AXES_FAILURE_LIMIT``. kpixa counts two things (docs/security.md, "Login protection"):

- the failures of one **username from one address** (``AXES_FAILURE_LIMIT``, default 5): a
  guessed password;
- the failures of **one address whatever the username** (``KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT``,
  default 20): password spraying, one password tried on many usernames. It is higher because a
  commune office behind one NAT address has many honest users.

``AXES_LOCKOUT_PARAMETERS`` lists both groups; ``get_failures`` scales each group's count to the
pair's limit, so axes' single comparison locks as soon as either group reaches its own limit. A
successful login forgets only that username's failures from that address: a sprayer who owns one
account cannot clear the address's count by logging into it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

ADDRESS = "ip_address"


def address_failure_limit() -> int:
    """Failed logins from one client address, any username, before the address is locked."""
    return int(getattr(settings, "KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT", 20))


class LoginThrottle(AxesDatabaseHandler):
    """``AxesDatabaseHandler`` with a limit per lockout group and a reset of the pair only."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The recent failures, in units of ``AXES_FAILURE_LIMIT``: the highest of each group's
        count scaled by ``AXES_FAILURE_LIMIT / group limit`` (rounded down), so that the result
        reaches ``AXES_FAILURE_LIMIT`` exactly when some group reaches its own limit."""
        limit = get_failure_limit(request, credentials)
        groups = get_lockout_parameters(request, credentials)
        worst = 0
        for group, attempts in zip(groups, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            own = address_failure_limit() if group == ADDRESS else limit
            worst = max(worst, count * limit // max(own, 1))
        return worst

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """After a successful login, forget that username's failures from that address only."""
        username = get_client_username(request, credentials)
        found = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)
        count, _ = found.delete()
        return count
