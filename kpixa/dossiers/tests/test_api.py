"""The ingest API: auth, province binding, batch limits, per-record results, the OpenAPI schema."""

from __future__ import annotations

import json

import pytest

from kpixa.dossiers.models import Dossier
from kpixa.dossiers.tests.conftest import base_record, sample_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"


@pytest.fixture
def key(catalogue):  # type: ignore[no-untyped-def]
    from kpixa.accounts.services import issue_api_token

    _token, key = issue_api_token(
        "Một cửa Gia Lai", "motcua-gialai", catalogue.province, catalogue.users["province_admin"]
    )
    return key


def post(client, payload, key, url=URL):  # type: ignore[no-untyped-def]
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {key}"})


def test_it_refuses_calls_without_a_valid_token(client, catalogue):  # type: ignore[no-untyped-def]
    assert client.post(URL, "[]", content_type="application/json").status_code == 401
    assert post(client, [base_record()], "kpx_nope_nope").status_code == 401


def test_it_imports_the_sample_payload_with_a_result_per_record(client, key):  # type: ignore[no-untyped-def]
    response = post(client, sample_payload(), key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"]["created"] == 2
    assert [(r["index"], r["status"]) for r in body["results"]] == [(0, "created"), (1, "created")]
    assert Dossier.objects.filter(source_system="motcua-gialai").count() == 2
    again = post(client, sample_payload(), key).json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "unchanged"]


def test_it_accepts_one_bare_record(client, key):  # type: ignore[no-untyped-def]
    body = post(client, base_record("ONE"), key).json()
    assert body["results"] == [{"index": 0, "key": "ONE", "status": "created", "reasons": [], "notes": []}]


def test_it_rejects_records_of_units_outside_the_tokens_province(client, key):  # type: ignore[no-untyped-def]
    body = post(client, [base_record("OK"), base_record("X", DonViXuLy="24121")], key).json()
    assert [r["status"] for r in body["results"]] == ["created", "rejected"]
    assert "không thuộc phạm vi" in body["results"][1]["reasons"][0]


def test_it_answers_a_malformed_batch_with_a_clear_4xx(client, key):  # type: ignore[no-untyped-def]
    too_many = [base_record(f"N{i}") for i in range(5001)]
    response = post(client, too_many, key)
    assert response.status_code == 413 and "5000" in response.json()["detail"]
    assert post(client, "{not json", key).status_code == 400
    assert post(client, "42", key).status_code == 422
    assert post(client, [], key).status_code == 400
    assert Dossier.objects.count() == 0


def test_it_serves_petitions_and_ratings(client, key):  # type: ignore[no-untyped-def]
    petition = {"MaPAKN": "P1", "DonViXuLy": "23872", "NgayTiepNhan": "2026-03-02T09:00:00+07:00"}
    rating = {
        "MaDanhGia": "R1",
        "DonViXuLy": "23872",
        "DoiTuong": "1",
        "MucDoHaiLong": "2",
        "NgayDanhGia": "05/03/2026 10:00:00",
    }
    assert post(client, [petition], key, "/api/v1/petitions").json()["counts"]["created"] == 1
    assert post(client, [rating], key, "/api/v1/ratings").json()["counts"]["created"] == 1


def test_it_declares_the_operations_and_their_access_in_the_schema(client):  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/dossiers", "/api/v1/petitions", "/api/v1/ratings"):
        operation = schema["paths"][path]["post"]
        assert operation["x-kpixa-access"] == "token"
        assert {"200", "400", "401", "413"} <= set(operation["responses"])


def test_the_work_a_batch_hands_on_runs_once_the_answer_is_sent(rf):  # type: ignore[no-untyped-def]
    """An API answer carries the committed batch's follow-up work (the accountability pass, the
    scores' refresh) as a closer of the response: the WSGI server runs it after the last byte,
    jobs appended after the answer was built (a later commit) included."""
    from kpixa.api.api import api
    from kpixa.dossiers.api import AFTER_RESPONSE

    ran: list[str] = []
    jobs = [lambda: ran.append("first")]
    request = rf.post(URL)
    setattr(request, AFTER_RESPONSE, jobs)
    response = api.create_response(request, {"ok": True}, status=200)
    jobs.append(lambda: ran.append("late"))
    assert ran == []
    response.close()
    assert ran == ["first", "late"]


def test_an_api_batch_leaves_its_refresh_to_the_caller_once_committed(  # type: ignore[no-untyped-def]
    key, catalogue, django_capture_on_commit_callbacks, monkeypatch
):
    from kpixa.accounts.models import ApiToken
    from kpixa.dossiers.services import api_batches, importing

    refreshed: list[int] = []
    monkeypatch.setattr(importing, "refresh_scores_after", refreshed.append)
    token = ApiToken.objects.get(prefix=key.split("_")[1])
    after: list = []  # type: ignore[type-arg]
    with django_capture_on_commit_callbacks(execute=True):
        batch, results = api_batches.submit_api(token, "dossier", [base_record("LATER")], after)
    assert [r.status for r in results] == ["created"]
    assert refreshed == [] and len(after) == 1  # handed over at the commit, not run
    after[0]()
    assert refreshed == [batch.pk]
    rolled_back: list = []  # type: ignore[type-arg]
    with django_capture_on_commit_callbacks(execute=False):
        api_batches.submit_api(token, "dossier", [base_record("AGAIN")], rolled_back)
    assert rolled_back == []  # nothing is handed on before a commit
