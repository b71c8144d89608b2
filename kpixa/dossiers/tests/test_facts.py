"""The on-time rule (docs/rules.md, "Dossier outcome") on hand-made timelines, and properties of the facts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpixa.dossiers.facts import Facts, ProcedureInfo, compute_facts, outcome_as_of
from kpixa.dossiers.records import validate_dossier
from kpixa.dossiers.tests.conftest import base_record

UNITS = {"23872": 1}
LAND = ProcedureInfo(1, 10, "ngay_lam_viec", None, True, True)
SAME_DAY = ProcedureInfo(2, 0, "ngay_lam_viec", 15, False, False)
ONE_DAY_CUTOFF = ProcedureInfo(3, 1, "ngay_lam_viec", 15, False, True)
NOW = datetime(2026, 12, 31, 12, 0)


def facts_of(raw: dict, proc: ProcedureInfo | None = LAND) -> Facts:  # type: ignore[type-arg]
    return compute_facts([validate_dossier(raw, UNITS)], [proc], NOW)[0]


def supplement(asked: str, answered: str | None = None, **extra: str) -> dict[str, str]:
    item = {"NgayBoSung": asked, **extra}
    if answered:
        item["NgayTiepNhanBoSung"] = answered
    return item


pytestmark = pytest.mark.django_db


def test_it_counts_a_dossier_finished_before_ngayhentra_as_on_time():
    f = facts_of(base_record(NgayKetThucXuLy="20260306165959", TrangThaiHoSo="9"))
    assert (f.on_time, f.end_source, f.effective_due_at) == (
        True,
        "NgayKetThucXuLy",
        datetime(2026, 3, 6, 17),
    )


def test_it_counts_a_dossier_finished_after_ngayhentra_as_late():
    f = facts_of(base_record(NgayKetThucXuLy="20260306170001", TrangThaiHoSo="9"))
    assert f.on_time is False


def test_it_deducts_the_waiting_time_of_one_supplement():
    rec = base_record(
        NgayKetThucXuLy="20260308160000",
        TrangThaiHoSo="9",
        DanhSachHoSoBoSung=[supplement("20260304100000", "20260306100000")],
    )
    f = facts_of(rec)
    assert f.wait_seconds == 2 * 86400
    assert f.effective_due_at == datetime(2026, 3, 8, 17)
    assert (f.supplement_count, f.on_time) == (1, True)


def test_it_makes_a_dossier_with_two_supplement_requests_late_even_if_it_ends_early():
    rec = base_record(
        NgayKetThucXuLy="20260305100000",
        TrangThaiHoSo="9",
        DanhSachHoSoBoSung=[
            supplement("20260303100000", "20260303110000"),
            supplement("20260303140000", "20260303150000"),
        ],
    )
    f = facts_of(rec)
    assert (f.supplement_count, f.on_time) == (2, False)
    assert f.overdue_day == date(2026, 3, 3)  # late from the second request on
    assert outcome_as_of(f, date(2026, 3, 4)) == "open_overdue"
    assert outcome_as_of(f, date(2026, 3, 5)) == "late"


def test_it_judges_an_open_dossier_late_from_its_second_supplement_request():
    rec = base_record(
        DanhSachHoSoBoSung=[
            supplement("20260303100000", "20260303110000"),
            supplement("20260304140000"),
        ],
    )
    f = facts_of(rec)
    assert f.end_at is None and f.supplement_open
    assert outcome_as_of(f, date(2026, 3, 3)) == "open_within"
    assert outcome_as_of(f, date(2026, 3, 4)) == "open_overdue"


def test_it_ends_a_dossier_whose_only_event_is_one_unanswered_supplement_at_that_request():
    f = facts_of(base_record(TrangThaiHoSo="5", DanhSachHoSoBoSung=[supplement("20260305100000")]))
    assert (f.end_at, f.end_source, f.on_time) == (datetime(2026, 3, 5, 10), "bo_sung", True)
    assert f.supplement_open


def test_it_compares_with_ngayhentratruoc_plus_waiting_when_the_system_moved_the_due_date():
    rec = base_record(
        NgayHenTra="20260309170000",  # moved by the system: 6/3 + the 3 days waited
        NgayKetThucXuLy="20260309160000",
        TrangThaiHoSo="9",
        DanhSachHoSoBoSung=[
            supplement(
                "20260304100000",
                "20260306100000",
                NgayHenTraTruoc="20260306170000",
                NgayHenTraMoi="20260309170000",
            )
        ],
    )
    f = facts_of(rec)
    assert (f.due_source, f.effective_due_at, f.on_time) == (
        "NgayHenTraTruoc",
        datetime(2026, 3, 8, 17),
        False,
    )


def test_it_can_be_set_to_compare_with_ngayhentra_plus_waiting(settings):  # type: ignore[no-untyped-def]
    settings.KPIXA_SUPPLEMENT_DUE_BASE = "hentra"
    rec = base_record(
        NgayHenTra="20260309170000",
        NgayKetThucXuLy="20260309160000",
        TrangThaiHoSo="9",
        DanhSachHoSoBoSung=[supplement("20260304100000", "20260306100000", NgayHenTraTruoc="20260306170000")],
    )
    assert facts_of(rec).due_source == "NgayHenTra"


def test_it_uses_the_statutory_limit_in_working_days_without_ngayhentra():
    on_time = facts_of(base_record(NgayHenTra=None, NgayKetThucXuLy="20260317090000", TrangThaiHoSo="9"))
    late = facts_of(base_record(NgayHenTra=None, NgayKetThucXuLy="20260317090100", TrangThaiHoSo="9"))
    assert (on_time.due_source, on_time.effective_due_at) == ("luat_dinh", datetime(2026, 3, 17, 9))
    assert (on_time.on_time, late.on_time) == (True, False)


def test_it_skips_tet_when_counting_working_days():
    # Received Friday 13/2/2026; Tết closes offices 14–22/2: one working day ends Monday 23/2.
    f = facts_of(
        base_record(NgayHenTra=None, NgayTiepNhan="20260213090000", NgayNopHoSo=None),
        ProcedureInfo(1, 1, "ngay_lam_viec", None, False, False),
    )
    assert f.effective_due_at == datetime(2026, 2, 23, 9)


def test_it_counts_a_working_saturday_entered_by_an_administrator():
    from kpixa.workdays.models import CalendarException, ExceptionKind

    proc = ProcedureInfo(1, 1, "ngay_lam_viec", None, False, False)
    friday = base_record(NgayHenTra=None, NgayTiepNhan="20260306090000", NgayNopHoSo=None)
    assert facts_of(friday, proc).effective_due_at == datetime(2026, 3, 9, 9)
    CalendarException.objects.create(day=date(2026, 3, 7), kind=ExceptionKind.WORKING_DAY, reason="Làm bù")
    assert facts_of(friday, proc).effective_due_at == datetime(2026, 3, 7, 9)


def test_it_starts_the_clock_next_working_day_after_the_15h_cutoff():
    before = facts_of(base_record(NgayHenTra=None, NgayTiepNhan="20260303145900"), SAME_DAY)
    after = facts_of(base_record(NgayHenTra=None, NgayTiepNhan="20260303150100"), SAME_DAY)
    assert before.effective_due_at == datetime(2026, 3, 3, 14, 59)
    assert after.effective_due_at == datetime(2026, 3, 4, 7, 30)
    one_day = facts_of(base_record(NgayHenTra=None, NgayTiepNhan="20260303153000"), ONE_DAY_CUTOFF)
    assert one_day.effective_due_at == datetime(2026, 3, 4, 17)


def test_it_judges_an_open_dossier_at_the_period_end():
    f = facts_of(base_record())  # due Fri 6/3 17:00, still open
    assert f.end_at is None and f.on_time is None
    assert outcome_as_of(f, date(2026, 3, 5)) == "open_within"
    assert outcome_as_of(f, date(2026, 3, 6)) == "open_overdue"
    assert outcome_as_of(f, date(2026, 3, 31)) == "open_overdue"


def test_it_judges_a_dossier_finished_after_the_period_end_as_open_at_that_end():
    f = facts_of(base_record(NgayKetThucXuLy="20260310100000", TrangThaiHoSo="9"))
    assert outcome_as_of(f, date(2026, 3, 4)) == "open_within"
    assert outcome_as_of(f, date(2026, 3, 8)) == "open_overdue"
    assert outcome_as_of(f, date(2026, 3, 10)) == "late"


def test_it_takes_the_end_from_a_status_10_step_when_there_is_no_status_9():
    steps = [
        {"ThoiDiemXuLy": "20260303090000", "TrangThai": "2"},
        {"ThoiDiemXuLy": "20260306150000", "TrangThai": "10"},
    ]
    f = facts_of({"hoSo": base_record(TrangThaiHoSo="10"), "tienTrinhDongBo": steps})
    assert (f.end_at, f.end_source, f.on_time) == (datetime(2026, 3, 6, 15), "buoc_10", True)


def test_it_prefers_the_status_9_step_over_status_10():
    steps = [
        {"ThoiDiemXuLy": "20260307150000", "TrangThai": "10"},
        {"ThoiDiemXuLy": "20260306150000", "TrangThai": "9"},
    ]
    f = facts_of({"hoSo": base_record(TrangThaiHoSo="10"), "tienTrinhDongBo": steps})
    assert f.end_source == "buoc_9"


def test_it_does_not_let_an_apology_letter_make_a_late_dossier_on_time():
    # The system moved NgayHenTra with an apology (no supplement): still judged on the moved date?
    # No: the apology's new date arrives as NgayHenTraMoi in no supplement; NgayHenTra stays.
    f = facts_of(
        base_record(NgayKetThucXuLy="20260310100000", TrangThaiHoSo="10", NgayHenTraMoi="20260312170000")
    )
    assert f.on_time is False


def test_it_marks_late_receipt_of_online_dossiers_after_8_working_hours():
    ok = facts_of(base_record(NgayNopHoSo="20260303083000", NgayTiepNhan="20260303163000"))
    late = facts_of(base_record(NgayNopHoSo="20260303083000", NgayTiepNhan="20260304093000"))
    in_person = facts_of(
        base_record(KenhThucHien="1", NgayNopHoSo="20260303083000", NgayTiepNhan="20260305093000")
    )
    assert (ok.late_receipt, late.late_receipt, in_person.late_receipt) == (False, True, False)


def test_it_derives_channel_payment_fee_and_digitisation_facts():
    rec = base_record(
        DuocThanhToanTrucTuyen="2",
        DanhSachLePhi=[{"Gia": "0"}, {"Gia": "50000"}],
        TaiLieuNop=[{"DuocSoHoa": "1"}],
        DanhSachGiayToKetQua=[{"DuongDanTepTinKetQua": "/kq.pdf"}],
        TaiKhoanDuocXacThucVoiVNeID="1",
    )
    r = validate_dossier(rec, UNITS)
    f = facts_of(rec)
    assert (f.online, f.paid_online, f.fee_bearing, f.e2e_eligible) == (True, True, True, True)
    assert (r.digitised, r.e_result, r.vneid, r.reused) == (True, True, True, False)
    free = facts_of(base_record(DanhSachLePhi=[{"Gia": "0"}]))
    assert free.fee_bearing is False


timestamps = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 1)).map(
    lambda d: d.replace(microsecond=0)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    received=timestamps,
    due_after=st.integers(0, 40 * 86400),
    end_after=st.one_of(st.none(), st.integers(0, 60 * 86400)),
    waits=st.lists(st.tuples(st.integers(0, 20 * 86400), st.integers(0, 10 * 86400)), max_size=3),
    period_end=timestamps.map(lambda d: d.date()),
)
def test_it_keeps_the_facts_consistent(received, due_after, end_after, waits, period_end):  # type: ignore[no-untyped-def]
    fmt = "%Y%m%d%H%M%S"
    sups = [
        supplement(
            (received + timedelta(seconds=a)).strftime(fmt),
            (received + timedelta(seconds=a + w)).strftime(fmt),
        )
        for a, w in waits
    ]
    rec = base_record(
        NgayTiepNhan=received.strftime(fmt),
        NgayNopHoSo=None,
        NgayHenTra=(received + timedelta(seconds=due_after)).strftime(fmt),
        NgayKetThucXuLy=None
        if end_after is None
        else (received + timedelta(seconds=end_after)).strftime(fmt),
        DanhSachHoSoBoSung=sups,
    )
    f = facts_of(rec)
    assert f.wait_seconds == sum(w for _a, w in waits)
    assert f.effective_due_at == received + timedelta(seconds=due_after + f.wait_seconds)
    if len(waits) > 1:
        assert f.on_time in (False, None)
    if f.end_at is not None:
        assert f.end_day >= f.received_day  # type: ignore[operator]
        assert f.on_time == (len(waits) <= 1 and f.end_at <= f.effective_due_at)
    outcome = outcome_as_of(f, period_end) if period_end >= f.received_day else None
    if outcome in ("on_time", "late"):
        assert f.end_day is not None and f.end_day <= period_end
        assert (outcome == "on_time") == bool(f.on_time)
    if outcome == "open_overdue" and f.end_at is not None:
        assert f.on_time is False
