"""Rows the per-record path notes something about, and rows naming a procedure the catalogue
does not hold yet, stay on the column-wise CSV path and give what the per-record path gives
(docs/ingest-performance.md): their notes become the same flags, an unknown code is added
from the same first valid record naming it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kpixa.dossiers.tests.test_fastpath import (
    assert_same,
    generated,
    rows_of,
    run_both,
    small_blocks,  # noqa: F401 — the ~20-row blocks (autouse there, imported to apply here)
    units,  # noqa: F401 — the catalogue and an alias
    write_rows,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL-only"),
]

DMQG_DEFAULT = json.dumps(
    [
        {"TenTepDinhKem": "Tờ khai.pdf", "DuocSoHoa": "1", "DuocLayTuKhoDMQG": "1"},
        {"TenTepDinhKem": "CCCD.pdf", "DuocSoHoa": "0", "DuocLayTuKhoDMQG": "1"},
    ],
    ensure_ascii=False,
)


def _supplement_with_unset_due(row: dict[str, str]) -> str:
    """One answered supplement request, an hour after receipt, whose NgayHenTraTruoc is .NET's
    unset DateTime."""
    received = datetime.strptime(row["NgayTiepNhan"], "%Y%m%d%H%M%S")
    return json.dumps(
        [
            {
                "NgayBoSung": f"{received + timedelta(hours=1):%Y%m%d%H%M%S}",
                "NgayTiepNhanBoSung": f"{received + timedelta(hours=2):%Y%m%d%H%M%S}",
                "NgayHenTraTruoc": "0001-01-01T00:00:00",
            }
        ]
    )


def _flag_codes(result: Any) -> list[str]:
    return [flag[0] for flag in result[1]["flags"]]


def test_noted_rows_stay_on_the_fast_path(units, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    header, rows = rows_of(generated(tmp_path, 31, days=3))
    open_rows = [
        i for i, r in enumerate(rows) if r["DanhSachHoSoBoSung"] in ("", "[]") and not r["NgayKetThucXuLy"]
    ]
    for position in range(0, 60, 3):
        rows[position] = {**rows[position], "TaiLieuNop": DMQG_DEFAULT}
    assert len(open_rows) >= 3
    for position in open_rows[:6]:
        rows[position] = {**rows[position], "DanhSachHoSoBoSung": _supplement_with_unset_due(rows[position])}
    path = write_rows(tmp_path / "noted.csv", header, rows)
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    codes = _flag_codes(slow)
    assert codes.count("kho_dmqg_mac_dinh") >= 20 and codes.count("ngay_mac_dinh") >= 3
    read = slow[0][0]["read"]
    assert sum(fast[2]) == read  # every row, noted ones included, went column-wise
    assert fast[0][0]["flagged"] == slow[0][0]["flagged"] >= 23


@pytest.fixture
def no_catalogue(world):  # type: ignore[no-untyped-def]
    from kpixa.units.models import UnitAlias

    UnitAlias.objects.create(system="", alias="000.00.21.H52", commune=world.commune)
    return world


def test_unknown_procedures_are_added_once_then_read_column_wise(
    no_catalogue, settings, monkeypatch, tmp_path
):  # type: ignore[no-untyped-def]
    header, rows = rows_of(generated(tmp_path, 37, days=3))
    base = rows[0]

    def edit(key: str, **fields: str) -> dict[str, str]:
        return {**base, "MaHoSo": key, **fields}

    unknown = [
        # 9.777777: its first row is rejected, the second (valid) one names it
        edit("U-BAD", MaTTHC="9.777777", TenTTHC="Tên hỏng", tienTrinhDongBo="[{not json"),
        edit("U-NAMES", MaTTHC="9.777777", TenTTHC="Tên đúng", ThoiGianGiaiQuyet="7", DonViTinh="ngày"),
        *(edit(f"U-{n}", MaTTHC="9.777777", TenTTHC="Tên khác") for n in range(12)),
        # 9.666666: a key twice before its first clean row, so its rows keep their order per record
        edit("U-TWICE", MaTTHC="9.666666", TenTTHC="Bản một"),
        edit("U-TWICE", MaTTHC="9.666666", TenTTHC="Bản hai", TrangThaiHoSo="10", NgayTra="20250720080000"),
        *(edit(f"V-{n}", MaTTHC="9.666666", TenTTHC="Tên sau") for n in range(6)),
        # 9.555555: every row naming it is rejected
        *(edit(f"W-{n}", MaTTHC="9.555555", TrangThaiHoSo="99") for n in range(3)),
    ]
    path = write_rows(tmp_path / "unknown.csv", header, rows[:30] + unknown + rows[30:])
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    procedures = {row[0]: row for row in slow[1]["procedures"]}
    assert procedures["9.777777"][1] == "Tên đúng" and procedures["9.777777"][3] == 7
    assert "9.555555" not in procedures
    read = slow[0][0]["read"]
    codes = len(procedures)
    # Per code about its first row went per record, and the rows of 9.555555 and 9.666666 (11).
    assert sum(fast[2]) >= read - codes - 11 - 0.05 * read
    assert {"'U-NAMES'", "'U-3'", "'V-0'"} <= {row[1] for row in fast[1]["dossiers"]}


def test_a_file_without_catalogue_mostly_goes_column_wise(no_catalogue, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    path: Path = generated(tmp_path, 41, days=4)
    fast, slow = run_both(settings, monkeypatch, path)
    assert_same(fast, slow)
    read, codes = slow[0][0]["read"], len(slow[1]["procedures"])
    assert codes > 3
    assert sum(fast[2]) >= read - 2 * codes  # the rows naming a code first, and few others
