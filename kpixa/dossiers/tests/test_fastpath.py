"""The column-wise CSV fast path (PostgreSQL) gives exactly what the per-record path gives.

Each scenario imports the same file(s) twice inside rolled-back savepoints, once per path, and
compares everything an import leaves: counts, dossier rows (every column but ids, batch and
ingested_at), quarantine, flags, rollups and the procedure catalogue.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from kpixa.dossiers.generator import GeneratorConfig, write_run
from kpixa.dossiers.models import Dossier, Flag, Procedure, ProcedureRollup, Rejection, Rollup
from kpixa.dossiers.services import fastpath, importing, procedure_catalogue

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL-only"),
]
COMMUNES = [("23872", "xa"), ("23869", "xa"), ("21553", "phuong")]
CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "procedures.csv"


class Rollback(Exception):  # noqa: N818
    pass


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):  # type: ignore[no-untyped-def]
    """Blocks of about 20 rows: keys across blocks, the worker thread and the stored look-up
    after a re-sent block are all exercised."""
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", 40_000)


@pytest.fixture
def units(world):  # type: ignore[no-untyped-def]
    from kpixa.units.models import UnitAlias

    UnitAlias.objects.create(system="", alias="000.00.21.H52", commune=world.commune)
    procedure_catalogue.import_procedures(CATALOGUE)
    return world


def generated(tmp_path: Path, seed: int, days: int = 6, scale: float = 0.5, name: str = "gen.csv") -> Path:
    path = tmp_path / name
    config = GeneratorConfig(COMMUNES, date(2025, 7, 1), date(2025, 7, days), scale=scale, seed=seed)
    write_run(config, path, "csv")
    return path


def snapshot() -> dict[str, Any]:
    skip = {"id", "batch", "ingested_at"}
    fields = [f.attname for f in Dossier._meta.concrete_fields if f.name not in skip]
    fields[fields.index("procedure_id")] = "procedure__code"  # ids of unverified codes differ per run
    return {
        "dossiers": sorted(tuple(map(repr, row)) for row in Dossier.objects.values_list(*fields)),
        "rejections": sorted(
            (r.row, r.record_key, r.field, r.value, r.reason_vi, json.dumps(r.raw, sort_keys=True))
            for r in Rejection.objects.all()
        ),
        "flags": sorted(
            (
                f.code,
                f.message_vi,
                json.dumps(f.params, sort_keys=True),
                f.dossier.ma_ho_so if f.dossier else "",
            )
            for f in Flag.objects.select_related("dossier")
        ),
        "rollups": sorted(Rollup.objects.values_list("commune_id", "day", "measure", "value")),
        "procedure_rollups": sorted(
            ProcedureRollup.objects.values_list(
                "commune_id", "procedure__code", "month", "dossiers", "paid_online"
            )
        ),
        "procedures": sorted(
            Procedure.objects.values_list(
                "code", "name", "verified", "limit_value", "limit_unit", "field_code", "field_name"
            )
        ),
    }


def run_both(settings, monkeypatch, *paths: Path, system: str = "motcua"):  # type: ignore[no-untyped-def]
    """Import ``paths`` in order on each path; return (fast result, per-record result).

    A result is (counts per batch, snapshot, rows the fast path wrote).
    """
    written = []
    original = fastpath.ingest_file

    def spy(ctx: Any, path: Any, progress: Any = None) -> None:
        original(ctx, path, progress)
        written.append(ctx.fast_rows)

    monkeypatch.setattr(fastpath, "ingest_file", spy)
    results = []
    for fast in (True, False):
        settings.KPIXA_FAST_CSV_IMPORT = fast
        written.clear()
        try:
            with transaction.atomic():
                counts = [importing.import_file(p, source_system=system).counts() for p in paths]
                results.append((counts, snapshot(), list(written)))
                raise Rollback
        except Rollback:
            pass
    return results[0], results[1]


def assert_same(fast: Any, slow: Any) -> None:
    assert fast[0] == slow[0]
    for name in slow[1]:
        a, b = fast[1][name], slow[1][name]
        only_fast, only_slow = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        assert a == b, (name, only_fast[:2], only_slow[:2])
    assert slow[2] == []


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_generator_output_is_imported_identically(units, settings, monkeypatch, tmp_path, seed):  # type: ignore[no-untyped-def]
    path = generated(tmp_path, seed)
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    read = slow[0][0]["read"]
    assert read > 150
    assert sum(fast[2]) >= 0.97 * read  # nearly all generator rows are plainly clean
    assert slow[1]["dossiers"]


def test_a_file_imported_twice_changes_nothing(units, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    path = generated(tmp_path, 5)
    settings.KPIXA_FAST_CSV_IMPORT = True
    first = importing.import_file(path, source_system="motcua")
    before = snapshot()
    modes = []
    original = fastpath._write

    def spy(ctx: Any, names: Any, prepared: Any, state: Any) -> None:
        modes.append(prepared.done is None)
        original(ctx, names, prepared, state)

    monkeypatch.setattr(fastpath, "_write", spy)
    second = importing.import_file(path, source_system="motcua")
    assert len(modes) > 5 and modes[0] is False and all(modes[2:])  # then read after the look-up
    assert second.unchanged == first.created + first.updated and second.created == second.updated == 0
    after = snapshot()
    assert after["dossiers"] == before["dossiers"] and after["rollups"] == before["rollups"]
    assert after["procedure_rollups"] == before["procedure_rollups"]


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]], *, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def edge_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Hand-made rows that exercise every reason a row leaves the fast path."""
    base = dict(rows[0])
    closed = next(r for r in rows if r["TrangThaiHoSo"] == "10" and r["NgayKetThucXuLy"])

    def edit(key: str, template: dict[str, str] | None = None, **fields: str) -> dict[str, str]:
        return {**(template or base), "MaHoSo": key, **fields}

    late_step = json.dumps(
        [{"ThoiDiemXuLy": "20250601080000", "TrangThai": "9", "NoiDungXuLy": "Xong"}], ensure_ascii=False
    )
    return [
        edit("E-BADDATE", NgayTiepNhan="20250231120000"),
        edit("E-SEC60", NgayTiepNhan="20250701120060"),
        edit("E-DMY", NgayTiepNhan="01/07/2025 08:00:00", NgayNopHoSo="2025-07-01T07:30:00+07:00"),
        edit("E-ISO-Z", NgayHenTra="2025-07-09T03:00:00Z"),
        edit("E-SHORT", NgayNopHoSo="20250701"),
        edit("E-OLDYEAR", NgayNopHoSo="19990101080000"),
        edit("E-UNIT", DonViXuLy="99999"),
        edit("E-ALIAS", DonViXuLy="000.00.21.H52"),
        edit("E-SPACES", DonViXuLy=" 23872 ", ChuHoSo=" Lê Văn A\u00a0"),
        edit("E-NFD", ChuHoSo="Nguye\u0302\u0303n Thi\u0323 Be\u0302\u0301"),
        edit("E-NUL", ChuHoSo="Lê\x00 Văn"),
        edit("E-STATUS", TrangThaiHoSo="11"),
        edit("E-CHANNEL", KenhThucHien="4"),
        edit("E-CHANNEL-EMPTY", KenhThucHien=""),
        edit("E-PROC", MaTTHC="9.999999", TenTTHC="Thủ tục lạ", ThoiGianGiaiQuyet="5", DonViTinh="ngày"),
        edit("E-PROC2", MaTTHC="9.999999", TenTTHC="Tên khác"),
        edit("E-NODUE", MaTTHC="9.888888", ThoiGianGiaiQuyet="", NgayHenTra=""),
        edit("E-JSON", tienTrinhDongBo="[{not json"),
        edit("E-STEP-EARLY", tienTrinhDongBo=late_step, NgayKetThucXuLy="", TrangThaiHoSo="9"),
        edit("E-NOEND", TrangThaiHoSo="9", NgayKetThucXuLy="", NgayTra="", tienTrinhDongBo="[]"),
        edit("E-LONG", closed, NgayTiepNhan="20240101080000", NgayNopHoSo="20240101070000"),
        edit("E-END-BEFORE", NgayKetThucXuLy="20250101080000"),
        edit("", ChuHoSo="không có mã"),
        edit("E-FEE", DanhSachLePhi=json.dumps([{"Gia": "abc"}])),
        edit("E-FEE0", DanhSachLePhi=json.dumps([{"Gia": "0"}])),
        edit(
            "E-SUPP",
            DanhSachHoSoBoSung=json.dumps(
                [
                    {
                        "NgayBoSung": "20250702080000",
                        "NgayTiepNhanBoSung": "20250703080000",
                        "NgayHenTraTruoc": "20250704170000",
                        "NgayHenTraMoi": "20250707170000",
                    }
                ]
            ),
        ),  # fmt: skip
        edit("E-SUPP-OPEN", DanhSachHoSoBoSung=json.dumps([{"NgayBoSung": "20250702080000"}])),
        edit(
            "E-SUPP-TWO",
            DanhSachHoSoBoSung=json.dumps(
                [
                    {"NgayBoSung": "20250703080000", "NgayTiepNhanBoSung": "20250703100000"},
                    {
                        "NgayBoSung": "20250702080000",
                        "NgayTiepNhanBoSung": "20250702093000",
                        "NgayHenTraTruoc": "20250705170000",
                    },
                ]
            ),
        ),  # fmt: skip
        edit(
            "E-SUPP-BAD",
            DanhSachHoSoBoSung=json.dumps(
                [{"NgayBoSung": "20250703080000", "NgayTiepNhanBoSung": "20250702100000"}]
            ),
        ),  # fmt: skip
        edit("E-DUP", ChuHoSo="Bản đầu"),
        edit("E-DUP", ChuHoSo="Bản sau", NgayTra="20250720080000", TrangThaiHoSo="10"),
        edit("E-DUP", ChuHoSo="Bản sau", NgayTra="20250720080000", TrangThaiHoSo="10"),
        edit("E-DUP", ChuHoSo="Bản cũ", NgayNopHoSo="20250601080000", NgayTiepNhan="20250601090000"),
        dict.fromkeys(base, ""),  # a blank row: skipped, its number kept
        edit("E-AFTER-BLANK"),
        edit("E-LONGNAME", ChuHoSo="Â" * 201),
        edit(
            "E-OPEN", TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra="", tienTrinhDongBo="[]", NgayHenTra=""
        ),
    ] + [  # line breaks and quotes inside quoted values, across block boundaries
        edit(f"E-LINES-{i}", rows[i % len(rows)], ChuHoSo='Lê\nVăn "Tư"', TenTTHC='Thủ tục\r\n"A", B')
        for i in range(40)
    ]


@pytest.mark.parametrize("due_base", ["truoc", "hentra"])
def test_edge_rows_are_imported_identically(units, settings, monkeypatch, tmp_path, due_base):  # type: ignore[no-untyped-def]
    settings.KPIXA_SUPPLEMENT_DUE_BASE = due_base
    header, rows = rows_of(generated(tmp_path, 7, days=2))
    mixed = rows[:40] + edge_rows(rows) + rows[40:]
    path = write_rows(tmp_path / "edge.csv", header, mixed, bom=True)
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    counts = slow[0][0]
    assert counts["rejected"] >= 10 and counts["flagged"] >= 3 and counts["updated"] >= 1
    assert counts["unchanged"] >= 1 and counts["ignored"] >= 1
    assert 0 < fast[2][0] < counts["read"] - 20


def test_resent_and_newer_versions_are_classified_identically(units, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    header, rows = rows_of(generated(tmp_path, 13, days=3))
    first = write_rows(tmp_path / "first.csv", header, rows[: len(rows) // 2 + 20])
    again = rows[len(rows) // 2 :]
    newer = [{**r, "NgayTra": "20250801080000", "TrangThaiHoSo": "10"} for r in again[:10]]
    older = [{**r, "NgayTiepNhan": "20250601080000", "NgayNopHoSo": "20250601070000"} for r in again[10:15]]
    older = [
        {**o, "NgayKetThucXuLy": "", "NgayTra": "", "tienTrinhDongBo": "[]", "TrangThaiHoSo": "4"}
        for o in older
    ]
    second = write_rows(tmp_path / "second.csv", header, newer + older + again[15:])
    fast, slow = run_both(settings, monkeypatch, first, second)
    assert_same(fast, slow)
    counts = slow[0][1]
    assert counts["unchanged"] > 0 and counts["updated"] > 0 and counts["created"] > 0


def test_a_ragged_file_goes_the_per_record_way(units, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    path = generated(tmp_path, 17, days=2)
    path.write_text(path.read_text(encoding="utf-8") + "ONLY,TWO\n", encoding="utf-8")
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    assert fast[2] == []  # restarted per record
    assert slow[0][0]["read"] > 50


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_other_line_endings_are_read_identically(units, settings, monkeypatch, tmp_path, newline):  # type: ignore[no-untyped-def]
    path = generated(tmp_path, 23, days=2)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", newline.encode()))
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    assert slow[0][0]["created"] > 50
    assert (fast[2] == []) == (newline == "\r")  # a header not ended by a line feed: per record


def test_empty_lines_keep_their_row_numbers(units, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    header, rows = rows_of(generated(tmp_path, 17, days=2))
    path = write_rows(
        tmp_path / "gaps.csv", header, rows[:5] + [{**rows[5], "TrangThaiHoSo": "99"}] + rows[6:]
    )
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\n\n", 4), encoding="utf-8")
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    assert fast[2][0] > 50
    assert [r[0] for r in slow[1]["rejections"]] == [
        10
    ]  # the sixth record; rows 1, 3, 5 and 7 are the empty lines


def test_a_failed_fast_batch_leaves_nothing(units, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    path = generated(tmp_path, 19, days=2)
    settings.KPIXA_FAST_CSV_IMPORT = True

    def boom(*args: Any) -> None:
        raise RuntimeError("killed")

    calls = {"n": 0}
    original = fastpath._copy_new

    def second_block_fails(*args: Any) -> None:
        calls["n"] += 1
        original(*args)
        boom()

    monkeypatch.setattr(fastpath, "_copy_new", second_block_fails)
    with pytest.raises(RuntimeError):
        importing.import_file(path, source_system="motcua")
    assert calls["n"] == 1
    assert not Dossier.objects.exists() and not Rollup.objects.exists()


def test_blocks_are_cut_at_line_breaks_outside_quotes():  # type: ignore[no-untyped-def]
    data = b'a,"x\ny",b\nc,"""q""\n",d\ne,f'
    assert fastpath._cut(data, at_end=False) == (b'a,"x\ny",b\nc,"""q""\n",d\n', b"e,f")
    assert fastpath._cut(b'a,"open\nstill', at_end=False) == (b"", b'a,"open\nstill')
    assert fastpath._cut(b"tail", at_end=True) == (b"tail", b"")


def test_text_that_reading_would_change_is_never_taken_as_clean():  # type: ignore[no-untyped-def]
    import random

    import pyarrow as pa
    import pyarrow.compute as pc

    from kpixa.dossiers.parsing import nfc

    pool = "aAz09 ,.\"'\t\n\x00\xa0\u2028\u3000ĐđệễốắằỹƯơ"
    pool += "\u0300\u0301\u0302\u0303\u0323\u0306\u031b\u1100\u1161\u11a8가"
    rng = random.Random(5)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 6))) for _ in range(20_000)]
    flagged = pc.match_substring_regex(pa.array(texts), fastpath.suspect_text()).to_pylist()
    assert all(nfc(t).strip() == t for t, f in zip(texts, flagged, strict=True) if not f)
    assert 0 < sum(flagged) < len(texts)


FEES = ["NaN", "Infinity", "-5"]


def hostile_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Malformed values, impossible timelines and provincial clients' shapes: each row is
    rejected, flagged or accepted by the fast path exactly as by the per-record path."""
    base = dict(rows[0])
    received = base["NgayTiepNhan"]
    next_day = f"{int(received[:8]) + 1}{received[8:]}"  # still a valid date in July 2025

    def edit(key: str, **fields: str) -> dict[str, str]:
        return {**base, "MaHoSo": key, **fields}

    def supplement(**fields: Any) -> str:
        return json.dumps([{"NgayBoSung": next_day, **fields}])

    return [
        *(edit(f"H-STATUS-{i}", TrangThaiHoSo=s) for i, s in enumerate(["NaN", "²", "４", "٤", "04"])),
        *(
            edit(f"H-LIMIT-{i}", ThoiGianGiaiQuyet=v, DonViTinh=u)
            for i, (v, u) in enumerate(
                [
                    ("-5", ""),
                    ("99999999999", ""),
                    ("1e308", ""),
                    ("NaN", ""),
                    ("800", "ngày"),
                    ("800", "Giờ"),
                    ("25", "tháng"),
                    ("5,5", "Ngày"),
                    ("abc", ""),
                    ("24", "tháng"),
                ]
            )
        ),  # fmt: skip
        edit("H-LIMIT-UNKNOWN", MaTTHC="9.777777", ThoiGianGiaiQuyet="-5", NgayHenTra=""),
        edit("H-DUE-BEFORE", NgayHenTra="20250101170000"),
        edit("H-SUBMITTED-AFTER", NgayNopHoSo=next_day),
        edit("H-FUTURE", NgayTiepNhan="20990101090000", NgayNopHoSo="", NgayHenTra=""),
        edit("H-FUTURE-END", NgayKetThucXuLy="20990101090000"),
        edit("H-FUTURE-STEP", tienTrinhDongBo=json.dumps([{"ThoiDiemXuLy": "20990101090000"}])),
        edit("H-SUP-BEFORE", DanhSachHoSoBoSung=json.dumps([{"NgayBoSung": "20250101080000"}])),
        edit("H-SUP-FUTURE", DanhSachHoSoBoSung=supplement(NgayTiepNhanBoSung="20990101080000")),
        edit("H-SUP-SENTINEL", DanhSachHoSoBoSung=supplement(NgayHenTraTruoc="0001-01-01T00:00:00")),
        edit("H-SUP-NULL", DanhSachHoSoBoSung=json.dumps([None, {"NgayBoSung": next_day}])),
        edit("H-SENTINEL", NgayTra="0001-01-01T00:00:00"),
        *(edit(f"H-FEE-{i}", DanhSachLePhi=json.dumps([{"Gia": g}])) for i, g in enumerate(FEES)),
        edit("H-FEE-NULL", DanhSachLePhi=json.dumps([None, {"Gia": "1000"}])),
        edit("H-DMQG", TaiLieuNop=json.dumps([{"DuocLayTuKhoDMQG": "1"}, {"DuocLayTuKhoDMQG": "1"}])),
        edit("H-DMQG-ONE", TaiLieuNop=json.dumps([{"DuocLayTuKhoDMQG": "1"}, {"DuocLayTuKhoDMQG": "0"}])),
        edit("H-RESULT-OBJECT", DanhSachGiayToKetQua=json.dumps([{"DuongDanTepTinKetQua": {"a": 1}}])),
        edit("H-ZW\u200b", ChuHoSo="khóa có ký tự độ rộng 0"),
        edit("H-BIDI", MaTTHC="1.00\u202e4227"),
        edit("H-UNIT-ZW", DonViXuLy="2387\u200d2"),
        edit("H-UNIT-PADDED", DonViXuLy="7900"),
        edit("H-LONG-OWNER", ChuHoSo="Â" * 5000),
        edit("H-LONG-NAME", TenTTHC="T" * 501),
        edit("H-LONG-PROC", MaTTHC="1." + "0" * 60),
        edit("H-DEEP", tienTrinhDongBo="[" * 30 + "]" * 30),
        edit("H-VERY-DEEP", tienTrinhDongBo="[" * 5000 + "]" * 5000),
        edit("H-NAN-IN-LIST", DanhSachLePhi='[{"Gia": NaN}]'),
    ]


@pytest.mark.parametrize("due_base", ["truoc", "hentra"])
def test_hostile_rows_are_imported_identically(units, settings, monkeypatch, tmp_path, due_base):  # type: ignore[no-untyped-def]
    from kpixa.units.models import Commune, CommuneKind

    Commune.objects.create(code="07900", name="Xã Số Không", kind=CommuneKind.XA, province=units.province)
    settings.KPIXA_SUPPLEMENT_DUE_BASE = due_base
    header, rows = rows_of(generated(tmp_path, 13, days=2))
    hostile = hostile_rows(rows)
    path = write_rows(tmp_path / "hostile.csv", header, rows[:30] + hostile + rows[30:])
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    counts = slow[0][0]
    assert counts["rejected"] >= 25 and counts["flagged"] >= 5
    keys = {r[1] for r in slow[1]["rejections"]}
    assert {"H-STATUS-0", "H-LIMIT-1", "H-DUE-BEFORE", "H-FUTURE", "H-FEE-0", "H-ZW\u200b"} <= keys
    assert not keys & {"H-STATUS-4", "H-LIMIT-7", "H-LIMIT-8", "H-SENTINEL", "H-UNIT-PADDED", "H-FEE-NULL"}
    assert fast[2][0] >= 20  # the good rows still went the fast way
