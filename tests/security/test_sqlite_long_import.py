"""A long import does not make other requests fail.

On SQLite one writer works at a time and an import batch is one transaction: API posts and
logins used to fail with 500 "database is locked" after 20 s of a 70 s import. Writers now wait
for the import's commit (busy timeout KPIXA_SQLITE_BUSY_TIMEOUT, 180 s by default), and one that
still times out is answered 503 with Retry-After, never 500. The first test runs on both
databases (on PostgreSQL the other writers never wait for the import's lock).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from kpixa.dossiers.models import Dossier, ImportBatch, JobStatus
from kpixa.dossiers.services import importing
from tests.security.ingest_support import add_catalogue, assert_rollups_equal_rebuild, post, records

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = 4.0  # seconds the import keeps its transaction open after writing its first chunk


def _long_import(
    tmp_path, hold: float = HOLD, system: str = "file"
) -> tuple[threading.Thread, threading.Event, list[Any]]:  # type: ignore[no-untyped-def]
    """Start a file import that holds its transaction ``hold`` seconds; return once it holds it."""
    path = tmp_path / "long.json"
    path.write_text(json.dumps(records(0, 300)))
    holding, result = threading.Event(), list[Any]()

    def slow(batch: ImportBatch) -> None:
        holding.set()
        time.sleep(hold)

    def run() -> None:
        try:
            result.append(importing.import_file(path, progress=slow, source_system=system))
        except Exception as exc:  # the test asserts on it
            result.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(60)
    return thread, holding, result


def test_it_serves_api_posts_and_logins_during_a_long_import(world, api_keys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import PASSWORD

    add_catalogue(world)
    thread, _holding, result = _long_import(tmp_path)
    started = time.monotonic()
    answer = post(Client(), records(1000, 1010), api_keys["token_52"])
    login = Client().post("/accounts/login/", {"username": "commune_leader", "password": PASSWORD})
    waited = time.monotonic() - started
    thread.join()
    assert answer.status_code == 200, answer.content
    assert answer.json()["counts"]["read"] == 10
    assert login.status_code == 302, login.content[:300]
    assert isinstance(result[0], ImportBatch) and result[0].status == JobStatus.DONE
    assert Dossier.objects.filter(source_system="file").count() == 300
    if connection.vendor == "sqlite":
        assert waited >= HOLD / 2  # they really waited for the import's commit
    assert_rollups_equal_rebuild()


def test_it_waits_longer_than_a_long_import_by_default() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writers do not share one lock")
    assert django_settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 120
    assert django_settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_it_answers_503_not_500_when_sqlite_stays_busy(world, api_keys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite has one write lock for the whole database")
    add_catalogue(world)
    thread, _holding, _result = _long_import(tmp_path)
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 500")  # as if the import outlasted the timeout
        answer = post(Client(), records(1000, 1010), api_keys["token_52"])
    finally:
        thread.join()
    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert "đang bận" in answer.json()["detail"]


def test_it_answers_503_when_an_api_batch_waits_too_long_behind_its_source(  # type: ignore[no-untyped-def]
    world, api_keys, tmp_path, settings
) -> None:
    """PostgreSQL: batches of one source system run one after the other (exactly once); an API
    call waits at most KPIXA_API_LOCK_WAIT seconds for the batch ahead, then gets 503."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's writers wait on the database's single lock (the test above)")
    add_catalogue(world)
    settings.KPIXA_API_LOCK_WAIT = 1
    thread, _holding, result = _long_import(tmp_path, system="motcua")  # the token's system
    try:
        answer = post(Client(), records(1000, 1010), api_keys["token_52"])
    finally:
        thread.join()
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert "đang bận" in answer.json()["detail"]
    assert isinstance(result[0], ImportBatch) and result[0].status == JobStatus.DONE
    settings.KPIXA_API_LOCK_WAIT = 60
    assert post(Client(), records(1000, 1010), api_keys["token_52"]).json()["counts"]["created"] == 10


def test_it_answers_503_to_a_deadlocked_api_batch(world, api_keys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A deadlock (PostgreSQL rolls one batch back whole) is "try again", not a server error."""
    from kpixa.dossiers import api

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's single writer cannot deadlock")
    add_catalogue(world)

    def deadlocked(*args: Any, **kwargs: Any) -> Any:
        with connection.cursor() as cursor:  # a real 40P01 raised by the server
            cursor.execute("DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; END $$")

    monkeypatch.setattr(api.api_batches, "submit_api", deadlocked)
    answer = post(Client(), records(0, 3), api_keys["token_52"])
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
