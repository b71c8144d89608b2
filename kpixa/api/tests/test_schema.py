"""The API is tested against its own OpenAPI schema (schemathesis over the WSGI application).

Property tests: every operation of the served schema, called with a valid token of Gia Lai, with
generated bodies (schema-valid and schema-violating): no 5xx, every status code documented,
bodies and content types as declared, schema-valid data accepted, invalid data refused, and the
token actually required. Explicit tests pin the 4xx answers each operation documents.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WsgiClient
from werkzeug.test import TestResponse

from kpixa.wsgi import application

SCHEMA_URL = "/api/v1/openapi.json"
INGEST_PATHS = ("/api/v1/dossiers", "/api/v1/petitions", "/api/v1/ratings")
DOCUMENTED_4XX = {"400", "401", "413", "422"}
# The coverage phase sends the schema's boundary cases, among them full 5,000-record batches:
# minutes of ingest. The boundaries are tested below instead; generation keeps both modes.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}},
        # A batch over 5,000 records is schema-violating and refused with 413 (documented).
        "checks": {"negative_data_rejection": {"expected-statuses": ["400", "401", "413", "422"]}},
    }
)
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=CONFIG)

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def post_raw(path: str, body: bytes, headers: dict[str, str]) -> TestResponse:
    """POST ``body`` as it is (not re-serialised) through the WSGI application."""
    return WsgiClient(application).post(path, data=body, content_type="application/json", headers=headers)


def post_case(path: str, body: Any, key: str | None) -> tuple[Any, Any]:
    """Send ``body`` to ``path`` (with ``key`` as Bearer token when given); the case and its response."""
    case = schema[path]["POST"].Case(body=body, media_type="application/json")
    response = case.call(headers=bearer(key) if key else None)
    return case, response


# --- property tests -----------------------------------------------------------------------------


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_answers_every_operation_as_its_schema_says(case: Any, api_key: str, wsgi_calls: None) -> None:
    case.call_and_validate(headers=bearer(api_key))


# --- the schema ---------------------------------------------------------------------------------


def test_it_serves_a_valid_openapi_3_schema(wsgi_calls: None) -> None:
    schema.validate()
    assert schema.raw_schema["openapi"].startswith("3.")
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "an operation schemathesis cannot read"
    served = {(r.ok().path, r.ok().method.upper()) for r in results if isinstance(r, Ok)}
    expected = {(path, "POST") for path in INGEST_PATHS} | {("/api/v1/health", "GET")}
    assert served == expected


def test_it_declares_the_4xx_answers_of_every_ingest_operation() -> None:
    for path in INGEST_PATHS:
        responses = schema.raw_schema["paths"][path]["post"]["responses"]
        assert set(responses) >= DOCUMENTED_4XX, path
        assert all("application/json" in r["content"] for r in responses.values()), path
        assert schema.raw_schema["paths"][path]["post"]["security"] == [{"ApiTokenAuth": []}]


def test_it_declares_the_body_limits() -> None:
    body = schema.raw_schema["paths"]["/api/v1/dossiers"]["post"]["requestBody"]["content"][
        "application/json"
    ]
    records = body["schema"]["anyOf"][0]
    assert (records["type"], records["minItems"], records["maxItems"]) == ("array", 1, 5000)


# --- explicit 4xx answers, each validated against the schema -----------------------------------


@pytest.mark.parametrize("path", INGEST_PATHS)
def test_it_answers_an_unauthenticated_call_with_a_documented_401(
    path: str, world: Any, wsgi_calls: None
) -> None:
    case, response = post_case(path, [{"MaHoSo": "X"}], key=None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == ["Bearer"]
    case.validate_response(response, checks=CONFORMANCE)
    case, response = post_case(path, [{"MaHoSo": "X"}], key="kpx_unknown_secret")
    assert response.status_code == 401
    case.validate_response(response, checks=CONFORMANCE)


@pytest.mark.parametrize("path", INGEST_PATHS)
def test_it_refuses_a_batch_of_5001_records_with_a_documented_413(
    path: str, api_key: str, wsgi_calls: None
) -> None:
    bodies: list[Any] = [[{}] * 5001, {"danhSach": [{}] * 5001}]
    for body in bodies:
        case, response = post_case(path, body, api_key)
        assert response.status_code == 413
        assert "5000" in response.json()["detail"]
        case.validate_response(response, checks=CONFORMANCE)


def test_it_refuses_a_body_over_the_upload_limit_with_a_documented_413(
    api_key: str, wsgi_calls: None, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    case, response = post_case(INGEST_PATHS[0], [{"MaHoSo": "x" * 2000}], api_key)
    assert response.status_code == 413
    assert response.headers["content-type"][0].startswith("application/json")
    case.validate_response(response, checks=CONFORMANCE)


@pytest.mark.parametrize("path", INGEST_PATHS)
def test_it_answers_malformed_json_with_a_documented_400(path: str, api_key: str, wsgi_calls: None) -> None:
    case = schema[path]["POST"].Case(body=[{}], media_type="application/json")
    response = post_raw(path, b'{"danhSach": [', bearer(api_key))
    assert response.status_code == 400
    case.validate_response(response, checks=CONFORMANCE)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ([], 400),  # an empty batch
        ({"danhSach": []}, 400),
        ({"danhSach": [{}, None]}, 400),  # a wrapped record that is not an object
        ([None], 422),  # django-ninja's own validation of a list of objects
        (42, 422),
        ("text", 422),
    ],
)
def test_it_answers_bodies_it_cannot_read_with_documented_4xx(
    body: Any, status: int, api_key: str, wsgi_calls: None
) -> None:
    case, response = post_case(INGEST_PATHS[0], body, api_key)
    assert response.status_code == status, response.content
    case.validate_response(response, checks=CONFORMANCE)


def test_it_answers_a_batch_with_one_documented_result_per_record(api_key: str, wsgi_calls: None) -> None:
    good = {
        "MaHoSo": "API-1",
        "MaTTHC": "1.004227",
        "DonViXuLy": "23872",
        "TrangThaiHoSo": "4",
        "NgayTiepNhan": "20260303090000",
        "NgayHenTra": "20260306170000",
    }
    foreign = {**good, "MaHoSo": "API-2", "DonViXuLy": "24121"}
    case, response = post_case(INGEST_PATHS[0], {"danhSach": [good, foreign]}, api_key)
    assert response.status_code == 200, response.content
    case.validate_response(response, checks=CONFORMANCE)
    results = response.json()["results"]
    assert [(r["index"], r["key"], r["status"]) for r in results] == [
        (0, "API-1", "created"),
        (1, "API-2", "rejected"),
    ]


def test_it_stores_text_postgresql_cannot_hold_after_cleaning_it(api_key: str, wsgi_calls: None) -> None:
    """NUL characters are dropped and lone surrogates replaced (found by the property test on PostgreSQL)."""
    from kpixa.dossiers.models import Petition

    record = {"MaPAKN": "P\x00-1", "DonViXuLy": "23872", "NgayTiepNhan": "2026-03-02T09:00:00+07:00"}
    record["Ghi\x00Chu"] = "lỗi \ud800 mã"
    case, response = post_case("/api/v1/petitions", [record], api_key)
    assert response.status_code == 200, response.content
    case.validate_response(response, checks=CONFORMANCE)
    assert [r["key"] for r in response.json()["results"]] == ["P-1"]
    assert Petition.objects.filter(code="P-1").exists()


def test_it_answers_the_health_check_without_a_token(db: Any) -> None:
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
