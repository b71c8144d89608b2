"""A database busy beyond its wait answers 503 with Retry-After, never a bare 500.

(PostgreSQL: an API batch waits at most ``KPIXA_API_LOCK_WAIT`` seconds for an earlier batch
of its source system, see kpixa/dossiers/services/copyload.py ``lock_source``; then the same answer.)

On SQLite one writer works at a time: an import batch, which is one transaction, holds the
write lock until it commits, and every other writer (an API post, a login) waits for it up to
the busy timeout (``KPIXA_SQLITE_BUSY_TIMEOUT``, docs/settings.md). A request still waiting
then fails with "database is locked"; this middleware answers it as "busy, try again" in
Vietnamese (JSON for the API), which clients and users can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# PostgreSQL: lock_not_available (the API's lock wait ran out) and deadlock_detected (a batch of
# another source system took the same rollup rows in another order; the batch, one transaction,
# was rolled back whole, so sending it again is safe).
RETRYABLE = ("55P03", "40P01")


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" / "database table is locked" errors and for
    PostgreSQL's lock timeout (an API batch waiting too long behind another batch of its source
    system, kpixa/dossiers/services/copyload.py ``lock_source``) and deadlock errors."""
    if not isinstance(exc, OperationalError):
        return False
    return "is locked" in str(exc) or getattr(exc.__cause__, "sqlstate", None) in RETRYABLE


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not is_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        message = _(
            "Hệ thống đang bận ghi dữ liệu (một lô nhập lớn đang chạy). Vui lòng thử lại sau ít phút."
        )
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
