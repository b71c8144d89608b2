"""The synthetic data generator: deterministic, realistic, valid per the portal's field list."""

from __future__ import annotations

import io
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from kpixa.dossiers.generator import GeneratorConfig, generate, records, write_run
from kpixa.dossiers.generator.catalogue import load_catalogue, read_rows
from kpixa.dossiers.generator.feedback import PETITION_COLUMNS, RATING_COLUMNS
from kpixa.dossiers.generator.render import COLUMNS, HOSO_COLUMNS, json_safe
from kpixa.dossiers.generator.units import communes_from_reference
from kpixa.dossiers.parsing import read_csv, read_jsonl

GIA_LAI = communes_from_reference("52")
DATE_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")


def run(start: date, end: date, scale: float = 0.05, seed: int = 7) -> list[dict]:
    config = GeneratorConfig(GIA_LAI, start, end, scale=scale, seed=seed)
    return [rec for batch in generate(config) for rec in records(batch.dossiers, dossiers=True)]


@pytest.fixture(scope="module")
def quarter() -> list[dict]:
    return run(date(2025, 7, 1), date(2025, 9, 30))


def parse(value: str) -> datetime:
    assert len(value) == 14 and value.isdigit(), value
    v = int(value)
    return datetime(
        v // 10**10, v // 10**8 % 100, v // 10**6 % 100, v // 10**4 % 100, v // 100 % 100, v % 100
    )


def test_it_writes_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    config = GeneratorConfig(GIA_LAI[:20], date(2025, 7, 1), date(2025, 7, 20), scale=0.3, seed=3)
    for fmt in ("csv", "jsonl"):
        write_run(config, tmp_path / f"a.{fmt}", fmt)
        write_run(config, tmp_path / f"b.{fmt}", fmt)
        for suffix in ("", ".pakn", ".danhgia"):
            a = (tmp_path / f"a{suffix}.{fmt}").read_bytes()
            assert a == (tmp_path / f"b{suffix}.{fmt}").read_bytes()
            assert len(a) > 100


def test_it_changes_with_the_seed() -> None:
    a = run(date(2025, 7, 1), date(2025, 7, 3), seed=1)
    b = run(date(2025, 7, 1), date(2025, 7, 3), seed=2)
    assert [r["hoSo"]["MaTTHC"] for r in a] != [r["hoSo"]["MaTTHC"] for r in b]


def test_it_gives_a_realistic_volume_per_month(quarter: list[dict]) -> None:
    # scale 0.05 of ~140,000 a month for Gia Lai, over three months
    assert 0.05 * 140_000 * 3 * 0.6 < len(quarter) < 0.05 * 140_000 * 3 * 1.6


def test_it_skews_volumes_across_communes(quarter: list[dict]) -> None:
    counts = sorted(Counter(r["hoSo"]["DonViXuLy"] for r in quarter).values())
    assert counts[-1] > 5 * counts[len(counts) // 10]


def test_it_receives_most_dossiers_online(quarter: list[dict]) -> None:
    channels = Counter(r["hoSo"]["KenhThucHien"] for r in quarter)
    assert 0.75 <= channels["2"] / len(quarter) <= 0.95
    assert channels["1"] > channels["3"] > 0


def test_it_receives_few_dossiers_on_weekends(quarter: list[dict]) -> None:
    weekend = sum(parse(r["hoSo"]["NgayTiepNhan"]).weekday() >= 5 for r in quarter)
    assert 0 < weekend / len(quarter) < 0.03


def test_it_shows_the_tet_dip() -> None:
    recs = run(date(2026, 2, 2), date(2026, 3, 13), scale=0.1)
    per_day = Counter(r["hoSo"]["NgayTiepNhan"][:8] for r in recs)
    tet = sum(per_day[f"202602{d}"] for d in range(16, 21)) / 5
    before = sum(per_day[f"202602{d:02d}"] for d in range(2, 7)) / 5
    after = sum(per_day[f"202603{d:02d}"] for d in range(9, 14)) / 5
    assert tet < 0.05 * before
    assert tet < 0.05 * after


def test_it_has_communes_that_ask_for_supplements_again_and_again(quarter: list[dict]) -> None:
    repeated = Counter(r["hoSo"]["DonViXuLy"] for r in quarter if len(r["hoSo"]["DanhSachHoSoBoSung"]) >= 2)
    assert len(repeated) >= 3
    assert repeated.most_common(1)[0][1] >= 10


def test_it_has_statuses_mostly_finished_some_open(quarter: list[dict]) -> None:
    statuses = Counter(r["hoSo"]["TrangThaiHoSo"] for r in quarter)
    assert (statuses["9"] + statuses["10"]) / len(quarter) > 0.9
    assert statuses["4"] > 0 and statuses["3"] > 0 and statuses["7"] > 0 and statuses["8"] > 0
    assert set(statuses) <= {"3", "4", "5", "7", "8", "9", "10"}


def test_it_makes_every_record_valid(quarter: list[dict]) -> None:
    for rec in quarter:
        hoso = rec["hoSo"]
        assert set(hoso) == set(HOSO_COLUMNS)
        received = parse(hoso["NgayTiepNhan"])
        for name in DATE_FIELDS:
            if hoso[name]:
                parse(hoso[name])
        assert parse(hoso["NgayHenTra"]) > received >= parse(hoso["NgayNopHoSo"])
        _check_ends(hoso, received)
        _check_lists(hoso, rec["tienTrinhDongBo"])


def _check_ends(hoso: dict, received: datetime) -> None:
    status = hoso["TrangThaiHoSo"]
    if status in ("9", "10"):
        assert parse(hoso["NgayKetThucXuLy"]) >= received
        assert hoso["DanhSachGiayToKetQua"]
    if status == "10":
        assert parse(hoso["NgayTra"]) >= parse(hoso["NgayKetThucXuLy"])
    if status in ("4", "5"):
        assert not hoso["NgayKetThucXuLy"] and not hoso["NgayTra"]
    if status == "3":
        assert parse(hoso["NgayTuChoi"]) >= received


def _check_lists(hoso: dict, steps: list[dict]) -> None:
    assert 1 <= len(hoso["TaiLieuNop"]) <= 3
    assert steps[0]["TrangThai"] == "2" and steps[0]["ThoiDiemXuLy"] == hoso["NgayTiepNhan"]
    if hoso["TrangThaiHoSo"] == "10":
        # a passed-around dossier (docs/flags.md) has three steps of other departments between
        assert [s["TrangThai"] for s in steps if s["TrangThai"] != "4"] == ["2", "9", "10"]
        assert sum(s["TrangThai"] == "4" for s in steps) in (0, 3)
    for fee in hoso["DanhSachLePhi"]:
        assert int(fee["Gia"]) > 0
    for sup in hoso["DanhSachHoSoBoSung"]:
        asked = parse(sup["NgayBoSung"])
        assert asked >= parse(hoso["NgayTiepNhan"])
        if sup["NgayTiepNhanBoSung"]:
            assert parse(sup["NgayTiepNhanBoSung"]) > asked


def test_it_pays_online_only_for_fee_bearing_dossiers(quarter: list[dict]) -> None:
    paid = [r["hoSo"] for r in quarter if r["hoSo"]["DuocThanhToanTrucTuyen"] != "0"]
    assert paid and all(h["DanhSachLePhi"] for h in paid)
    assert sum(bool(r["hoSo"]["DanhSachLePhi"]) for r in quarter) > len(paid)


def test_it_issues_electronic_results_for_many(quarter: list[dict]) -> None:
    results = [g for r in quarter for g in r["hoSo"]["DanhSachGiayToKetQua"]]
    electronic = sum("DuongDanTepTinKetQua" in g for g in results)
    assert 0.3 < electronic / len(results) < 0.95


def test_it_writes_csv_the_importer_reads_as_the_jsonl(tmp_path: Path) -> None:
    config = GeneratorConfig(GIA_LAI[:10], date(2025, 7, 1), date(2025, 7, 10), scale=0.3, seed=5)
    write_run(config, tmp_path / "d.csv", "csv")
    write_run(config, tmp_path / "d.jsonl", "jsonl")
    flat = [rec for _row, rec in read_csv((tmp_path / "d.csv").read_text(encoding="utf-8"))]
    nested = [rec for _row, rec in read_jsonl((tmp_path / "d.jsonl").read_text(encoding="utf-8"))]
    assert len(flat) == len(nested) > 0
    for a, b in zip(flat, nested, strict=True):
        assert a == {**b["hoSo"], "tienTrinhDongBo": b["tienTrinhDongBo"]}


def test_it_writes_petitions_and_ratings_in_their_forms(tmp_path: Path) -> None:
    config = GeneratorConfig(GIA_LAI, date(2025, 7, 1), date(2025, 7, 31), scale=0.05, seed=5)
    summary = write_run(config, tmp_path / "d.jsonl", "jsonl")
    assert summary.petitions > 0 and summary.ratings > 0
    petitions = [r for _n, r in read_jsonl((tmp_path / "d.pakn.jsonl").read_text(encoding="utf-8"))]
    ratings = [r for _n, r in read_jsonl((tmp_path / "d.danhgia.jsonl").read_text(encoding="utf-8"))]
    assert all(tuple(p) == PETITION_COLUMNS for p in petitions)
    assert all(tuple(r) == RATING_COLUMNS and r["MucDoHaiLong"] in "1234" for r in ratings)
    assert {r["DoiTuong"] for r in ratings} == {"1", "2"}


def test_it_ships_a_catalogue_the_templates_can_hold() -> None:
    rows = read_rows()
    assert 55 <= len(rows) <= 80
    assert len({r["code"] for r in rows}) == len(rows)
    assert {r["limit_unit"] for r in rows} == {"gio", "ngay", "ngay_lam_viec", "thang"}
    assert {r["cutoff_hour"] for r in rows} == {"", "15"}
    cat = load_catalogue()
    assert np.isclose(cat.weights.sum(), 1)
    assert all(json_safe(text) for text in cat.codes + cat.field_names + cat.field_codes)
    assert all(json_safe(n.replace(",", "")) for n in cat.names)


def test_it_generates_tens_of_thousands_of_dossiers_quickly() -> None:
    communes = communes_from_reference()[:600]
    config = GeneratorConfig(communes, date(2025, 10, 1), date(2025, 10, 7), scale=0.5, seed=1)
    started = time.perf_counter()
    count = sum(len(batch) for batch in generate(config, "csv"))
    assert count > 50_000
    assert time.perf_counter() - started < 120  # loose: a smoke test, throughput is measured in docs


def test_it_names_columns_as_the_portal_does() -> None:
    assert COLUMNS[-1] == "tienTrinhDongBo" and "DanhSachHoSoBoSung" in COLUMNS


@pytest.mark.django_db
def test_it_imports_directly_through_the_importer(world) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from kpixa.dossiers.models import Dossier, ImportBatch, Petition, Rating

    call_command(
        "generate_dossiers",
        "--province",
        "52",
        "--from",
        "2025-07-01",
        "--to",
        "2025-07-14",
        "--scale",
        "0.3",
        "--seed",
        "4",
        stdout=io.StringIO(),
    )
    batches = list(ImportBatch.objects.order_by("id"))
    assert [b.kind for b in batches] == ["dossier", "petition", "rating"]
    assert all(b.rejected == 0 for b in batches), [b.counts() for b in batches]
    assert Dossier.objects.count() == batches[0].created > 0
    assert set(Dossier.objects.values_list("commune__code", flat=True)) <= {"23872", "23869", "21553"}
    assert Petition.objects.count() == batches[1].created
    assert Rating.objects.count() == batches[2].created
