"""The province's number fields (appeal decisions, leader assessments) read Vietnamese numbers
("7,5", "1.234,5") and show their values the same way, without trailing zeros."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from kpixa.evaluations.forms import LeaderAssessmentForm, UpholdForm


@pytest.mark.parametrize(
    ("text", "value"), [("7,5", "7.5"), ("7.5", "7.5"), ("7", "7"), ("1.234,25", "1234.25")]
)
def test_an_upheld_appeal_takes_vietnamese_points(text: str, value: str) -> None:
    with translation.override("vi"):
        form = UpholdForm({"reason": "Sai số liệu", "corrected_points": text}, max_points=Decimal(2000))
        assert form.is_valid(), form.errors
    assert form.cleaned_data["corrected_points"] == Decimal(value)


def test_a_number_in_the_other_style_or_not_a_number_is_refused() -> None:
    with translation.override("vi"):
        assert not UpholdForm({"reason": "x", "corrected_points": "7,5,1"}).is_valid()
        assert not UpholdForm({"reason": "x", "corrected_points": "bảy"}).is_valid()


def test_the_points_box_accepts_a_comma_and_prefills_without_trailing_zeros() -> None:
    with translation.override("vi"):
        form = LeaderAssessmentForm(
            initial={"general_points": Decimal("12.50"), "dd_organising": Decimal("90.00")}
        )
        html = str(form["general_points"]) + str(form["dd_organising"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'value="12,5"' in html and 'value="90"' in html
    with translation.override("en"):
        assert 'value="12.5"' in str(
            LeaderAssessmentForm(initial={"general_points": Decimal("12.50")})["general_points"]
        )


def test_the_leader_entry_page_takes_and_shows_vietnamese_numbers() -> None:
    from kpixa.evaluations.decision_views import LeaderEntryForm

    with translation.override("vi"):
        form = LeaderEntryForm(
            {"general_points": "27,5", "organising": "92,25", "uniting": "90", "evidence": "QĐ 12"}
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["general_points"] == Decimal("27.5")
        shown = str(LeaderEntryForm(initial={"general_points": Decimal("27.50")})["general_points"])
    assert 'value="27,5"' in shown
