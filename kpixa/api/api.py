"""The JSON API (django-ninja): one NinjaAPI, with a router per domain app."""

from ninja import NinjaAPI

from kpixa.dossiers.api import router as dossiers_router

api = NinjaAPI(
    title="kpixa API",
    version="1",
    description="Ingest dossiers, petitions and ratings; read published results.",
    urls_namespace="api",
)


@api.get("/health", auth=None, summary="Liveness check")
def health(request):  # type: ignore[no-untyped-def]
    """Return ``{"status": "ok"}`` when the application answers."""
    return {"status": "ok"}


api.add_router("/", dossiers_router)
