"""Web uploads run as tasks of Django's tasks framework: the database backend (django-tasks-db)
by default, run by ``run_worker``; another backend by setting, without a change of code."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kpixa.dossiers.models import Dossier, ImportBatch, JobStatus
from kpixa.dossiers.services import uploads
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db(transaction=True)  # the task is handed over on commit


@pytest.fixture
def private(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.VAR_DIR = tmp_path
    return settings


def _upload(catalogue, *keys: str) -> ImportBatch:  # type: ignore[no-untyped-def]
    content = json.dumps([base_record(key) for key in keys]).encode()
    officer = catalogue.users["commune_officer"]
    return uploads.enqueue_upload(officer, catalogue.commune, "dossier", "hs.json", content, "xa-23872")


def test_it_hands_an_upload_to_the_task_queue_and_the_worker_runs_it(catalogue, private) -> None:  # type: ignore[no-untyped-def]
    batch = _upload(catalogue, "T1", "T2")
    task = DBTaskResult.objects.get()
    assert task.task_path == "kpixa.dossiers.services.uploads.run_upload" and task.args_kwargs["args"] == [
        batch.pk
    ]
    assert task.status == TaskResultStatus.READY
    call_command("run_worker", "--once", verbosity=0)
    batch.refresh_from_db()
    task.refresh_from_db()
    assert (batch.status, batch.created) == (JobStatus.DONE, 2)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.task_result.return_value == {"batch": batch.pk, "status": "done", **batch.counts()}
    assert DBTaskResult.objects.count() == 1  # handed over once: the worker did not add a second


def test_it_hands_a_queued_upload_over_again_when_its_task_is_lost(catalogue, private) -> None:  # type: ignore[no-untyped-def]
    batch = _upload(catalogue, "L1")
    DBTaskResult.objects.all().delete()  # e.g. the backend refused it after the upload's commit
    call_command("run_worker", "--once", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and Dossier.objects.filter(ma_ho_so="L1").exists()


def test_it_runs_a_second_task_of_the_same_batch_as_a_no_op(catalogue, private) -> None:  # type: ignore[no-untyped-def]
    batch = _upload(catalogue, "D1")
    uploads.run_upload.enqueue(batch.pk)
    call_command("run_worker", "--once", verbosity=0)
    results = sorted(str(t.task_result.return_value["status"]) for t in DBTaskResult.objects.all())
    assert results == ["done", "skipped"]
    assert Dossier.objects.filter(ma_ho_so="D1").count() == 1


def test_it_switches_the_backend_by_setting(catalogue, private) -> None:  # type: ignore[no-untyped-def]
    private.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    batch = _upload(catalogue, "I1")
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and batch.created == 1  # run on commit, no worker
    assert not DBTaskResult.objects.exists()
    with pytest.raises(CommandError, match="ImmediateBackend"):
        call_command("run_worker", "--once", verbosity=0)
