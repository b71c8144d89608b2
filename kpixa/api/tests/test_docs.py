"""The API documentation page loads nothing from outside (closed provincial intranets)."""

import re

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_serves_the_api_docs_from_its_own_static_files() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page should load Swagger UI assets"
    assert all(not a.startswith(("http://", "https://", "//")) for a in assets), assets


@pytest.mark.django_db
def test_it_publishes_an_openapi_schema_with_the_ingest_operations() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/dossiers", "/api/v1/petitions", "/api/v1/ratings"} <= set(schema["paths"])
