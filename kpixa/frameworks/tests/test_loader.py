from pathlib import Path

import pytest

from kpixa.scoring.engine.loader import FrameworkError, load_framework
from kpixa.scoring.engine.model import Form, NAPolicy

from .helpers import ON_TIME_ONLY, framework_from

SHIPPED = Path(__file__).resolve().parents[1] / "shipped"
HEADER_2025 = """\
code: t
version: "1"
name: Thử
valid_from: 2025-01-01
groups:
"""


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(FrameworkError) as info:
        load_framework(text, "bad.yaml")
    return info.value.errors


def test_it_loads_every_shipped_file() -> None:
    for path in sorted(SHIPPED.glob("*.yaml")):
        framework = load_framework(path.read_text("utf-8"), path.name)
        assert sum(g.max_points for g in framework.groups) == framework.total_points


def test_it_reads_the_dvc766_shape() -> None:
    framework = load_framework((SHIPPED / "dvc766.yaml").read_text("utf-8"), "dvc766.yaml")
    assert [int(g.max_points) for g in framework.groups] == [18, 20, 12, 10, 18, 22]
    assert framework.indicator("2.1").max_points == 20
    assert framework.indicator("4.1").scoring.form == Form.COMPOSITE
    assert framework.indicator("1.1").na_policy == NAPolicy.FULL_MARKS
    assert "dossiers.on_time" in framework.measures()


def test_it_marks_the_example_framework() -> None:
    framework = load_framework((SHIPPED / "kpi-xa-example.yaml").read_text("utf-8"), "x.yaml")
    assert framework.is_example
    assert framework.label == "Ví dụ — tỉnh chỉnh sửa, không phải danh mục chính thức"


BROKEN = """\
code: t
version: "1"
name: Thử
valid_from: 2025-01-01
groups:
  - code: "1"
    name: Một
    max: 60
    indicators:
      - code: "1.1"
        name: A
        numerator: dossiers.on_time
        denominator: dossiers.nonexistent
        max_points: 30
        target: 120
      - code: "1.1"
        name: B
        numerator: dossiers.on_time
        denominator: dossiers.total
        max_points: 20
        scoring: magic
  - code: "2"
    name: Hai
    max: 30
    indicators:
      - code: "2.1"
        name: C
        numerator: dossiers.on_time
        denominator: dossiers.total
        max_points: 30
"""


def test_it_reports_every_mistake_with_its_line() -> None:
    errors = errors_of(BROKEN)
    by_line = dict(errors)
    assert "không có trong danh mục" in by_line[13] and "dossiers.nonexistent" in by_line[13]
    assert "120% nằm ngoài khoảng 0–100%" in by_line[15]
    assert "magic" in by_line[21]
    assert any("mã chỉ số “1.1” bị trùng" in r for r in by_line.values())
    assert "tổng điểm các nhóm là 90, không bằng tổng điểm của bộ chỉ số 100" in by_line[5]
    assert str(errors_of(BROKEN)[0][0]) in str(
        pytest.raises(FrameworkError, load_framework, BROKEN, "b.yaml").value
    )


def test_it_refuses_indicators_not_adding_up_to_their_group() -> None:
    errors = errors_of(
        ON_TIME_ONLY.replace("max_points: 100", "max_points: 90").join(
            [
                """\
code: t
version: "1"
name: Thử
valid_from: 2025-01-01
groups:
""",
                "",
            ]
        )
    )
    assert errors == [(8, "tổng điểm các chỉ số của nhóm “2” là 90, không bằng điểm tối đa của nhóm 100")]


def test_it_reports_yaml_syntax_errors_with_a_line() -> None:
    errors = errors_of("code: t\nname: [unclosed\nversion: 1\n")
    assert errors[0][0] >= 2 and errors[0][1].startswith("lỗi cú pháp YAML")


@pytest.mark.parametrize(
    ("indicator_extra", "expected"),
    [
        ("scoring: capped\n", "dạng tính điểm “capped” cần “target”"),
        ("scoring: pass_fail\n", "dạng tính điểm “pass_fail” cần “target”"),
        ("direction: sideways\n", "giá trị “sideways” của “direction” không hợp lệ"),
        ("na_policy: maybe\n", "giá trị “maybe” của “na_policy” không hợp lệ"),
        ("applies_to: {kinds: [huyen]}\n", "loại đơn vị không hợp lệ “huyen”"),
        ("direction: lower\n", "chỉ dùng cho chỉ số càng cao càng tốt"),
        ("colour: red\n", "khóa không hợp lệ “colour”"),
        ("scoring: {form: bands}\n", "dạng “bands” cần danh sách"),
        (
            "scoring: {form: composite, rates: {A: {numerator: dossiers.on_time,"
            " denominator: dossiers.total}}, points: 'A + B'}\n",
            "đại lượng không có trong danh mục: “B”",
        ),
    ],
)
def test_it_refuses_bad_indicator_settings(indicator_extra: str, expected: str) -> None:
    text = ON_TIME_ONLY + "        " + indicator_extra
    with pytest.raises(FrameworkError) as info:
        framework_from(text)
    assert any(expected in reason for _, reason in info.value.errors), info.value.errors


def test_it_refuses_duplicate_keys_and_bad_bands() -> None:
    extra = "classification:\n  - {code: a, min: 50, label: A}\n  - {code: b, min: 60, label: B}\n"
    with pytest.raises(FrameworkError) as info:
        framework_from(ON_TIME_ONLY + "        max_points: 100\n", extra=extra)
    reasons = [r for _, r in info.value.errors]
    assert any("“max_points” bị lặp lại" in r for r in reasons)
    assert any("giảm dần" in r for r in reasons)
    assert any("min: 0" in r for r in reasons)


def test_it_requires_the_header_fields() -> None:
    errors = errors_of("groups: []\n")
    reasons = " ".join(r for _, r in errors)
    for key in ("code", "version", "valid_from"):
        assert f"thiếu khóa bắt buộc “{key}”" in reasons


def test_it_reports_an_impossible_date_with_its_line() -> None:
    text = ON_TIME_ONLY.join([HEADER_2025.replace("2025-01-01", "2025-13-01"), ""])
    assert errors_of(text) == [(4, "“valid_from” phải là ngày dạng YYYY-MM-DD")]


def test_it_refuses_an_unknown_key_even_with_an_empty_value() -> None:
    text = ON_TIME_ONLY.join([HEADER_2025.replace("valid_from", "colour:\nvalid_from"), ""])
    assert errors_of(text) == [(4, "khóa không hợp lệ “colour” trong bộ chỉ số")]


def test_it_keeps_codes_and_numbers_as_written() -> None:
    text = HEADER_2025 + ON_TIME_ONLY.replace('code: "2"', "code: 2").replace('code: "2.1"', "code: 2.10")
    framework = load_framework(text + "        target: '85,5'\n        scoring: capped\n", "t.yaml")
    indicator = framework.groups[0].indicators[0]
    assert (framework.groups[0].code, indicator.code, str(indicator.target)) == ("2", "2.10", "85.5")
