"""Explanations write numbers their language's way: 1.270 · 67,24 in Vietnamese, 1,270 · 67.24 in
English, whether the English is stored beside the Vietnamese (bilingual) or written in English mode."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from kpixa.frameworks.tests.helpers import framework_from
from kpixa.scoring.engine.core import UnitInfo, score_unit
from kpixa.scoring.engine.numbers import fmt2, fmt_cents, fmt_number

FRAMEWORK = framework_from(
    """\
  - code: "1"
    name: Nhóm
    max: 100
    indicators:
      - code: "1.1"
        name: Đúng hạn
        numerator: dossiers.on_time
        denominator: dossiers.total
        unit_label: hồ sơ đúng hạn
        max_points: 20
      - code: "1.2"
        name: Mức
        numerator: dossiers.vneid
        denominator: dossiers.total
        scoring: {form: bands, bands: [{threshold: 92.5, points: 20}, {threshold: 50.5, points: 10}]}
        max_points: 20
      - code: "1.3"
        name: Chặn trên
        numerator: dossiers.reused_data
        denominator: dossiers.total
        scoring: capped
        target: 80.5
        max_points: 20
      - code: "1.4"
        name: Không có dữ liệu
        numerator: dossiers.complaint_or_unsatisfied
        denominator: petitions.total
        max_points: 40
        na_policy: exclude
"""
)
UNIT = UnitInfo("23872", "Xã Ia Dom", "xa")
INPUTS = {
    "dossiers.on_time": 854,
    "dossiers.total": 1270,
    "dossiers.vneid": 1200,
    "dossiers.reused_data": 635,
    "dossiers.complaint_or_unsatisfied": 0,
    "petitions.total": 0,
}


def test_the_formatters_write_each_language_its_way() -> None:
    assert (fmt_number(Decimal(1270), False), fmt_number(Decimal(1270), True)) == ("1.270", "1,270")
    assert (fmt_number(Decimal("2.5"), False), fmt_number(Decimal("2.5"), True)) == ("2,5", "2.5")
    assert (fmt_number(Decimal("-1234.5"), False), fmt_number(Decimal("-1234.5"), True)) == (
        "-1.234,5",
        "-1,234.5",
    )
    assert (fmt2(Decimal("1234.505"), False), fmt2(Decimal("1234.505"), True)) == ("1.234,51", "1,234.51")
    assert (fmt_cents(Decimal("92.29"), False), fmt_cents(Decimal("92.29"), True)) == ("92,29", "92.29")
    # Without a language given, the Vietnamese way (texts stored in Vietnamese and read back).
    with translation.override("en"):
        assert (fmt_number(Decimal("1270.5")), fmt2(Decimal("67.244"))) == ("1.270,5", "67,24")


def test_stored_english_explanations_write_english_numbers() -> None:
    with translation.override("vi"):
        score = score_unit(FRAMEWORK, UNIT, INPUTS, bilingual=True)
    on_time, bands, capped = (score.indicator(code) for code in ("1.1", "1.2", "1.3"))
    # 854/1270 = 67.24% of 20 = 13.45, rescaled by 100/60 (1.4 is excluded without data): 22.41.
    assert on_time.explanation == (
        "854/1.270 hồ sơ đúng hạn = 67,24% × 20 = 13,45 điểm; tính vào tổng sau quy đổi "
        "(có chỉ số không áp dụng/không có dữ liệu/không đo được) × 1,6667 = 22,41"
    )
    assert on_time.explanation_en.startswith("854/1,270 = 67.24% × 20 = 13.45 points")
    assert on_time.explanation_en.endswith("× 1.6667 = 22.41")
    assert "1.270" not in on_time.explanation_en and "67,24" not in on_time.explanation_en
    assert "94,49%" in bands.explanation and "92,5%" in bands.explanation
    assert "94.49%" in bands.explanation_en and "92.5%" in bands.explanation_en
    assert "80,5%" in capped.explanation and "80.5%" in capped.explanation_en
    assert "50,00%" in capped.explanation and "50.00%" in capped.explanation_en


def test_explanations_written_in_english_mode_write_english_numbers() -> None:
    with translation.override("en"):
        english = score_unit(FRAMEWORK, UNIT, INPUTS).indicator("1.1")
    with translation.override("vi"):
        bilingual = score_unit(FRAMEWORK, UNIT, INPUTS, bilingual=True).indicator("1.1")
    assert english.explanation == bilingual.explanation_en
