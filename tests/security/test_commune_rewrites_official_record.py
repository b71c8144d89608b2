"""The evaluated commune cannot rewrite its own official records (docs/security.md, "A commune
rewrites its official records").

Before: ``officer_iadom`` uploaded a file through ``/dossiers/upload/`` naming the official
source system, moved a late dossier's ``NgayHenTra`` and the dossier became on time. Now a
commune's users write only the commune's local source, a local record can never replace or
change an official one, and a stored dossier outside the writer's scope is never replaced.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kpixa.dossiers.models import Dossier, ImportBatch, Rejection, SourceKind, SourceSystem
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing
from tests.security.authority_support import (
    OFFICIAL,
    add_procedure,
    late_record,
    moved_due,
    post,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(client, world, api_keys, settings, tmp_path):  # type: ignore[no-untyped-def]
    """A late official dossier of Xã Ia Dom, sent by Gia Lai's one-stop system through its token."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.VAR_DIR = tmp_path
    add_procedure()
    answer = post(client, [late_record()], api_keys["token_52"]).json()
    assert answer["results"][0]["status"] == "created"
    assert Dossier.objects.get(ma_ho_so="HS-TRE-1").on_time is False
    return world


def _upload(client, records, system):  # type: ignore[no-untyped-def]
    file = SimpleUploadedFile("hs.json", json.dumps(records).encode(), content_type="application/json")
    return client.post("/dossiers/upload/", {"kind": "dossier", "source_system": system, "file": file})


def test_it_registers_the_tokens_system_as_official(official) -> None:  # type: ignore[no-untyped-def]
    assert SourceSystem.objects.get(code=OFFICIAL).kind == SourceKind.OFFICIAL


def test_it_refuses_the_officers_upload_into_the_official_system(client, official) -> None:  # type: ignore[no-untyped-def]
    before = state()
    client.force_login(official.users["commune_officer"])
    form = client.get("/dossiers/upload/").content.decode()
    assert f'value="{OFFICIAL}"' not in form and 'value="xa-23872"' in form  # the only choice offered
    response = _upload(client, [moved_due()], OFFICIAL)
    page = response.content.decode()
    assert response.status_code == 200 and "không được gửi số liệu vào hệ thống nguồn" in page
    assert not ImportBatch.objects.filter(channel="web").exists()
    assert state() == before


def test_it_rejects_every_record_of_a_commune_batch_naming_the_official_system(official) -> None:  # type: ignore[no-untyped-def]
    """A batch that reaches the worker anyway (queued before the check, or made by another path)."""
    before = state()
    officer = official.users["commune_officer"]
    batch = importing.new_batch(
        "dossier",
        OFFICIAL,
        channel="web",
        created_by=officer,
        commune=officer.commune,
        province=official.province,
    )
    importing.run_batch(batch, source_from_document([moved_due()]))
    batch.refresh_from_db()
    assert (batch.updated, batch.rejected) == (0, 1)
    reason = Rejection.objects.get(batch=batch).reason_vi
    assert (
        "nguồn số liệu riêng của xã (xa-23872)" in reason and "hồ sơ chính thức không bị thay đổi" in reason
    )
    assert state() == before


def test_it_keeps_a_local_record_from_replacing_an_official_one(client, official) -> None:  # type: ignore[no-untyped-def]
    before = state()
    client.force_login(official.users["commune_officer"])
    assert _upload(client, [moved_due(), late_record("HS-GIAY-1")], "xa-23872").status_code == 302
    call_command("run_worker", "--once", verbosity=0)
    batch = ImportBatch.objects.get(channel="web")
    assert (batch.status, batch.created, batch.rejected) == ("done", 1, 1)
    rejection = Rejection.objects.get(batch=batch)
    assert rejection.record_key == "HS-TRE-1"
    assert "đã có trong hệ thống chính thức 'motcua'" in rejection.reason_vi
    assert not Dossier.objects.filter(source_system="xa-23872", ma_ho_so="HS-TRE-1").exists()
    # The commune's own paper dossier is kept in its local source, registered on first use.
    assert Dossier.objects.filter(source_system="xa-23872", ma_ho_so="HS-GIAY-1").exists()
    assert SourceSystem.objects.get(code="xa-23872").commune == official.commune
    assert state()[0] == before[0]


def test_it_refuses_another_provinces_token_replacing_a_stored_dossier(client, official, api_keys) -> None:  # type: ignore[no-untyped-def]
    """Both provinces' one-stop systems are named "motcua": a record of the other province with
    the same key must not take over Ia Dom's stored dossier."""
    before = state()
    foreign = moved_due() | {"DonViXuLy": official.foreign.code}
    answer = post(client, [foreign], api_keys["token_66"]).json()
    assert answer["results"][0]["status"] == "rejected"
    assert "ngoài phạm vi của bên gửi" in answer["results"][0]["reasons"][0]
    assert state() == before


def test_it_still_lets_the_official_system_correct_its_record(client, official, api_keys) -> None:  # type: ignore[no-untyped-def]
    answer = post(client, [moved_due()], api_keys["token_52"]).json()
    assert answer["results"][0]["status"] == "updated"
    assert Dossier.objects.get(ma_ho_so="HS-TRE-1").on_time is True
