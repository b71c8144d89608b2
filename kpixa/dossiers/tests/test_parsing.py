"""Reading every format and date form, BOM and NFC; the docs samples; the import commands."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command

from kpixa.dossiers.models import Dossier, ImportBatch, Petition, Procedure, Rating
from kpixa.dossiers.parsing import FormatError, parse_dt, read_bytes
from kpixa.dossiers.tests.conftest import DOCS_SAMPLES, base_record


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20260213094510", datetime(2026, 2, 13, 9, 45, 10)),
        ("20260213", datetime(2026, 2, 13)),
        ("2026-02-13T09:45:10", datetime(2026, 2, 13, 9, 45, 10)),
        ("2026-02-13T02:45:10Z", datetime(2026, 2, 13, 9, 45, 10)),
        ("2026-02-13T09:45:10+08:00", datetime(2026, 2, 13, 8, 45, 10)),
        ("13/02/2026 09:45:10", datetime(2026, 2, 13, 9, 45, 10)),
        ("13/02/2026 09:45", datetime(2026, 2, 13, 9, 45)),
        ("13/02/2026", datetime(2026, 2, 13)),
        ("", None),
    ],
)
def test_it_parses_every_date_form_in_vietnam_time(text, expected):  # type: ignore[no-untyped-def]
    assert parse_dt(text) == expected


@pytest.mark.parametrize(
    "text", ["20260231090000", "31/02/2026 09:00:00", "2026-13-01", "hôm qua", "20261301"]
)
def test_it_refuses_impossible_dates(text):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        parse_dt(text)


def test_it_reads_json_one_object_a_list_and_a_wrapper_with_totals():
    one = list(read_bytes(json.dumps(base_record()).encode(), "json").records)
    many = list(read_bytes(json.dumps([base_record(), base_record("B")]).encode(), "json").records)
    wrapped = read_bytes(json.dumps({"TongHop": {"TongSo": 1}, "danhSach": [base_record()]}).encode(), "json")
    assert len(one) == 1 and len(many) == 2
    assert wrapped.declared == {"TongSo": 1} and len(list(wrapped.records)) == 1


def test_it_refuses_a_document_that_is_not_records():
    with pytest.raises(FormatError):
        read_bytes(b"42", "json")
    with pytest.raises(FormatError):
        read_bytes(b"{oops", "json")


def test_it_reads_utf8_with_bom_and_normalises_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Xã Ia Dom — Rơ Châm")
    data = "\ufeff" + json.dumps([{"ChuHoSo": decomposed}], ensure_ascii=False)
    ((_row, rec),) = read_bytes(data.encode("utf-8"), "json").records
    assert rec["ChuHoSo"] == unicodedata.normalize("NFC", decomposed)


def test_it_reads_json_lines_and_quarantines_a_broken_line():
    data = (json.dumps(base_record("A")) + "\n\n{broken\n" + json.dumps(base_record("B")) + "\n").encode()
    rows = list(read_bytes(data, "jsonl").records)
    assert [r for r, _ in rows] == [1, 2, 3] and "_error" in rows[1][1]


def test_it_reads_csv_with_list_columns_as_json():
    data = 'MaHoSo,DanhSachHoSoBoSung,tienTrinhDongBo\nA,"[{""NgayBoSung"": ""20260304""}]",\nB,not json,\n'
    rows = list(read_bytes(data.encode("utf-8-sig"), "csv").records)
    assert rows[0][1]["DanhSachHoSoBoSung"] == [{"NgayBoSung": "20260304"}]
    assert rows[1][1]["_error_field"] == "DanhSachHoSoBoSung"


def test_it_reads_xlsx_with_the_same_columns(tmp_path):  # type: ignore[no-untyped-def]
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["MaHoSo", "NgayTiepNhan", "KenhThucHien"])
    sheet.append(["X1", datetime(2026, 3, 3, 9), 2])
    book.save(tmp_path / "a.xlsx")
    ((_row, rec),) = read_bytes((tmp_path / "a.xlsx").read_bytes(), "xlsx").records
    assert rec == {"MaHoSo": "X1", "NgayTiepNhan": "20260303090000", "KenhThucHien": "2"}


@pytest.mark.django_db
def test_it_imports_the_docs_samples_cleanly(catalogue):  # type: ignore[no-untyped-def]
    files = sorted(DOCS_SAMPLES.glob("dossiers.*"))
    assert {f.suffix for f in files} == {".json", ".jsonl", ".csv"}
    call_command("import_dossiers", *[str(f) for f in files], "--source-system", "mau", verbosity=0)
    call_command("import_dossiers", str(DOCS_SAMPLES / "petitions.json"), "--kind", "petition", verbosity=0)
    call_command("import_dossiers", str(DOCS_SAMPLES / "ratings.jsonl"), "--kind", "rating", verbosity=0)
    assert set(ImportBatch.objects.values_list("rejected", "flagged")) == {(0, 0)}
    assert Dossier.objects.count() == 6 and Petition.objects.count() == 1 and Rating.objects.count() == 1
    csv_one = Dossier.objects.get(ma_ho_so="MAU-0202")
    assert (csv_one.end_source, csv_one.received_day) == ("bo_sung", date(2026, 3, 9))


@pytest.mark.django_db
def test_it_prints_a_closing_summary(catalogue, tmp_path, capsys):  # type: ignore[no-untyped-def]
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(base_record("A")) + "\n" + json.dumps(base_record("B", DonViXuLy="?")) + "\n")
    call_command("import_dossiers", str(path), verbosity=0)
    out = capsys.readouterr().out
    assert "đọc 2, thêm mới 1" in out and "bị từ chối 1" in out
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(tmp_path / "a.txt"), verbosity=0)


@pytest.mark.django_db
def test_it_imports_the_demo_procedure_catalogue(world):  # type: ignore[no-untyped-def]
    from pathlib import Path

    catalogue = Path(__file__).resolve().parents[1] / "data" / "procedures.csv"
    call_command("import_procedures", str(catalogue), verbosity=0)
    count = Procedure.objects.count()
    assert count > 20 and Procedure.objects.filter(verified=True).count() == count
    same_day = Procedure.objects.get(code="2.000908")
    assert (same_day.cutoff_hour, same_day.limit_unit, same_day.fee_bearing) == (15, "ngay_lam_viec", True)
    call_command("import_procedures", str(catalogue), verbosity=0)
    assert Procedure.objects.count() == count


def test_it_parses_twelve_digit_dates_to_the_minute():  # type: ignore[no-untyped-def]
    assert parse_dt("202602130945") == datetime(2026, 2, 13, 9, 45)


def _csv(rows: list[dict[str, str]]) -> str:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(r.get(h, "") for h in header) for r in rows]
    return "\n".join(lines) + "\n"


def test_it_streams_csv_and_jsonl_files_as_read_in_memory(tmp_path):  # type: ignore[no-untyped-def]
    from kpixa.dossiers.parsing import open_source

    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ánh")
    text = _csv([base_record("A", ChuHoSo=decomposed), base_record("B")])
    (tmp_path / "a.csv").write_text(text, encoding="utf-8-sig")
    lines = "\n\n".join(json.dumps(base_record(m, ChuHoSo=decomposed)) for m in ("A", "B"))
    (tmp_path / "a.jsonl").write_text(lines, encoding="utf-8")
    for name, fmt, data in (("a.csv", "csv", text.encode("utf-8-sig")), ("a.jsonl", "jsonl", lines.encode())):
        source = open_source(tmp_path / name)
        assert not isinstance(source.records, list)  # a generator: nothing read before the import
        streamed = list(source.records)
        assert streamed == list(read_bytes(data, fmt).records)
        assert streamed[0][1]["ChuHoSo"] == unicodedata.normalize("NFC", decomposed)


def test_it_fails_a_streamed_file_that_is_not_utf8(tmp_path):  # type: ignore[no-untyped-def]
    from kpixa.dossiers.parsing import open_source

    (tmp_path / "bad.csv").write_bytes(
        "MaHoSo,ChuHoSo\nA,Nguyễn\n".encode("cp1258", errors="replace") + b"\xff\xfe"
    )
    with pytest.raises(FormatError):
        list(open_source(tmp_path / "bad.csv").records)
