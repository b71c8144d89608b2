"""Ingest: the sample payload, idempotence, atomicity, rejections, flags, audit, rollups."""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from pathlib import Path

import pytest

from kpixa.accounts.models import AuditEntry
from kpixa.dossiers.facts import outcome_as_of
from kpixa.dossiers.models import Dossier, Flag, ImportBatch, Procedure, Rejection, Rollup
from kpixa.dossiers.parsing import Source, source_from_document
from kpixa.dossiers.queries import period_measures
from kpixa.dossiers.services import importing, ingest, resubmission, rollup_rebuild
from kpixa.dossiers.tests.conftest import base_record, sample_payload

pytestmark = pytest.mark.django_db


def run(records: list, system: str = "motcua") -> ImportBatch:  # type: ignore[type-arg]
    batch = importing.new_batch("dossier", system)
    importing.run_batch(batch, source_from_document(records))
    batch.refresh_from_db()
    return batch


def write_json(tmp_path: Path, records: list, name: str = "in.json") -> Path:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_it_imports_the_shared_sample_payload(catalogue, tmp_path):  # type: ignore[no-untyped-def]
    batch = importing.import_file(write_json(tmp_path, sample_payload()), source_system="motcua-gialai")
    assert batch.counts() == {
        "read": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "ignored": 0,
        "rejected": 0,
        "flagged": 0,
    }
    birth = Dossier.objects.get(ma_ho_so="000.00.21.H52-260213-0042")
    assert birth.commune == catalogue.commune
    assert (birth.on_time, birth.end_source, birth.online, birth.e_result, birth.vneid) == (
        True,
        "NgayKetThucXuLy",
        True,
        True,
        True,
    )
    assert birth.owner_id_masked == "********1234"
    assert [s["status"] for s in birth.steps] == [2, 9]
    land = Dossier.objects.get(ma_ho_so="000.00.21.H52-260302-0107")
    assert (land.supplement_count, land.wait_seconds, land.due_source) == (1, 47 * 3600, "NgayHenTraTruoc")
    assert land.fee_bearing and land.paid_online and land.end_at is None


def test_it_counts_unchanged_updated_and_ignored_versions(catalogue):  # type: ignore[no-untyped-def]
    first = [base_record("A"), base_record("B")]
    assert run(first).counts()["created"] == 2
    assert run(first).counts()["unchanged"] == 2
    newer = base_record("A", TrangThaiHoSo="9", NgayKetThucXuLy="20260305100000")
    older = base_record("B", NgayTiepNhan="20260302090000", NgayNopHoSo="20260302080000", TieuDe="cũ")
    counts = run([newer, older]).counts()
    assert (counts["updated"], counts["ignored"]) == (1, 1)
    assert Dossier.objects.get(ma_ho_so="A").end_at is not None
    assert Dossier.objects.get(ma_ho_so="B").received_day == date(2026, 3, 3)
    assert Dossier.objects.count() == 2


def test_it_classifies_duplicates_within_a_batch_in_row_order(catalogue):  # type: ignore[no-untyped-def]
    newer = base_record("A", TrangThaiHoSo="9", NgayKetThucXuLy="20260305100000")
    counts = run([base_record("A"), newer, base_record("A")]).counts()
    assert (counts["created"], counts["updated"], counts["ignored"]) == (1, 1, 1)
    assert Dossier.objects.get(ma_ho_so="A").status == 9


def test_it_keeps_identity_per_source_system(catalogue):  # type: ignore[no-untyped-def]
    run([base_record("A")], "one")
    run([base_record("A")], "two")
    assert Dossier.objects.count() == 2


def test_stored_keys_are_found_by_one_index_probe_per_key(catalogue):  # type: ignore[no-untyped-def]
    # The key list of a stored-version lookup is a subquery on PostgreSQL (copyload.key_set): a
    # literal list was planned as a scan of the whole source once the batch had no statistics.
    from django.db import connection

    from kpixa.dossiers.services import copyload

    run([base_record("A"), base_record("B"), base_record("C")], "one")
    run([base_record("B")], "two")
    found = Dossier.objects.filter(source_system="one", ma_ho_so__in=copyload.key_set(["B", "C", "Z", "Ç"]))
    assert sorted(found.values_list("ma_ho_so", flat=True)) == ["B", "C"]
    assert Dossier.objects.filter(ma_ho_so__in=copyload.key_set([])).count() == 0
    sql = str(found.query)
    assert ("IN (SELECT unnest(" in sql) is (connection.vendor == "postgresql")


@pytest.mark.parametrize("fail_at", ["validate_chunk", "_upsert_dossiers", "_dossier_rollups", "_finish"])
def test_it_leaves_nothing_of_a_batch_that_fails_midway(catalogue, monkeypatch, fail_at):  # type: ignore[no-untyped-def]
    run([base_record("KEEP")])
    before = (
        Dossier.objects.count(),
        Rollup.objects.count(),
        Rejection.objects.count(),
        AuditEntry.objects.count(),
    )
    calls = {"n": 0}
    target = importing if fail_at == "_finish" else (ingest if fail_at != "apply_deltas" else ingest.rollups)
    original = getattr(target, fail_at)

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2 or fail_at == "_finish":
            raise RuntimeError("killed")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, fail_at, boom)
    monkeypatch.setattr(ingest, "CHUNK", 2)
    records = [base_record(f"N{i}") for i in range(5)] + [base_record("BAD", DonViXuLy="x")]
    batch = importing.new_batch("dossier", "motcua")
    with pytest.raises(RuntimeError):
        importing.run_batch(batch, Source(list(enumerate(records, 1))))
    after = (
        Dossier.objects.count(),
        Rollup.objects.count(),
        Rejection.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before
    batch.refresh_from_db()
    # The job page names the kind of error, never its internal text (logged instead).
    assert batch.status == "failed" and "RuntimeError" in batch.error and "killed" not in batch.error


def test_it_quarantines_bad_records_with_vietnamese_reasons(catalogue):  # type: ignore[no-untyped-def]
    bad = [
        base_record("U1", DonViXuLy="000.99.99.H99"),
        base_record("E1", NgayKetThucXuLy="20260302090000", TrangThaiHoSo="9"),
        base_record("D1", NgayHenTra="20260231170000"),
        base_record("S1", TrangThaiHoSo="11"),
        base_record(None),
        base_record("K1", KenhThucHien="9"),
        {
            "hoSo": base_record("T1", TrangThaiHoSo="10"),
            "tienTrinhDongBo": [{"ThoiDiemXuLy": "20260301090000", "TrangThai": "10"}],
        },
    ]
    batch = run(bad)
    assert batch.rejected == 7 and Dossier.objects.count() == 0
    reasons = {r.record_key: (r.field, r.reason_vi) for r in Rejection.objects.all()}
    assert reasons["U1"][0] == "DonViXuLy" and "không phải mã xã/phường" in reasons["U1"][1]
    assert "trước ngày tiếp nhận" in reasons["E1"][1]
    assert reasons["D1"][0] == "NgayHenTra" and "không hợp lệ" in reasons["D1"][1]
    assert "Mã trạng thái" in reasons["S1"][1]
    assert reasons[""][0] == "MaHoSo"
    assert reasons["K1"][0] == "KenhThucHien"
    assert reasons["T1"][0] == "buoc_10"
    assert Rejection.objects.get(record_key="U1").raw["MaHoSo"] == "U1"


def test_it_rejects_units_outside_the_senders_province(catalogue):  # type: ignore[no-untyped-def]
    batch = importing.new_batch("dossier", "motcua", province=catalogue.province)
    importing.run_batch(batch, source_from_document([base_record("F", DonViXuLy="24121"), base_record("OK")]))
    batch.refresh_from_db()
    assert (batch.created, batch.rejected) == (1, 1)


def test_it_adds_unknown_procedures_as_unverified_and_flags_them(catalogue):  # type: ignore[no-untyped-def]
    rec = base_record("P", MaTTHC="9.999999", TenTTHC="Thủ tục lạ", ThoiGianGiaiQuyet="5", DonViTinh="Ngày")
    batch = run([rec, base_record("P2", MaTTHC="9.999999")])
    proc = Procedure.objects.get(code="9.999999")
    assert (proc.verified, proc.name, proc.limit_value, proc.limit_unit) == (False, "Thủ tục lạ", 5, "ngay")
    assert batch.flagged == 1 and Flag.objects.get().code == "thu_tuc_chua_xac_minh"


def test_it_flags_dossiers_closed_years_after_receipt(catalogue):  # type: ignore[no-untyped-def]
    batch = run(
        [
            base_record(
                "OLD",
                NgayTiepNhan="20230101090000",
                NgayNopHoSo=None,
                NgayHenTra="20230110170000",
                NgayKetThucXuLy="20260101090000",
                TrangThaiHoSo="9",
            )
        ]
    )
    assert batch.flagged == 1
    assert Flag.objects.get().dossier_id == Dossier.objects.get(ma_ho_so="OLD").pk


def test_it_flags_a_batch_whose_declared_totals_do_not_add_up(catalogue):  # type: ignore[no-untyped-def]
    doc = {
        "TongHop": {"TongSo": 3, "DaXuLy": 1, "DangXuLy": 1, "TrongHan": 1, "QuaHan": 1},
        "danhSach": [base_record("A"), base_record("B")],
    }
    batch = importing.new_batch("dossier", "motcua")
    importing.run_batch(batch, source_from_document(doc))
    batch.refresh_from_db()
    codes = list(Flag.objects.values_list("message_vi", flat=True))
    assert batch.created == 2 and batch.flagged == 3 and len(codes) == 3


def test_it_writes_one_audit_entry_per_batch(catalogue):  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.count()
    batch = run([base_record(f"A{i}") for i in range(20)])
    entries = AuditEntry.objects.filter(pk__gt=0).order_by("-id")[: AuditEntry.objects.count() - before]
    assert len(entries) == 1
    after = entries[0].after or {}
    assert entries[0].action == "dossiers.import_dossier" and after["created"] == 20
    assert entries[0].object_id == str(batch.pk)


def test_it_resubmits_a_fixed_rejection(catalogue):  # type: ignore[no-untyped-def]
    run([base_record("U1", DonViXuLy="nowhere")])
    rejection = Rejection.objects.get()
    fixed = {**rejection.raw, "DonViXuLy": "23872"}
    batch = resubmission.resubmit_rejections([rejection], edited={rejection.pk: fixed})
    assert batch is not None and batch.created == 1
    rejection.refresh_from_db()
    assert rejection.resubmitted


def test_it_imports_petitions_and_ratings_into_rollups(catalogue):  # type: ignore[no-untyped-def]
    petitions = [
        {
            "MaPAKN": "PA1",
            "DonViXuLy": "23872",
            "NgayTiepNhan": "20260302090000",
            "HanXuLy": "20260310170000",
            "NgayXuLy": "20260305100000",
            "TrangThai": "3",
        },
        {
            "MaPAKN": "PA2",
            "DonViXuLy": "23872",
            "NgayTiepNhan": "20260302090000",
            "NgayXuLy": "20260330100000",
        },
    ]
    ratings = [
        {
            "MaDanhGia": "R1",
            "DonViXuLy": "23872",
            "DoiTuong": "1",
            "MucDoHaiLong": "1",
            "NgayDanhGia": "20260305",
        },
        {
            "MaDanhGia": "R2",
            "DonViXuLy": "23872",
            "DoiTuong": "1",
            "MucDoHaiLong": "4",
            "NgayDanhGia": "20260306",
        },
        {
            "MaDanhGia": "R3",
            "DonViXuLy": "23872",
            "DoiTuong": "2",
            "MucDoHaiLong": "2",
            "NgayDanhGia": "20260306",
        },
        {
            "MaDanhGia": "R4",
            "DonViXuLy": "23872",
            "DoiTuong": "9",
            "MucDoHaiLong": "2",
            "NgayDanhGia": "20260306",
        },
    ]
    for kind, records in (("petition", petitions), ("rating", ratings)):
        importing.run_batch(importing.new_batch(kind, "motcua"), source_from_document(records))
    m = period_measures([catalogue.commune.pk], date(2026, 3, 1), date(2026, 3, 31))[catalogue.commune.pk]
    assert (m["petitions.total"], m["petitions.on_time"]) == (2, 1)
    assert (m["ratings.dossier_total"], m["ratings.dossier_satisfied"]) == (2, 1)
    assert (m["ratings.petition_total"], m["ratings.petition_satisfied"]) == (1, 1)
    assert m["dossiers.complaint_or_unsatisfied"] == 1
    assert Rejection.objects.get().field == "DoiTuong"


def test_it_derives_period_measures_from_rollups(catalogue, django_assert_num_queries):  # type: ignore[no-untyped-def]
    run(
        [
            base_record("OT", NgayKetThucXuLy="20260305100000", TrangThaiHoSo="9"),  # on time
            base_record("LT", NgayKetThucXuLy="20260401100000", TrangThaiHoSo="9"),  # late, next month
            base_record("OP"),  # open, overdue from 6/3
            base_record("FEB", NgayNopHoSo=None, NgayTiepNhan="20260226090000", NgayHenTra="20260320170000"),
        ]
    )
    cid = catalogue.commune.pk
    with django_assert_num_queries(5):  # day sums, procedures, catalogue, declared counts, 6.6 procedures
        march = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))[cid]
    assert (march["dossiers.received"], march["dossiers.carried_over"], march["dossiers.total"]) == (3, 1, 4)
    assert (march["dossiers.finished_on_time"], march["dossiers.open_overdue"]) == (1, 3)
    assert (march["dossiers.on_time"], march["dossiers.late"]) == (1, 3)
    early = period_measures([cid], date(2026, 3, 1), date(2026, 3, 4))[cid]
    assert (early["dossiers.open_within_deadline"], early["dossiers.open_overdue"]) == (4, 0)
    april = period_measures([cid], date(2026, 4, 1), date(2026, 4, 30))[cid]
    assert (april["dossiers.carried_over"], april["dossiers.finished_late"], april["dossiers.late"]) == (
        3,
        1,
        3,
    )
    assert march["procedures.fee_bearing"] == 1 and march["procedures.fee_bearing_with_dossiers"] == 1


def _snapshot() -> set[tuple[int, date, str, int]]:
    return set(Rollup.objects.exclude(value=0).values_list("commune_id", "day", "measure", "value"))


def _random_record(rng: random.Random, ma: str) -> dict:  # type: ignore[type-arg]
    day = datetime(2026, 3, 2 + rng.randrange(20), 8 + rng.randrange(9))
    rec = base_record(
        ma,
        NgayNopHoSo=None,
        NgayTiepNhan=day.strftime("%Y%m%d%H%M%S"),
        DonViXuLy=rng.choice(["23872", "23869", "21553"]),
        KenhThucHien=rng.choice(["1", "2"]),
        MaTTHC=rng.choice(["1.004227", "2.000908", "1.001193"]),
        NgayHenTra=rng.choice([None, f"202603{rng.randrange(5, 28):02d}170000"]),
        DuocThanhToanTrucTuyen=rng.choice(["0", "1"]),
    )
    if rng.random() < 0.6:
        rec["NgayKetThucXuLy"] = f"2026{rng.choice(['03', '04'])}{rng.randrange(22, 29):02d}100000"
        rec["TrangThaiHoSo"] = "9"
    return rec


def test_it_gives_the_same_rollups_incrementally_and_by_rebuild(catalogue):  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    for _ in range(6):
        run([_random_record(rng, f"R{rng.randrange(40)}") for _ in range(15)])
    incremental = _snapshot()
    cid = catalogue.commune.pk
    before = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))
    rollup_rebuild.rebuild_rollups()
    assert _snapshot() == incremental
    assert period_measures([cid], date(2026, 3, 1), date(2026, 3, 31)) == before
    rollup_rebuild.rebuild_rollups("52")
    assert _snapshot() == incremental


def test_it_matches_outcome_as_of_with_period_measures(catalogue):  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    run([_random_record(rng, f"Q{i}") for i in range(60)])
    for end in (date(2026, 3, 10), date(2026, 3, 25), date(2026, 4, 30)):
        for commune_id, m in period_measures(
            Dossier.objects.values_list("commune_id", flat=True).distinct(), date(2026, 3, 1), end
        ).items():
            outcomes = [
                outcome_as_of(d, end)
                for d in Dossier.objects.filter(commune_id=commune_id)
                if d.received_day <= end and not (d.end_day and d.end_day < date(2026, 3, 1))
            ]
            assert m["dossiers.total"] == len(outcomes)
            assert m["dossiers.on_time"] == sum(o in ("on_time", "open_within") for o in outcomes)
            assert m["dossiers.open_overdue"] == outcomes.count("open_overdue")


def test_it_counts_a_resent_record_unchanged_without_validating_it_again(catalogue):  # type: ignore[no-untyped-def]
    from kpixa.dossiers.tests.conftest import IA_DOM_ALIAS
    from kpixa.units.models import UnitAlias

    first = [base_record("A", DonViXuLy=IA_DOM_ALIAS), base_record("B", DonViXuLy=IA_DOM_ALIAS)]
    assert run(first).created == 2
    UnitAlias.objects.all().delete()  # the alias is gone: a changed record can no longer be placed
    changed = base_record("B", DonViXuLy=IA_DOM_ALIAS, TrangThaiHoSo="9", NgayKetThucXuLy="20260305100000")
    counts = run([first[0], changed]).counts()
    assert (counts["unchanged"], counts["rejected"]) == (1, 1)
