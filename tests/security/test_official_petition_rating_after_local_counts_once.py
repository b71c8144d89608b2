"""A petition or a rating never counts twice when its commune's local record came first
(docs/security.md, "A commune rewrites its official records"): an official record of a key the
commune's local source holds supersedes it — through the API and through a file — the local row
leaves the counted records, its rollups are taken back (they stay equal to ``rebuild_rollups``)
and it is kept in full, with its versions, as a ``SupersededRecord``. A commune's local record
can never replace or change an official petition or rating, and a stored one of a commune
outside the sender's scope is never replaced."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db.models import Sum

from kpixa.dossiers.models import Petition, Rating, RecordVersion, Rejection, Rollup, SupersededRecord
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing
from tests.security.authority_support import IA_DOM, OFFICIAL
from tests.security.ingest_support import assert_rollups_equal_rebuild

pytestmark = pytest.mark.django_db

MODELS = {"petition": Petition, "rating": Rating}
URLS = {"petition": "/api/v1/petitions", "rating": "/api/v1/ratings"}
TOTAL = {"petition": "petitions.total", "rating": "ratings.dossier_total"}


def record(kind: str, key: str, **fields: Any) -> dict[str, Any]:
    """A petition or a rating of Xã Ia Dom."""
    if kind == "petition":
        return {"MaPAKN": key, "DonViXuLy": IA_DOM, "NgayTiepNhan": "20260303090000", **fields}
    return {
        "MaDanhGia": key,
        "DonViXuLy": IA_DOM,
        "DoiTuong": "1",
        "MaDoiTuong": "HS-1",
        "MucDoHaiLong": "1",
        "NgayDanhGia": "20260303090000",
        **fields,
    }


def changed(kind: str) -> dict[str, str]:
    """Fields that make a second version of the record."""
    return {"NgayXuLy": "20260305100000", "TrangThai": "2"} if kind == "petition" else {"MucDoHaiLong": "4"}


def local(world, kind: str, records: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    officer = world.users["commune_officer"]
    batch = importing.new_batch(
        kind,
        f"xa-{officer.commune.code}",
        channel="web",
        created_by=officer,
        commune=officer.commune,
        province=world.province,
    )
    importing.run_batch(batch, source_from_document(records))
    batch.refresh_from_db()
    return batch


def counted(world, kind: str) -> int:  # type: ignore[no-untyped-def]
    found = Rollup.objects.filter(commune=world.commune, measure=TOTAL[kind]).aggregate(n=Sum("value"))
    return found["n"] or 0


def api(client, kind: str, records: list[dict[str, Any]], key: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.post(
        URLS[kind],
        json.dumps(records),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.content
    return response.json()


def systems(kind: str, key: str) -> list[str]:
    return list(MODELS[kind]._default_manager.filter(code=key).values_list("source_system", flat=True))


def assert_superseded(world, kind: str, key: str) -> None:  # type: ignore[no-untyped-def]
    kept = SupersededRecord.objects.get(kind=kind)
    assert (kept.source_system, kept.key, kept.commune) == (f"xa-{IA_DOM}", key, world.commune)
    assert kept.batch.source_system == OFFICIAL and kept.previous_batch_id is not None
    assert kept.values["code"] == key
    assert not RecordVersion.objects.filter(kind=kind, record_id=kept.values["id"]).exists()


@pytest.mark.parametrize("kind", ["petition", "rating"])
def test_an_official_api_record_after_a_local_one_counts_once(client, world, api_keys, kind) -> None:  # type: ignore[no-untyped-def]
    first = local(world, kind, [record(kind, "K-CHUNG"), record(kind, "K-RIENG")])
    assert first.created == 2 and counted(world, kind) == 2
    local(world, kind, [record(kind, "K-CHUNG", **changed(kind))])  # a kept version (RecordVersion)
    answer = api(client, kind, [record(kind, "K-CHUNG")], api_keys["token_52"])
    assert [r["status"] for r in answer["results"]] == ["created"]
    assert systems(kind, "K-CHUNG") == [OFFICIAL]
    assert counted(world, kind) == 2  # K-CHUNG once (official) and K-RIENG: not 3
    assert_rollups_equal_rebuild()
    assert_superseded(world, kind, "K-CHUNG")
    assert len(SupersededRecord.objects.get(kind=kind).versions) == 1  # the local update's version
    # Re-sending the official record changes nothing.
    again = api(client, kind, [record(kind, "K-CHUNG")], api_keys["token_52"])
    assert [r["status"] for r in again["results"]] == ["unchanged"]
    assert counted(world, kind) == 2 and SupersededRecord.objects.count() == 1


@pytest.mark.parametrize("kind", ["petition", "rating"])
def test_an_official_file_after_a_local_record_counts_once(world, tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    local(world, kind, [record(kind, "K-CHUNG")])
    rows = [record(kind, "K-CHUNG"), record(kind, "K-CHINH")]
    path = tmp_path / "motcua.csv"
    path.write_text(
        ",".join(rows[0]) + "\n" + "\n".join(",".join(r.values()) for r in rows) + "\n", encoding="utf-8"
    )
    batch = importing.import_file(path, kind=kind, source_system=OFFICIAL)
    assert (batch.created, batch.rejected) == (2, 0)
    assert systems(kind, "K-CHUNG") == [OFFICIAL]
    assert counted(world, kind) == 2  # not 3
    assert_rollups_equal_rebuild()
    assert_superseded(world, kind, "K-CHUNG")


@pytest.mark.parametrize("kind", ["petition", "rating"])
def test_a_local_record_never_replaces_or_changes_an_official_one(client, world, api_keys, kind) -> None:  # type: ignore[no-untyped-def]
    api(client, kind, [record(kind, "K-CHUNG")], api_keys["token_52"])
    official = MODELS[kind]._default_manager.values().get(code="K-CHUNG")
    batch = local(world, kind, [record(kind, "K-CHUNG", **changed(kind)), record(kind, "K-RIENG")])
    assert (batch.created, batch.updated, batch.rejected) == (1, 0, 1)
    (refused,) = Rejection.objects.filter(batch=batch)
    assert refused.record_key == "K-CHUNG" and OFFICIAL in refused.reason_vi
    assert systems(kind, "K-CHUNG") == [OFFICIAL]
    assert MODELS[kind]._default_manager.values().get(code="K-CHUNG") == official
    assert counted(world, kind) == 2 and not SupersededRecord.objects.exists()
    assert_rollups_equal_rebuild()


@pytest.mark.parametrize("kind", ["petition", "rating"])
def test_a_stored_record_outside_the_senders_province_is_not_replaced(client, world, api_keys, kind) -> None:  # type: ignore[no-untyped-def]
    """Both provinces' one-stop systems write the system ``motcua``: Đắk Lắk's token may not move
    Gia Lai's record into its own commune."""
    api(client, kind, [record(kind, "K-CHUNG")], api_keys["token_52"])
    before = MODELS[kind]._default_manager.values().get(code="K-CHUNG")
    answer = api(client, kind, [record(kind, "K-CHUNG", DonViXuLy="24121")], api_keys["token_66"])
    assert [r["status"] for r in answer["results"]] == ["rejected"]
    assert MODELS[kind]._default_manager.values().get(code="K-CHUNG") == before
    assert_rollups_equal_rebuild()
