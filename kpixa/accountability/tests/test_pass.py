"""The set-based accountability pass over stored dossiers (docs/flags.md): run after a committed
batch, idempotent, keeping reviews, attributing delay; the review is audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kpixa.accountability.models import AccountabilityFlag, DossierDelay, FlagStatus
from kpixa.accountability.services import ReviewError, detect_dossiers, detect_period, review_flag
from kpixa.accounts.models import AuditEntry
from kpixa.dossiers.models import Dossier
from kpixa.dossiers.services.importing import import_file
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db

ONE_STOP, LAND, JUSTICE, CHAIR = (
    "Bộ phận một cửa",
    "Địa chính - Xây dựng",
    "Tư pháp - Hộ tịch",
    "Lãnh đạo UBND xã",
)


def step(at: str, status: int, department: str, due: str | None = None) -> dict[str, Any]:
    out = {"ThoiDiemXuLy": at, "TrangThai": str(status), "PhongBanXuLy": department, "NguoiXuLy": "x"}
    if due:
        out["NgayKetThucTheoQuyDinh"] = due
    return out


def bounced(ma: str = "HS-BOUNCE") -> dict[str, Any]:
    """Received Tue 3 Mar 09:00, due Fri 6 Mar 17:00; land → justice → land; ended Mon 9 Mar 10:00."""
    return base_record(
        ma,
        TrangThaiHoSo="9",
        NgayKetThucXuLy="20260309100000",
        tienTrinhDongBo=[
            step("20260303093000", 2, ONE_STOP),
            step("20260303100000", 4, LAND, "20260304170000"),
            step("20260304100000", 4, JUSTICE),
            step("20260309090000", 4, LAND, "20260305170000"),
            step("20260309100000", 9, CHAIR, "20260306170000"),
        ],
    )


def normal(ma: str = "HS-OK") -> dict[str, Any]:
    return base_record(
        ma,
        KenhThucHien="1",
        TrangThaiHoSo="10",
        NgayKetThucXuLy="20260305100000",
        tienTrinhDongBo=[
            step("20260303093000", 2, ONE_STOP),
            step("20260304100000", 4, LAND, "20260305170000"),
            step("20260305100000", 9, CHAIR, "20260306170000"),
            step("20260306090000", 10, ONE_STOP),
        ],
    )


def load(tmp_path: Path, records: list[dict[str, Any]], name: str = "batch.json") -> Any:
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return import_file(path, source_system="dvcq")


def kinds(ma: str) -> set[str]:
    return set(AccountabilityFlag.objects.filter(ma_ho_so=ma).values_list("kind", flat=True))


def test_it_flags_after_the_batch_commits_and_leaves_the_normal_path_alone(
    catalogue: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        load(tmp_path, [bounced(), normal()])
    assert "pass_around" in kinds("HS-BOUNCE")
    flag = AccountabilityFlag.objects.get(ma_ho_so="HS-BOUNCE", kind="pass_around")
    assert flag.evidence["path"] == [ONE_STOP, LAND, JUSTICE, LAND, CHAIR]
    assert flag.commune_id == catalogue.commune.pk
    assert kinds("HS-OK") == set()


def test_it_attributes_the_overrun_to_the_desks_that_held_the_dossier(catalogue: Any, tmp_path: Path) -> None:
    load(tmp_path, [bounced(), normal()])
    detect_dossiers(Dossier.objects.values_list("id", flat=True))
    delay = DossierDelay.objects.get(dossier__ma_ho_so="HS-BOUNCE")
    assert delay.cause == "staff"
    # due Fri 6 Mar 17:00 → ended Mon 9 Mar 10:00: 1.5 h at the land desk, 1 h at the chairman's
    assert delay.overrun_hours == 2.5
    assert delay.departments[LAND]["overrun_hours"] == 1.5
    assert delay.departments[CHAIR]["overrun_hours"] == 1.0
    assert delay.late_steps == 2  # the second land step and the chairman's step ran over their own dues
    assert not DossierDelay.objects.filter(dossier__ma_ho_so="HS-OK").exists()


def test_it_changes_nothing_when_run_again(catalogue: Any, tmp_path: Path) -> None:
    load(tmp_path, [bounced(), normal(), base_record("HS-SUPP", DanhSachHoSoBoSung=[
        {"NgayBoSung": "20260304090000", "NgayTiepNhanBoSung": "20260304150000"},
        {"NgayBoSung": "20260305090000", "NgayTiepNhanBoSung": "20260305150000"},
    ])])  # fmt: skip
    ids = list(Dossier.objects.values_list("id", flat=True))
    first = detect_dossiers(ids)
    rows = list(AccountabilityFlag.objects.order_by("id").values())
    delays = list(DossierDelay.objects.order_by("id").values())
    again = detect_dossiers(ids)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert list(AccountabilityFlag.objects.order_by("id").values()) == rows
    assert list(DossierDelay.objects.order_by("id").values()) == delays
    assert first.kinds["repeated_supplement"] == 1


def test_it_keeps_a_review_and_audits_it(catalogue: Any, tmp_path: Path) -> None:
    load(tmp_path, [bounced()])
    detect_dossiers(Dossier.objects.values_list("id", flat=True))
    flag = AccountabilityFlag.objects.get(kind="pass_around")
    admin = catalogue.users["province_admin"]
    with pytest.raises(ReviewError):
        review_flag(flag, FlagStatus.DISMISSED, "  ", actor=admin)
    review_flag(flag, FlagStatus.DISMISSED, "Chuyển lại do thiếu hồ sơ địa chính", actor=admin)
    entry = AuditEntry.objects.get(action="accountability.review_flag")
    assert entry.province_code == "52"
    assert entry.after is not None and entry.after["status"] == "dismissed"
    detect_dossiers(Dossier.objects.values_list("id", flat=True))
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
    assert flag.reviewer_note.startswith("Chuyển lại")


def test_it_finds_an_end_moved_earlier_by_a_later_version(catalogue: Any, tmp_path: Path) -> None:
    first = normal("HS-MOVED")
    load(tmp_path, [first], "a.json")
    moved = normal("HS-MOVED")
    moved["NgayKetThucXuLy"] = "20260304080000"  # earlier than the version before
    moved["tienTrinhDongBo"].append(step("20260307090000", 10, ONE_STOP))  # a newer version
    batch = load(tmp_path, [moved], "b.json")
    assert batch.updated == 1
    detect_dossiers(Dossier.objects.values_list("id", flat=True))
    assert {"backdated_end", "sync_late"} <= kinds("HS-MOVED")


def test_it_drops_an_open_flag_a_correction_clears(catalogue: Any, tmp_path: Path) -> None:
    load(tmp_path, [bounced("HS-FIX")], "a.json")
    detect_dossiers(Dossier.objects.values_list("id", flat=True))
    assert "pass_around" in kinds("HS-FIX")
    fixed = bounced("HS-FIX")
    fixed["tienTrinhDongBo"][2]["PhongBanXuLy"] = LAND  # the middle step was the land desk all along
    fixed["tienTrinhDongBo"].append(step("20260310090000", 10, ONE_STOP))
    load(tmp_path, [fixed], "b.json")
    detect_dossiers(Dossier.objects.values_list("id", flat=True))
    assert "pass_around" not in kinds("HS-FIX")


def test_it_runs_a_province_period_with_the_command_pass(catalogue: Any, tmp_path: Path) -> None:
    load(tmp_path, [bounced(), normal()])
    result = detect_period("52", "2026-03")
    assert result.dossiers == 2
    assert result.kinds["pass_around"] == 1
    assert detect_period("52", "2026-03").created == 0


def test_it_flags_a_burst_of_closures_on_the_period_end(catalogue: Any, tmp_path: Path) -> None:
    records = []
    for i in range(12):  # 12 closures on Tue 31 Mar 2026, 3 earlier in the month
        records.append(base_record(f"B-{i}", KenhThucHien="1", NgayTiepNhan="20260330090000",
                                   NgayNopHoSo=None, NgayHenTra="20260403170000", TrangThaiHoSo="9",
                                   NgayKetThucXuLy="20260331100000"))  # fmt: skip
    for i in range(3):
        records.append(base_record(f"E-{i}", KenhThucHien="1", TrangThaiHoSo="9", NgayNopHoSo=None,
                                   NgayKetThucXuLy="20260305100000"))  # fmt: skip
    load(tmp_path, records)
    detect_period("52", "2026-03")
    flag = AccountabilityFlag.objects.get(kind="period_end_burst")
    assert flag.dossier_id is None and flag.period_code == "2026-03"
    assert flag.evidence["last_days"] == 12
    assert detect_period("52", "2026-03").created == 0


def test_it_records_the_province_decision_on_sync_caused_lateness(catalogue: Any) -> None:
    from kpixa.accountability.services import decide_sync_exclusion, sync_excluded

    admin = catalogue.users["province_admin"]
    assert not sync_excluded("52", "2026-03")
    with pytest.raises(ReviewError):
        decide_sync_exclusion(catalogue.province, "2026-03", True, " ", actor=admin)
    decide_sync_exclusion(
        catalogue.province, "2026-03", True, "Công văn của Sở về lỗi đồng bộ tháng 3", actor=admin
    )
    assert sync_excluded("52", "2026-03") and not sync_excluded("52", "2026-04")
    decide_sync_exclusion(catalogue.province, "2026-03", False, "Hủy quyết định", actor=admin)
    assert not sync_excluded("52", "2026-03")
    entries = AuditEntry.objects.filter(action="accountability.sync_exclusion", province_code="52").order_by(
        "id"
    )
    assert [e.after["excluded"] for e in entries if e.after] == [True, False]


def test_it_never_fails_the_import_when_the_pass_fails(
    catalogue: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any, monkeypatch: Any, caplog: Any
) -> None:
    from kpixa.accountability import services

    def broken(batch_id: int) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "detect_for_batch", broken)
    with django_capture_on_commit_callbacks(execute=True):
        batch = load(tmp_path, [bounced()])
    assert batch.created == 1 and Dossier.objects.count() == 1
    assert "accountability pass failed" in caplog.text


def test_it_does_not_run_after_the_batch_when_turned_off(
    catalogue: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.KPIXA_DETECT_AFTER_BATCH = False
    with django_capture_on_commit_callbacks(execute=True):
        load(tmp_path, [bounced()])
    assert not AccountabilityFlag.objects.exists()
