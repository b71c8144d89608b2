"""The import worker survives database errors, and a batch whose process died is marked failed
(with its rows untouched) instead of staying "running" for ever."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError

from kpixa.dossiers.models import Dossier, DossierVersion, ImportBatch, JobStatus
from kpixa.dossiers.services import importing, jobs, uploads
from tests.security.ingest_process import database_url
from tests.security.ingest_support import add_catalogue, assert_rollups_equal_rebuild, record, records

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued(world):  # type: ignore[no-untyped-def]
    add_catalogue(world)
    officer = world.users["commune_officer"]
    content = json.dumps(records(0, 20)).encode()
    return uploads.enqueue_upload(officer, world.commune, "dossier", "hs.json", content, "file")


@pytest.mark.django_db(transaction=True)
def test_it_keeps_running_after_a_database_error(queued, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    real, calls = uploads.enqueue_waiting, []

    def flaky(handed_over: set[int]) -> list[int]:
        calls.append(1)
        if len(calls) <= 2:  # e.g. SQLite "database is locked", PostgreSQL restarting
            raise OperationalError("database is locked")
        return real(handed_over)

    monkeypatch.setattr(uploads, "enqueue_waiting", flaky)
    with caplog.at_level(logging.ERROR, logger="kpixa.dossiers.services.jobs"):
        call_command("run_worker", "--once", "--interval", "0.01", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == JobStatus.DONE and queued.read == 20, queued.error
    assert sum("database error" in r.getMessage() for r in caplog.records) == 2


@pytest.mark.django_db
def test_it_backs_off_and_gives_up_only_when_run_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    waits: list[float] = []

    def broken() -> bool:
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        jobs.work(broken, once=True, interval=1.0, sleep=waits.append)
    assert waits == [1.0, 2.0, 4.0, 8.0]  # doubling; the fifth error in a row ends a --once run
    long_waits: list[float] = []

    def stop_after_many(seconds: float) -> None:
        long_waits.append(seconds)
        if len(long_waits) == 12:
            raise SystemExit  # a real worker never stops; the test does

    with pytest.raises(SystemExit):
        jobs.work(broken, once=False, interval=1.0, sleep=stop_after_many)
    assert max(long_waits) == jobs.MAX_BACKOFF


def _run_and_kill(path: Path, tmp_path: Path, settings) -> int:  # type: ignore[no-untyped-def]
    """Import ``path`` in another process and kill it (SIGKILL) inside its transaction; return
    the batch id."""
    ready = tmp_path / "ready"
    env = dict(
        os.environ, DATABASE_URL=database_url(), KPIXA_VAR_DIR=str(settings.VAR_DIR), PYTHONPATH=str(ROOT)
    )
    proc = subprocess.Popen(  # noqa: S603 — our own interpreter and module
        [sys.executable, "-m", "tests.security.ingest_process", str(path), "file", str(ready)],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert proc.poll() is None, "the import process ended early"
            assert time.monotonic() < deadline, "the import process never reached its first chunk"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return int(ready.read_text())


@pytest.mark.django_db(transaction=True)
def test_it_marks_a_killed_import_failed_with_its_rows_untouched(world, tmp_path, settings, client) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    first = tmp_path / "first.json"
    first.write_text(json.dumps(records(0, 50)))
    importing.import_file(first)
    stored = sorted(Dossier.objects.values_list("ma_ho_so", "version_hash", "batch_id"))
    versions = DossierVersion.objects.count()
    kept_rollups = assert_rollups_equal_rebuild()

    changed = [dict(record(n), TrangThaiHoSo="4", NgayKetThucXuLy="20260331100000") for n in range(50)]
    second = tmp_path / "second.json"
    second.write_text(json.dumps(changed + records(50, 120)))
    batch_id = _run_and_kill(second, tmp_path, settings)

    batch = ImportBatch.objects.get(pk=batch_id)
    assert batch.status == JobStatus.RUNNING  # what it said for ever before
    client.force_login(world.users["province_admin"])
    ImportBatch.objects.filter(pk=batch_id).update(province=world.province)
    state = client.get(f"/dossiers/jobs/{batch_id}/status.json").json()  # the job page asks
    assert state["status"] == JobStatus.FAILED and state["done"]
    assert "dừng đột ngột" in state["error"] and "không còn chạy" in state["error"]
    page = client.get(f"/dossiers/jobs/{batch_id}/").content.decode()
    assert "dừng đột ngột" in page
    assert sorted(Dossier.objects.values_list("ma_ho_so", "version_hash", "batch_id")) == stored
    assert DossierVersion.objects.count() == versions
    assert assert_rollups_equal_rebuild() == kept_rollups
    assert not jobs.lease_file(batch_id).exists()
    importing.import_file(second)  # the file imports cleanly afterwards: the source is not left locked
    assert Dossier.objects.count() == 120


@pytest.mark.django_db
def test_it_leaves_a_live_batch_running(world) -> None:  # type: ignore[no-untyped-def]
    batch = importing.new_batch("dossier", "file", channel="file")
    jobs.take_lease(batch.pk)  # this very process runs it
    ImportBatch.objects.filter(pk=batch.pk).update(status=JobStatus.RUNNING, started_at=batch.queued_at)
    assert jobs.fail_dead_batches() == []
    jobs.release_lease(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=batch.queued_at - jobs.LEASE_GRACE * 2)
    assert jobs.fail_dead_batches() == [batch.pk]  # no runner at all for longer than the grace
