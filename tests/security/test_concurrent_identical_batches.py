"""Exactly-once under concurrency: identical or overlapping batches sent at the same time (API
retries, the same file imported twice) leave the rows and rollups of one batch.

Runs on both databases; on PostgreSQL the batches really overlap in time (SQLite serialises
its writers), which is where two transactions used to both "create" the same dossiers and add
their rollup deltas twice.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kpixa.dossiers.models import Dossier, ImportBatch, JobStatus
from kpixa.dossiers.services import importing
from tests.security.ingest_support import (
    add_catalogue,
    assert_rollups_equal_rebuild,
    post,
    record,
    records,
    together,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(world, api_keys) -> str:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    return api_keys["token_52"]


def _poster(payload: list[dict[str, Any]], key: str) -> Any:
    def send() -> dict[str, Any]:
        response = post(Client(), payload, key)
        assert response.status_code == 200, response.content
        return response.json()  # type: ignore[no-any-return]

    return send


def test_it_counts_the_same_batch_posted_by_several_threads_once(key) -> None:  # type: ignore[no-untyped-def]
    payload = records(0, 300)
    answers = together([_poster(payload, key) for _ in range(6)])
    assert all(isinstance(a, dict) for a in answers), answers
    assert sum(a["counts"]["created"] for a in answers) == 300, [a["counts"] for a in answers]
    assert sum(a["counts"]["unchanged"] for a in answers) == 5 * 300
    assert Dossier.objects.count() == 300
    rebuilt = assert_rollups_equal_rebuild()
    received = sum(v for _c, _d, measure, v in rebuilt["rollups"] if measure == "dossiers.received")
    assert received == 300


def test_it_counts_overlapping_batches_once(key) -> None:  # type: ignore[no-untyped-def]
    batches = [records(50 * i, 50 * i + 200) for i in range(8)]  # each shares 150 keys with the next
    answers = together([_poster(b, key) for b in batches])
    assert all(isinstance(a, dict) for a in answers), answers
    assert sum(a["counts"]["created"] for a in answers) == 550
    assert Dossier.objects.count() == 550
    assert_rollups_equal_rebuild()


def test_it_applies_a_concurrent_update_once(key) -> None:  # type: ignore[no-untyped-def]
    post(Client(), records(0, 200), key)
    changed = [dict(r, TrangThaiHoSo="4", NgayKetThucXuLy="20260331100000") for r in records(0, 200)]
    answers = together([_poster(changed, key) for _ in range(4)])
    assert sum(a["counts"]["updated"] for a in answers) == 200
    assert sum(a["counts"]["unchanged"] for a in answers) == 3 * 200
    assert_rollups_equal_rebuild()


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    header = sorted({name for row in rows for name in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_it_imports_the_same_file_twice_at_once_as_one_batch(world, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    """CSV takes the COPY fast path on PostgreSQL, JSON the per-record path."""
    import json

    add_catalogue(world)
    rows = [record(n) for n in range(400)]
    path = tmp_path / f"same.{fmt}"
    if fmt == "csv":
        _write_csv(path, rows)
    else:
        path.write_text(json.dumps(rows), encoding="utf-8")
    results = together([lambda: importing.import_file(path, source_system="motcua") for _ in range(3)])
    assert all(isinstance(b, ImportBatch) for b in results), results
    batches = ImportBatch.objects.filter(pk__in=[b.pk for b in results])
    assert {b.status for b in batches} == {JobStatus.DONE}
    assert sorted(b.created for b in batches) == [0, 0, 400]
    assert Dossier.objects.count() == 400
    assert_rollups_equal_rebuild()


def test_it_counts_batches_of_two_source_systems_on_the_same_days_each_once(world) -> None:  # type: ignore[no-untyped-def]
    """Two systems' records are distinct dossiers; their batches write the same rollup rows at
    once (taken in one order: no deadlock) and both count."""
    from kpixa.accounts.models import User
    from kpixa.accounts.services import issue_api_token

    add_catalogue(world)
    root = User.objects.create_superuser(username="h1_root", password=None)
    keys = [issue_api_token(f"Hệ thống {s}", s, world.province, actor=root)[1] for s in ("sys-a", "sys-b")]
    payload = records(0, 300)
    answers = together([_poster(payload, k) for k in keys for _ in range(2)])
    assert all(isinstance(a, dict) for a in answers), answers
    assert sum(a["counts"]["created"] for a in answers) == 600
    assert Dossier.objects.count() == 600
    assert_rollups_equal_rebuild()
