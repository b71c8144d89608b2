"""One dossier never counts twice when its commune's local record came first (docs/security.md,
"A commune rewrites its official records"): an official record of a key the commune's local
source holds supersedes it — the local row leaves the counted records, its rollups are taken
back (the rollups stay equal to ``rebuild_rollups``) and it is kept in full, with its versions,
as a ``SupersededRecord`` naming the official batch. Petitions and ratings keep every version a
write replaces (``RecordVersion``, database triggers), with who, when, which batch and what
changed."""

from __future__ import annotations

from datetime import date

import pytest

from kpixa.dossiers.models import Dossier, Petition, RecordVersion, Rollup, SupersededRecord
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import history, importing
from tests.security.authority_support import OFFICIAL, add_procedure, late_record, post
from tests.security.ingest_support import assert_rollups_equal_rebuild

pytestmark = pytest.mark.django_db


def _local(world, records):  # type: ignore[no-untyped-def]
    officer = world.users["commune_officer"]
    batch = importing.new_batch(
        "dossier",
        f"xa-{officer.commune.code}",
        channel="web",
        created_by=officer,
        commune=officer.commune,
        province=world.province,
    )
    importing.run_batch(batch, source_from_document(records))
    batch.refresh_from_db()
    return batch


def _received(world) -> int:  # type: ignore[no-untyped-def]
    found = Rollup.objects.filter(
        commune=world.commune, day=date(2026, 3, 3), measure="dossiers.received"
    ).first()
    return found.value if found else 0


def test_an_official_record_after_a_local_one_counts_once(client, world, api_keys) -> None:  # type: ignore[no-untyped-def]
    add_procedure()
    local = _local(world, [late_record("HS-CHUNG-1"), late_record("HS-RIENG-2")])
    assert local.created == 2 and _received(world) == 2
    _local(world, [late_record("HS-CHUNG-1", NgayKetThucXuLy="20260311100000")])  # a kept version
    answer = post(client, [late_record("HS-CHUNG-1")], api_keys["token_52"]).json()
    assert answer["results"][0]["status"] == "created"
    assert list(Dossier.objects.filter(ma_ho_so="HS-CHUNG-1").values_list("source_system", flat=True)) == [
        OFFICIAL
    ]
    assert _received(world) == 2  # HS-CHUNG-1 once (official) and HS-RIENG-2: not 3
    assert_rollups_equal_rebuild()
    kept = SupersededRecord.objects.get()
    assert (kept.source_system, kept.key, kept.commune) == ("xa-23872", "HS-CHUNG-1", world.commune)
    assert kept.batch.source_system == OFFICIAL and kept.previous_batch_id is not None
    assert kept.values["ma_ho_so"] == "HS-CHUNG-1" and len(kept.versions) == 1
    assert "end_at" in kept.versions[0]["changes"]


def test_a_local_record_after_an_official_one_is_still_refused(client, world, api_keys) -> None:  # type: ignore[no-untyped-def]
    add_procedure()
    post(client, [late_record("HS-CHUNG-1")], api_keys["token_52"])
    local = _local(world, [late_record("HS-CHUNG-1")])
    assert (local.created, local.rejected) == (0, 1)
    assert Dossier.objects.filter(ma_ho_so="HS-CHUNG-1").count() == 1
    assert_rollups_equal_rebuild()


def _petition(world, **fields):  # type: ignore[no-untyped-def]
    batch = importing.new_batch("petition", OFFICIAL, channel="cli", province=world.province)
    record = {"MaPAKN": "PAKN-1", "DonViXuLy": "23872", "NgayTiepNhan": "20260303090000", **fields}
    importing.run_batch(batch, source_from_document([record]))
    batch.refresh_from_db()
    return batch


def test_a_petition_keeps_the_version_a_batch_replaced(world) -> None:  # type: ignore[no-untyped-def]
    first = _petition(world)
    assert first.created == 1 and not RecordVersion.objects.exists()
    second = _petition(world, NgayXuLy="20260305100000", TrangThai="2")
    assert second.updated == 1
    petition = Petition.objects.get(code="PAKN-1")
    (version,) = history.record_versions("petition", petition)
    assert version["batch_id"] == second.pk and version["previous_batch_id"] == first.pk
    assert version["actor"] and version["changed_at"] is not None
    assert set(version["changes"]) >= {"handled_at", "status"}
    assert version["changes"]["status"] == [1, 2]
    assert_rollups_equal_rebuild()


def test_an_official_csv_file_after_a_local_record_counts_once(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The column-wise CSV path (PostgreSQL) writes new rows straight in: a province with local
    records takes the per-record path, which supersedes them."""
    add_procedure()
    _local(world, [late_record("HS-CHUNG-1")])
    record = late_record("HS-CHUNG-1")
    path = tmp_path / "motcua.csv"
    path.write_text(",".join(record) + "\n" + ",".join(record.values()) + "\n", encoding="utf-8")
    batch = importing.import_file(path, source_system=OFFICIAL)
    assert (batch.created, batch.rejected) == (1, 0)
    assert list(Dossier.objects.filter(ma_ho_so="HS-CHUNG-1").values_list("source_system", flat=True)) == [
        OFFICIAL
    ]
    assert _received(world) == 1 and SupersededRecord.objects.count() == 1
    assert_rollups_equal_rebuild()
