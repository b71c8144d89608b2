"""Pages: upload → worker → job page and report, quarantine fix, timeline scoping and masking."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kpixa.dossiers.models import Dossier, ImportBatch, Rejection
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing, uploads
from kpixa.dossiers.tests.conftest import base_record, sample_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, catalogue, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.VAR_DIR = tmp_path
    client.force_login(catalogue.users["commune_officer"])
    return client


def upload(client, records, name="hs.json", system="xa-23872"):  # type: ignore[no-untyped-def]
    """Upload as Xã Ia Dom's officer: into the commune's own local source (authority.py)."""
    file = SimpleUploadedFile(name, json.dumps(records).encode(), content_type="application/json")
    return client.post("/dossiers/upload/", {"kind": "dossier", "source_system": system, "file": file})


def test_it_queues_an_upload_and_the_worker_runs_it(officer, catalogue):  # type: ignore[no-untyped-def]
    response = upload(officer, [base_record("W1"), base_record("W2", DonViXuLy="23869")])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == "queued"
    assert officer.get(f"/dossiers/jobs/{batch.pk}/status.json").json()["status"] == "queued"
    call_command("run_worker", "--once", verbosity=0)
    batch.refresh_from_db()
    # A commune officer may only send data of the own commune.
    assert (batch.status, batch.created, batch.rejected) == ("done", 1, 1)
    state = officer.get(f"/dossiers/jobs/{batch.pk}/status.json").json()
    assert state["done"] and state["created"] == 1
    page = officer.get(f"/dossiers/jobs/{batch.pk}/")
    assert "dossiers/job.js" in page.content.decode() and "<script>" not in page.content.decode()
    streamed = officer.get(f"/dossiers/jobs/{batch.pk}/rejections.csv").streaming_content
    report = b"".join(streamed).decode("utf-8-sig")
    assert "W2" in report and "không thuộc phạm vi" in report


def test_it_requeues_a_job_left_running_by_a_killed_worker(officer, catalogue):  # type: ignore[no-untyped-def]
    upload(officer, [base_record("K1")])
    claimed = uploads.claim_upload(ImportBatch.objects.get().pk)  # a worker took it, then died
    assert claimed is not None and claimed.status == "running"
    call_command("run_worker", "--once", verbosity=0)  # restarts: requeues, then runs it
    claimed.refresh_from_db()
    assert claimed.status == "done" and Dossier.objects.count() == 1


def test_it_lets_the_sender_fix_and_resubmit_a_rejection(officer, catalogue):  # type: ignore[no-untyped-def]
    upload(officer, [base_record("F1", NgayTiepNhan="31/02/2026 09:00:00")])
    call_command("run_worker", "--once", verbosity=0)
    rejection = Rejection.objects.get()
    # The key's table cell: a bare "F1" also turns up in the page's random CSRF tokens.
    assert "<td>F1</td>" in officer.get("/dossiers/quarantine/").content.decode()
    fixed = {**rejection.raw, "NgayTiepNhan": "03/03/2026 09:00:00"}
    bad = officer.post(f"/dossiers/quarantine/{rejection.pk}/", {"raw": "{oops"})
    assert bad.status_code == 200 and "JSON không hợp lệ" in bad.content.decode()
    response = officer.post(f"/dossiers/quarantine/{rejection.pk}/", {"raw": json.dumps(fixed)})
    assert response.status_code == 302
    assert Dossier.objects.filter(ma_ho_so="F1").exists()
    assert "<td>F1</td>" not in officer.get("/dossiers/quarantine/").content.decode()


def test_it_hides_other_senders_quarantine(client, catalogue):  # type: ignore[no-untyped-def]
    batch = importing.new_batch("dossier", "motcua", created_by=catalogue.users["commune_officer"])
    importing.run_batch(batch, source_from_document([base_record("HS-KHAC-PHAMVI", DonViXuLy="bad")]))
    client.force_login(catalogue.users["commune_leader"])
    assert "HS-KHAC-PHAMVI" not in client.get("/dossiers/quarantine/").content.decode()
    rejection = Rejection.objects.get()
    assert client.get(f"/dossiers/quarantine/{rejection.pk}/").status_code in (403, 404)
    assert client.get(f"/dossiers/jobs/{batch.pk}/").status_code == 404


@pytest.fixture
def sample(catalogue):  # type: ignore[no-untyped-def]
    batch = importing.new_batch("dossier", "motcua-gialai")
    importing.run_batch(batch, source_from_document(sample_payload()))
    return "/dossiers/motcua-gialai/000.00.21.H52-260213-0042/"


def test_it_shows_the_timeline_with_personal_data_to_the_communes_officer(
    client, catalogue, sample, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client.force_login(catalogue.users["commune_officer"])
    with django_assert_max_num_queries(8):
        page = client.get(sample).content.decode()
    assert "Rơ Châm H&#x27;Bia" in page and "0905123456" in page
    assert "Đúng hạn" in page and "Hoàn thành xử lý" in page


def test_it_masks_personal_data_for_the_commune_leader(client, catalogue, sample):  # type: ignore[no-untyped-def]
    client.force_login(catalogue.users["commune_leader"])
    page = client.get(sample).content.decode()
    assert "0905123456" not in page and "H&#x27;Bia" not in page and "0905***456" in page


def test_it_hides_the_timeline_outside_the_users_scope(client, catalogue, sample):  # type: ignore[no-untyped-def]
    from kpixa.accounts.models import Role, User

    other = User.objects.create_user(
        "other", role=Role.COMMUNE_OFFICER, province=catalogue.province, commune=catalogue.sibling
    )
    client.force_login(other)
    assert client.get(sample).status_code == 404
    client.logout()
    assert client.get(sample).status_code == 302


def test_it_explains_a_dossier_from_the_command_line(catalogue, sample, capsys):  # type: ignore[no-untyped-def]
    call_command("explain_dossier", "000.00.21.H52-260302-0107")
    out = capsys.readouterr().out
    assert "Yêu cầu bổ sung lần 1" in out and "NgayHenTraTruoc" in out and "Kết luận" in out
