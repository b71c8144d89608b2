from pathlib import Path

from kpixa.scoring.engine.diff import diff_frameworks
from kpixa.scoring.engine.loader import load_framework

SHIPPED = Path(__file__).resolve().parents[1] / "shipped"


def load(name: str):  # type: ignore[no-untyped-def]
    return load_framework((SHIPPED / name).read_text("utf-8"), name)


def test_it_lists_nothing_for_the_same_framework() -> None:
    assert diff_frameworks(load("dvc766.yaml"), load("dvc766.yaml")) == []


def test_it_lists_readable_changes_between_versions() -> None:
    changes = diff_frameworks(load("dvc766-2022.yaml"), load("dvc766.yaml"))
    assert "Bộ chỉ số: phiên bản 2022 → 2025" in changes
    assert "Nhóm 3: điểm tối đa 22 → 12" in changes
    assert "Thêm nhóm 6 (Số hóa hồ sơ, 22 điểm)" in changes
    assert "Bỏ chỉ số 3.2 (Thanh toán trực tuyến)" in changes
    assert "Chỉ số 1.1: điểm tối đa 12 → 6" in changes


def test_it_reports_a_changed_target() -> None:
    text = (SHIPPED / "dvc766.yaml").read_text("utf-8")
    new = load_framework(text.replace("target: 90", "target: 85"), "new.yaml")
    assert diff_frameworks(load("dvc766.yaml"), new) == ["Chỉ số 5.3: chỉ tiêu 90 → 85"]
