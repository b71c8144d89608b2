"""A URL configuration of sample endpoints, correct and broken, that the matrix's own tests run against."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from kpixa.accounts.access import access, api_access, get_commune_or_404, role_required, token_commune_or_404
from kpixa.accounts.models import Role
from kpixa.accounts.tokens import ApiTokenAuth
from kpixa.units.models import Commune


@access("commune")
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse(get_commune_or_404(request.user, code).name)


@role_required(Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN)
def report(request: HttpRequest, commune_code: str) -> HttpResponse:
    return HttpResponse("ok")


@access("province")
def ranking(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def leaky(request: HttpRequest, code: str) -> HttpResponse:
    """Claims the commune policy but fetches by bare code: every role sees every commune."""
    return HttpResponse(Commune.objects.get(code=code).name)


leaky.kpixa_access = "commune"  # type: ignore[attr-defined]


def undeclared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


api = NinjaAPI(urls_namespace="matrix_api")


@api.get("/communes/{code}/ping", auth=ApiTokenAuth(), openapi_extra=api_access("token"))
def ping(request: HttpRequest, code: str) -> dict[str, str]:
    return {"name": token_commune_or_404(request.auth, code).name}  # type: ignore[attr-defined]


@api.get("/communes/{code}/leak", auth=ApiTokenAuth(), openapi_extra=api_access("token"))
def leak(request: HttpRequest, code: str) -> dict[str, str]:
    return {"name": Commune.objects.get(code=code).name}


@api.get("/open")
def open_operation(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


app_name = "sample"
urlpatterns = [
    path("c/<str:code>/", scorecard, name="scorecard"),
    path("r/<str:commune_code>/", report, name="report"),
    path("ranking/", ranking, name="ranking"),
    path("leaky/<str:code>/", leaky, name="leaky"),
    path("undeclared/", undeclared, name="undeclared"),
    path("api/", api.urls),
]
