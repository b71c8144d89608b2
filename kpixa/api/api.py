"""The JSON API (django-ninja): one NinjaAPI, with a router per domain app."""

from collections.abc import Callable
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError

from kpixa.dossiers.api import AFTER_RESPONSE, BodyParser
from kpixa.dossiers.api import router as dossiers_router


class KpixaAPI(NinjaAPI):
    """The NinjaAPI whose answers run, once sent, the work a view left on the request under
    ``AFTER_RESPONSE`` (an ingest batch's accountability pass and scores' refresh, after its
    commit): the WSGI server closes the response after the last byte, and Django runs the
    response's closers then, before the request's end closes the database connection."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        after = getattr(request, AFTER_RESPONSE, None)
        if after is not None:
            delattr(request, AFTER_RESPONSE)
            closers = response._resource_closers  # type: ignore[attr-defined]  # run by HttpResponseBase.close()
            closers.append(lambda: _run(after))
        return response


def _run(jobs: list[Callable[[], None]]) -> None:
    """Run the jobs in order, those appended until now included (a commit after the view, under
    an outer transaction, appends its own late); each job logs its own failures."""
    while jobs:
        jobs.pop(0)()


api = KpixaAPI(
    title="kpixa API",
    version="1",
    description="Ingest dossiers, petitions and ratings; read published results.",
    urls_namespace="api",
    parser=BodyParser(),
)


class HealthOut(Schema):
    status: Literal["ok"]


@api.get("/health", auth=None, response={200: HealthOut}, summary="Liveness check")
def health(request: HttpRequest) -> dict[str, str]:
    """Return ``{"status": "ok"}`` when the application answers."""
    return {"status": "ok"}


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413 in JSON, as documented (not Django's HTML 400)."""
    message = gettext_noop("Dữ liệu gửi lên quá lớn: tối đa %(size)d byte cho mỗi lần gọi.")
    detail = message % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401 with the challenge HTTP requires (``WWW-Authenticate: Bearer``)."""
    response = api.create_response(request, {"detail": "Unauthorized"}, status=exc.status_code)
    response["WWW-Authenticate"] = "Bearer"
    return response


api.add_router("/", dossiers_router)
