"""One malformed value costs its record a rejection with a Vietnamese reason, never the call or
the file: the API answers 200 with that record rejected, files keep their good rows, the
quarantine's edit page and the what-if page answer with a reason, and no page shows Python's
own exception text. A property test feeds random JSON to the record validator."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kpixa.dossiers.models import Dossier, ImportBatch, Rejection
from kpixa.dossiers.parsing import Source, source_from_document
from kpixa.dossiers.records import Reject, validate_dossier
from kpixa.dossiers.services import importing
from tests.security.malformed_support import add_catalogue, base_record, result_of, write_csv

pytestmark = pytest.mark.django_db

NAN_STATUS = json.dumps(base_record("BAD-NAN"))[:-1] + ', "TrangThaiHoSo": NaN}'
BAD_STATUSES = ["²", "４", "٤", "4.0", True]
BAD_LIMITS = ["-5", "99999999999", "1e308", "NaN", "Infinity"]


@pytest.fixture
def key(world, api_keys) -> str:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    return api_keys["token_52"]


def test_it_rejects_a_nan_status_sent_as_a_json_constant(client, key) -> None:  # type: ignore[no-untyped-def]
    result = result_of(client, key, NAN_STATUS)
    assert (
        result["status"] == "rejected" and "Mã trạng thái hồ sơ không hợp lệ: 'NaN'" in result["reasons"][0]
    )
    assert Rejection.objects.get().raw["TrangThaiHoSo"] == "NaN"  # stored as text, valid JSON


@pytest.mark.parametrize("status", BAD_STATUSES)
def test_it_rejects_a_status_that_is_not_ascii_digits(client, key, status) -> None:  # type: ignore[no-untyped-def]
    result = result_of(client, key, base_record("BAD", TrangThaiHoSo=status))
    assert result["status"] == "rejected" and "Mã trạng thái hồ sơ không hợp lệ" in result["reasons"][0]
    assert not Dossier.objects.filter(ma_ho_so="BAD").exists()


@pytest.mark.parametrize("limit", BAD_LIMITS)
@pytest.mark.parametrize("procedure", ["1.004227", "9.999999"])  # in the catalogue, and unknown
def test_it_rejects_a_time_limit_that_is_not_a_sane_number(client, key, limit, procedure) -> None:  # type: ignore[no-untyped-def]
    bad = base_record("BAD", MaTTHC=procedure, ThoiGianGiaiQuyet=limit, NgayHenTra=None)
    result = result_of(client, key, bad)
    assert result["status"] == "rejected" and "Thời gian giải quyết không hợp lệ" in result["reasons"][0]


def test_it_rejects_a_step_status_in_superscript_digits_without_failing(client, key) -> None:  # type: ignore[no-untyped-def]
    steps = [{"ThoiDiemXuLy": "20260304090000", "TrangThai": "²", "NoiDungXuLy": "x"}]
    result = result_of(client, key, base_record("STEP", tienTrinhDongBo=steps))
    assert result["status"] == "created"  # an unknown step status is kept as no status
    assert Dossier.objects.get(ma_ho_so="STEP").steps[0]["status"] is None


def test_a_file_keeps_its_good_rows_beside_malformed_ones(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    rows = [
        base_record("F-GOOD-1"),
        base_record("F-SUP", TrangThaiHoSo="²"),
        base_record("F-LIMIT", MaTTHC="9.1", ThoiGianGiaiQuyet="99999999999", NgayHenTra=""),
        base_record("F-GOOD-2"),
    ]
    for name, path in {
        "csv": write_csv(tmp_path / "f.csv", rows),
        "jsonl": tmp_path / "f.jsonl",
    }.items():
        if name == "jsonl":
            lines = [json.dumps(r, ensure_ascii=False) for r in rows] + ['{"MaHoSo": "F-NAN", "Gia": NaN}']
            path.write_text("\n".join(lines), encoding="utf-8")
        batch = importing.import_file(path, source_system=f"tep-{name}")
        assert batch.status == "done", batch.error
        assert (batch.created, batch.rejected) == (2, 3 if name == "jsonl" else 2)


def test_a_web_job_with_malformed_rows_finishes_and_its_page_shows_no_exception_text(
    client, world, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    add_catalogue(world)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    officer = world.users["commune_officer"]
    client.force_login(officer)
    deep = base_record("W-DEEP", X=None)
    lines = [
        json.dumps(base_record("W-GOOD")),
        json.dumps(base_record("W-SUP", TrangThaiHoSo="²")),
        json.dumps(deep)[:-1] + ', "X": ' + "[" * 5000 + "]" * 5000 + "}",
        json.dumps(base_record("W-LIM", MaTTHC="9.2", ThoiGianGiaiQuyet="1e308", NgayHenTra="")),
    ]
    upload = SimpleUploadedFile("lo.jsonl", "\n".join(lines).encode(), content_type="application/json")
    form = {"kind": "dossier", "source_system": officer_source(client), "file": upload}
    response = client.post("/dossiers/upload/", form)
    assert response.status_code == 302, response.content[:300]
    call_command("run_worker", "--once", verbosity=0)
    batch = ImportBatch.objects.get()
    assert batch.status == "done", batch.error
    assert (batch.created, batch.rejected) == (1, 3)
    page = client.get(f"/dossiers/jobs/{batch.pk}/").content.decode()
    for internal in ("Traceback", "RecursionError", "ValueError", "invalid literal", "numpy"):
        assert internal not in page


def officer_source(client: Any) -> str:
    """The first source system the logged-in user may upload to (the upload form's choice)."""
    choices = list(client.get("/dossiers/upload/").context["form"].fields["source_system"].choices)
    return str(choices[0][0]) if choices else "motcua"


def _rejection_of(world: Any, officer: Any, record: dict[str, Any], source: str) -> Rejection:
    batch = importing.new_batch(
        "dossier", source, created_by=officer, commune=world.commune, province_id=world.province.pk
    )
    importing.run_batch(batch, source_from_document([record]))
    return Rejection.objects.filter(batch=batch).get()


@pytest.mark.parametrize(
    "fields",
    [
        {"ThoiGianGiaiQuyet": "-5"},
        {"ThoiGianGiaiQuyet": "99999999999"},
        {"ThoiGianGiaiQuyet": "1e308"},
        {"TrangThaiHoSo": "²"},
        {"TrangThaiHoSo": "NaN"},
    ],
)
def test_the_quarantine_edit_page_answers_malformed_values_with_a_reason(client, world, fields) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    officer = world.users["commune_officer"]
    client.force_login(officer)
    rejection = _rejection_of(
        world, officer, base_record("Q-1", DonViXuLy="khong-co"), officer_source(client)
    )
    edited = base_record("Q-1", MaTTHC="9.3", NgayHenTra=None, **fields)
    if fields.get("TrangThaiHoSo") == "NaN":  # as a JSON constant, not a string
        raw = json.dumps(edited)[:-1].replace('"TrangThaiHoSo": "NaN"', '"TrangThaiHoSo": NaN') + "}"
    else:
        raw = json.dumps(edited, ensure_ascii=False)
    response = client.post(f"/dossiers/quarantine/{rejection.pk}/", {"raw": raw}, follow=True)
    assert response.status_code == 200
    again = Rejection.objects.exclude(pk=rejection.pk).get()
    assert again.record_key == "Q-1" and ("không hợp lệ" in again.reason_vi)
    assert not Dossier.objects.filter(ma_ho_so="Q-1").exists()


def test_the_what_if_page_answers_a_deeply_nested_yaml_with_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.users["province_admin"])
    for text in ("a: " + "[" * 5000 + "]" * 5000, "a: " + "{b: " * 5000 + "1" + "}" * 5000):
        upload = SimpleUploadedFile("sau.yaml", text.encode(), content_type="application/x-yaml")
        response = client.post(reverse("scoring:whatif"), {"file": upload, "period": ""})
        assert response.status_code == 200
        assert any("lồng nhau quá" in reason for _line, reason in response.context["errors"])


# --- the validator never raises anything but a rejection ------------------------------------

UNITS = {"23872": 1, "7900": 2}
NOW = datetime(2026, 6, 1, 12, 0)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "20260303090000", "0001-01-01T00:00:00", "31/02/2026", "²", "４", "-5", "1e308"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)
FIELDS = [
    "MaHoSo", "MaTTHC", "DonViXuLy", "TrangThaiHoSo", "KenhThucHien", "NgayNopHoSo", "NgayTiepNhan",
    "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "DanhSachHoSoBoSung", "DanhSachLePhi",
    "TaiLieuNop", "DanhSachGiayToKetQua", "tienTrinhDongBo", "ThoiGianGiaiQuyet", "DonViTinh", "ChuHoSo",
    "hoSo",
]  # fmt: skip
records = st.one_of(
    values,
    st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, values)),
    st.builds(lambda extra: {**base_record("H"), **extra}, st.dictionaries(st.sampled_from(FIELDS), values)),
)


@hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_the_record_validator_accepts_or_rejects_with_a_reason_and_never_raises(raw: Any) -> None:
    try:
        record = validate_dossier(raw, UNITS, None, None, NOW)
    except Reject as rejection:
        assert rejection.reason_vi.strip()
        assert "lỗi" not in rejection.reason_vi  # not the safety net: a reason of its own
    else:
        assert record.ma_ho_so and record.commune_id in (1, 2)


def test_it_reads_a_file_source_of_random_rows_without_failing(world) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    rows = [(1, base_record("R-1")), (2, {"MaHoSo": {"x": 1}}), (3, [1, 2]), (4, "text"), (5, None)]
    batch = importing.new_batch("dossier", "motcua")
    importing.run_batch(batch, Source(rows, total=len(rows)))
    batch.refresh_from_db()
    assert (batch.created, batch.rejected) == (1, 4)
