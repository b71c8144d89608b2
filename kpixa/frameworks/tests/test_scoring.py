from decimal import Decimal
from pathlib import Path

import pytest

from kpixa.scoring.engine.classification import CollectiveFacts
from kpixa.scoring.engine.core import (
    CHUA_DAT,
    DAT,
    KHONG_AP_DUNG,
    KHONG_CO_DU_LIEU,
    UnitInfo,
    score_many,
    score_unit,
)
from kpixa.scoring.engine.loader import load_framework

from .helpers import ON_TIME_ONLY, framework_from

SHIPPED = Path(__file__).resolve().parents[1] / "shipped"
COMMUNE = UnitInfo("23872", "Xã Ia Dom", "xa")
PROVINCE = UnitInfo("25", "Tỉnh Phú Thọ", "tinh")


@pytest.fixture(scope="module")
def dvc766():  # type: ignore[no-untyped-def]
    return load_framework((SHIPPED / "dvc766.yaml").read_text("utf-8"), "dvc766.yaml")


def on_time(framework, unit, on_time_count: int, total: int):  # type: ignore[no-untyped-def]
    return score_unit(
        framework, unit, {"dossiers.on_time": on_time_count, "dossiers.total": total}
    ).indicator("2.1")


@pytest.mark.parametrize(
    ("total", "on_time_count", "rate", "points"),
    [
        (1270, 854, "67.24", "13.45"),  # docs/rules.md, "Rates and points"
        (597918, 528684, "88.42", "17.68"),  # Phú Thọ, 2026 YTD
        (3443, 2775, "80.60", "16.12"),  # Xã Hy Cương
        (6064, 5940, "97.96", "19.59"),  # Xã Bản Nguyên
        (161, 156, "96.89", "19.38"),  # Văn phòng UBND tỉnh
    ],
)
def test_it_reproduces_the_published_progress_figures(dvc766, total, on_time_count, rate, points) -> None:  # type: ignore[no-untyped-def]
    result = on_time(dvc766, COMMUNE, on_time_count, total)
    assert result.rate_display == Decimal(rate)
    assert result.points == Decimal(points)
    assert result.portal_points == Decimal(points)


def test_it_reproduces_gia_lai_january_2025(dvc766) -> None:  # type: ignore[no-untyped-def]
    framework = framework_from(
        ON_TIME_ONLY.replace("dossiers.on_time", "dossiers.finished_on_time + dossiers.open_within_deadline")
    )
    score = score_unit(
        framework,
        PROVINCE,
        {"dossiers.finished_on_time": 13794, "dossiers.open_within_deadline": 134, "dossiers.total": 14579},
    )
    assert score.indicator("2.1").rate_display == Decimal("95.53")
    assert on_time(dvc766, PROVINCE, 13794 + 134, 14579).rate_display == Decimal("95.53")


def test_it_explains_in_vietnamese(dvc766) -> None:  # type: ignore[no-untyped-def]
    result = on_time(dvc766, COMMUNE, 854, 1270)
    assert result.explanation.startswith("854/1.270 hồ sơ đúng hạn = 67,24% × 20 = 13,45 điểm")
    assert result.status == CHUA_DAT


def test_it_says_no_data_for_zero_dossiers_and_keeps_the_portal_zero(dvc766) -> None:  # type: ignore[no-untyped-def]
    result = on_time(dvc766, COMMUNE, 0, 0)
    assert result.status == KHONG_CO_DU_LIEU
    assert result.rate is None and result.points == 0 and result.portal_points == 0
    assert "Không có dữ liệu" in result.explanation


def test_it_gives_communes_full_marks_on_province_only_items(dvc766) -> None:  # type: ignore[no-untyped-def]
    commune = score_unit(dvc766, COMMUNE, {}).indicator("1.1")
    province = score_unit(dvc766, PROVINCE, {"procedures.published_on_time": 5, "procedures.total": 10})
    assert commune.status == KHONG_AP_DUNG and commune.portal_points == 6
    assert province.indicator("1.1").points == Decimal("3.00")


def test_it_gives_full_marks_on_petitions_when_there_are_none(dvc766) -> None:  # type: ignore[no-untyped-def]
    full = {"dossiers.on_time": 10, "dossiers.total": 10, "petitions.total": 0}
    result = score_unit(dvc766, COMMUNE, full).indicator("5.1")
    assert result.status == KHONG_CO_DU_LIEU and result.portal_points == 6


def test_it_scores_the_online_payment_composite(dvc766) -> None:  # type: ignore[no-untyped-def]
    inputs = {
        "dossiers.paid_online": 8,
        "dossiers.fee_bearing": 10,
        "procedures.fee_bearing": 4,
        "procedures.fee_bearing_paid_online": 3,
        "procedures.fee_bearing_with_dossiers": 2,
    }
    result = score_unit(dvc766, COMMUNE, inputs).indicator("4.1")
    # 6 × 0.8 + min(2, 2.5 × 0.75) + 2.5 × 0.5 = 4.8 + 1.875 + 1.25
    assert result.portal_points == Decimal("7.93")
    assert "A = 8/10 = 80,00%" in result.explanation
    capped = score_unit(dvc766, COMMUNE, {**inputs, "procedures.fee_bearing_paid_online": 4}).indicator("4.1")
    assert capped.portal_points == Decimal("8.05")  # min(2, 2.5) caps B's part at 2


TWO_IN_GROUP = """\
  - code: "1"
    name: Một
    max: 60
    indicators:
      - code: "1.1"
        name: A
        numerator: dossiers.on_time
        denominator: dossiers.total
        max_points: 40
      - code: "1.2"
        name: B
        numerator: petitions.on_time
        denominator: petitions.total
        max_points: 20
        na_policy: %(policy)s
  - code: "2"
    name: Hai
    max: 40
    indicators:
      - code: "2.1"
        name: C
        numerator: dossiers.digitised
        denominator: dossiers.total
        max_points: 40
"""
HALF = {"dossiers.on_time": 5, "dossiers.total": 10, "dossiers.digitised": 10, "petitions.total": 0}


def test_it_gives_full_marks_under_the_full_marks_policy() -> None:
    score = score_unit(framework_from(TWO_IN_GROUP % {"policy": "full_marks"}), COMMUNE, HALF)
    assert [r.points for r in score.indicators] == [Decimal(20), Decimal(20), Decimal(40)]
    assert score.total == Decimal(80)


def test_it_redistributes_within_the_group() -> None:
    score = score_unit(framework_from(TWO_IN_GROUP % {"policy": "redistribute"}), COMMUNE, HALF)
    a, b, c = score.indicators
    assert (a.points, a.max_points) == (Decimal(20), Decimal(40))
    assert (a.contribution, a.contribution_max) == (Decimal(30), Decimal(60))
    assert (b.contribution, b.contribution_max) == (Decimal(0), Decimal(0))
    assert c.contribution == Decimal(40)
    assert score.total == Decimal(70) and score.groups[0].max_points == Decimal(60)


def test_it_excludes_and_rescales_the_total() -> None:
    score = score_unit(framework_from(TWO_IN_GROUP % {"policy": "exclude"}), COMMUNE, HALF)
    a, b, c = score.indicators
    assert (a.contribution, a.contribution_max) == (Decimal(25), Decimal(50))
    assert (a.points, c.points, c.contribution) == (Decimal(20), Decimal(40), Decimal(50))
    assert score.total == Decimal(75) == sum(r.contribution for r in score.indicators)


def test_it_has_no_total_when_nothing_can_be_scored() -> None:
    score = score_unit(framework_from(ON_TIME_ONLY), COMMUNE, {})
    assert score.total is None and score.classification is None


FORMS = """\
  - code: "1"
    name: Một
    max: 100
    indicators:
      - code: "1.1"
        name: Chặn trên
        numerator: dossiers.reused_data
        denominator: dossiers.total
        scoring: capped
        target: 80
        max_points: 20
      - code: "1.2"
        name: Mức
        numerator: dossiers.vneid
        denominator: dossiers.total
        scoring: {form: bands, bands: [{threshold: 80, points: 20}, {threshold: 50, points: 10}]}
        max_points: 20
      - code: "1.3"
        name: Trễ hạn
        numerator: dossiers.late
        denominator: dossiers.total
        direction: lower
        target: 2
        scoring: {form: lower_floor, floor: 12}
        max_points: 20
      - code: "1.4"
        name: Đạt/không đạt
        numerator: dossiers.online
        denominator: dossiers.total
        scoring: pass_fail
        target: 60
        max_points: 20
      - code: "1.5"
        name: Tỷ lệ
        numerator: dossiers.digitised
        denominator: dossiers.total
        max_points: 20
"""


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        # capped 80%: 40/100 → 10; 90/100 → 20
        ({"dossiers.reused_data": 40}, ("1.1", "10.00", CHUA_DAT)),
        ({"dossiers.reused_data": 90}, ("1.1", "20.00", DAT)),
        ({"dossiers.vneid": 79}, ("1.2", "10.00", CHUA_DAT)),
        ({"dossiers.vneid": 80}, ("1.2", "20.00", DAT)),
        ({"dossiers.vneid": 49}, ("1.2", "0.00", CHUA_DAT)),
        # lower with floor 12 and best 2: 7% → half marks; 1% → full; 15% → 0
        ({"dossiers.late": 7}, ("1.3", "10.00", CHUA_DAT)),
        ({"dossiers.late": 1}, ("1.3", "20.00", DAT)),
        ({"dossiers.late": 15}, ("1.3", "0.00", CHUA_DAT)),
        ({"dossiers.online": 60}, ("1.4", "20.00", DAT)),
        ({"dossiers.online": 59}, ("1.4", "0.00", CHUA_DAT)),
        ({"dossiers.digitised": 33}, ("1.5", "6.60", CHUA_DAT)),
    ],
)
def test_it_scores_each_form(count, expected) -> None:  # type: ignore[no-untyped-def]
    code, points, status = expected
    result = score_unit(framework_from(FORMS), COMMUNE, {"dossiers.total": 100, **count}).indicator(code)
    assert (result.points, result.status) == (Decimal(points), status)


def test_it_lets_targets_be_overridden_per_unit() -> None:
    inputs = {"dossiers.total": 100, "dossiers.reused_data": 40}
    result = score_unit(framework_from(FORMS), COMMUNE, inputs, {"1.1": 50}).indicator("1.1")
    assert result.points == Decimal("16.00") and result.target == 50


def test_it_classifies_with_the_collective_rules() -> None:
    framework = framework_from(ON_TIME_ONLY)
    inputs = {"dossiers.on_time": 95, "dossiers.total": 100}
    assert score_unit(framework, COMMUNE, inputs).classification.code == "xuat_sac"  # type: ignore[union-attr]
    late = score_unit(framework, COMMUNE, inputs, collective=CollectiveFacts(10, 1)).classification
    assert late is not None and late.code == "tot" and "100% nhiệm vụ đúng hạn" in late.reasons[0]
    too_late = score_unit(framework, COMMUNE, inputs, collective=CollectiveFacts(10, 3)).classification
    assert too_late is not None and too_late.code == "khong_hoan_thanh"


def test_it_ranks_with_ties_and_puts_units_without_data_last() -> None:
    framework = framework_from(ON_TIME_ONLY)
    units = [UnitInfo(c, c, "xa") for c in ("a", "b", "c", "d")]
    inputs = {
        "a": {"dossiers.on_time": 5, "dossiers.total": 10},
        "b": {"dossiers.on_time": 9, "dossiers.total": 10},
        "c": {"dossiers.on_time": 1, "dossiers.total": 2},
    }
    ranked = score_many(framework, units, inputs)
    assert [(s.unit.code, s.rank) for s in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", None)]
    exported = ranked[0].export()
    assert set(exported) == {"unit_code", "unit_name", "total", "classification", "indicators"}
    indicator_keys = {"code", "numerator", "denominator", "rate", "points", "max_points"}
    assert set(exported["indicators"][0]) == indicator_keys
    assert ranked[0].to_dict()["indicators"][0] == {
        "code": "2.1",
        "numerator": 9,
        "denominator": 10,
        "rate": 90,
        "points": 90,
        "max_points": 100,
        "contribution": 90,
        "status": "chua_dat",
        "explanation": ranked[0].indicators[0].explanation,
    }
