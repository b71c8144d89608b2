"""Values that used to be accepted silently are rejected with a Vietnamese reason, or accepted
and flagged: impossible timelines, a receipt in 2099, fees that are not finite non-negative
numbers, status codes in other scripts' digits, keys that are not text, look-alike keys with
invisible characters, a huge owner name cut without a word, and a body with two lists."""

from __future__ import annotations

import pytest

from kpixa.dossiers.models import Dossier, Flag, Procedure
from tests.security.malformed_support import add_catalogue, base_record, post, result_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(world, api_keys) -> str:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    return api_keys["token_52"]


def rejected(client, key, record, reason: str) -> None:  # type: ignore[no-untyped-def]
    result = result_of(client, key, record)
    assert result["status"] == "rejected", result
    assert reason in result["reasons"][0], result["reasons"]
    assert not Dossier.objects.filter(ma_ho_so=result["key"] or "-").exists()


def test_it_rejects_a_due_date_before_the_day_of_receipt(client, key) -> None:  # type: ignore[no-untyped-def]
    rejected(client, key, base_record("D1", NgayHenTra="20260302170000"), "Ngày hẹn trả trước ngày tiếp nhận")


def test_it_accepts_a_due_date_earlier_on_the_day_of_receipt(client, key) -> None:  # type: ignore[no-untyped-def]
    # A same-day procedure's due date may be sent as the date alone (00:00 of that day).
    assert result_of(client, key, base_record("D2", NgayHenTra="20260303"))["status"] == "created"


def test_it_rejects_a_supplement_requested_before_receipt(client, key) -> None:  # type: ignore[no-untyped-def]
    supplements = [{"NgayBoSung": "20260302080000", "NgayTiepNhanBoSung": "20260304080000"}]
    record = base_record("S1", DanhSachHoSoBoSung=supplements)
    rejected(client, key, record, "Ngày yêu cầu bổ sung trước ngày tiếp nhận")


def test_it_rejects_a_submission_after_receipt(client, key) -> None:  # type: ignore[no-untyped-def]
    rejected(
        client, key, base_record("N1", NgayNopHoSo="20260303100000"), "Ngày nộp hồ sơ sau ngày tiếp nhận"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"NgayTiepNhan": "20990101090000", "NgayNopHoSo": "20990101080000", "NgayHenTra": "20990105170000"},
        {"NgayKetThucXuLy": "20990101090000"},
        {"tienTrinhDongBo": [{"ThoiDiemXuLy": "20990101090000", "TrangThai": "9"}]},
        {"DanhSachHoSoBoSung": [{"NgayBoSung": "20260304080000", "NgayTiepNhanBoSung": "20990101080000"}]},
    ],
)
def test_it_rejects_events_in_the_future(client, key, fields) -> None:  # type: ignore[no-untyped-def]
    rejected(client, key, base_record("F1", **fields), "nằm ở tương lai")


def test_it_accepts_a_due_date_in_the_future(client, key) -> None:  # type: ignore[no-untyped-def]
    assert result_of(client, key, base_record("F2", NgayHenTra="20990105170000"))["status"] == "created"


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-Infinity", "-5", "1e999"])
def test_it_rejects_fees_that_are_not_finite_and_non_negative(client, key, price) -> None:  # type: ignore[no-untyped-def]
    rejected(client, key, base_record("P1", DanhSachLePhi=[{"Gia": price}]), "Mức phí, lệ phí")


@pytest.mark.parametrize("status", ["４", "٤", "৪", "𝟰"])
def test_it_rejects_status_codes_in_non_ascii_digits(client, key, status) -> None:  # type: ignore[no-untyped-def]
    rejected(client, key, base_record("T1", TrangThaiHoSo=status), "Mã trạng thái hồ sơ không hợp lệ")


@pytest.mark.parametrize("value", [["HS-1"], {"a": "HS-1"}, True, 1.5])
def test_it_rejects_a_dossier_key_that_is_not_text(client, key, value) -> None:  # type: ignore[no-untyped-def]
    result = result_of(client, key, base_record(value))
    assert result["status"] == "rejected" and "MaHoSo phải là chuỗi" in result["reasons"][0]
    assert not Dossier.objects.exclude(ma_ho_so="GOOD-1").exists()


def test_it_accepts_an_integer_dossier_key_as_its_digits(client, key) -> None:  # type: ignore[no-untyped-def]
    assert result_of(client, key, {**base_record(), "MaHoSo": 12345})["status"] == "created"
    assert Dossier.objects.filter(ma_ho_so="12345").exists()


def test_it_rejects_a_procedure_code_that_is_an_object_and_adds_nothing_to_the_catalogue(client, key) -> None:  # type: ignore[no-untyped-def]
    before = set(Procedure.objects.values_list("code", flat=True))
    rejected(client, key, base_record("C1", MaTTHC={"code": "1.004227"}), "MaTTHC phải là chuỗi")
    assert set(Procedure.objects.values_list("code", flat=True)) == before


@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u00a0", "\x07"])
@pytest.mark.parametrize("field", ["MaHoSo", "MaTTHC", "DonViXuLy"])
def test_it_rejects_keys_with_invisible_characters(client, key, field, char) -> None:  # type: ignore[no-untyped-def]
    record = base_record("KEY-1")
    record[field] = record[field][:2] + char + record[field][2:]
    rejected(client, key, record, "ký tự ẩn")


def test_it_cuts_a_huge_owner_name_only_with_a_flag(client, key) -> None:  # type: ignore[no-untyped-def]
    result = result_of(client, key, base_record("O1", ChuHoSo="Â" * 1_000_000))
    assert result["status"] == "created" and "ChuHoSo dài 1000000 ký tự" in result["notes"][0]
    dossier = Dossier.objects.get(ma_ho_so="O1")
    assert len(dossier.owner_name) == 200
    assert Flag.objects.get(dossier=dossier).code == "truong_bi_cat"


def test_it_rejects_a_procedure_code_that_would_be_cut(client, key) -> None:  # type: ignore[no-untyped-def]
    rejected(client, key, base_record("C2", MaTTHC="1." + "0" * 60), "MaTTHC dài quá 40")


@pytest.mark.parametrize("second", ["records", "data", "DanhSach"])
def test_it_refuses_a_body_with_two_lists_of_records(client, key, second) -> None:  # type: ignore[no-untyped-def]
    body = {"danhSach": [base_record("A")], second: [base_record("B")]}
    response = post(client, body, key)
    assert response.status_code == 400 and "nhiều danh sách bản ghi" in response.json()["detail"]
    assert not Dossier.objects.exists()


def test_a_file_with_two_lists_of_records_fails_with_a_clear_reason(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from kpixa.dossiers.services import importing

    add_catalogue(world)
    path = tmp_path / "hai.json"
    path.write_text(json.dumps({"danhSach": [base_record("A")], "records": [base_record("B")]}))
    with pytest.raises(Exception, match="nhiều danh sách bản ghi"):
        importing.import_file(path, source_system="tep")
    assert not Dossier.objects.exists()
