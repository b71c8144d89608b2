"""Stored contributions (points after N/A re-scaling) and the English explanations beside the Vietnamese."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation

from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.tests.conftest import FedInputs, progress


def _computed(world: Any) -> tuple[UnitScore, list[IndicatorScore]]:
    fed = FedInputs({world.commune.pk: progress(100, 60), world.sibling.pk: progress(100, 95)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    unit = UnitScore.objects.get(
        commune=world.commune, period_code="2025-07", framework_version__code="dvc766"
    )
    rows = list(
        IndicatorScore.objects.filter(
            commune=world.commune, period_code="2025-07", framework_version__code="dvc766"
        )
    )
    return unit, rows


def test_the_stored_contributions_add_up_to_the_total(world: Any, frameworks: Any) -> None:
    unit, rows = _computed(world)
    assert unit.total is not None
    assert sum(r.counted_points or Decimal(0) for r in rows) == unit.total
    rescaled = [r for r in rows if r.rescaled]
    assert rescaled, "a commune with indicators without data has re-scaled contributions"
    # The indicator points alone do not add up to the total when something was re-scaled.
    assert sum(r.points or Decimal(0) for r in rows) != unit.total
    counted = next(r for r in rescaled if r.rate_display is not None)
    assert counted.contribution != counted.points
    assert counted.contribution_max is not None and counted.contribution_max > counted.max_points


def test_old_rows_without_contribution_fall_back_to_points(world: Any, frameworks: Any) -> None:
    _unit, rows = _computed(world)
    row = rows[0]
    IndicatorScore.objects.filter(pk=row.pk).update(
        contribution=None, contribution_max=None, explanation_en=""
    )
    row.refresh_from_db()
    assert (row.counted_points, row.counted_max, row.rescaled) == (row.points, row.max_points, False)
    with translation.override("en"):
        assert row.explanation == row.explanation_vi


def test_explanations_are_stored_in_vietnamese_and_english_whatever_the_active_language(
    world: Any, frameworks: Any
) -> None:
    with translation.override("en"):
        _unit, rows = _computed(world)
    counted = next(r for r in rows if r.rescaled and r.rate_display is not None)
    assert "quy đổi" in counted.explanation_vi and "điểm" in counted.explanation_vi
    assert counted.explanation_en and "quy đổi" not in counted.explanation_en
    assert "points" in counted.explanation_en
    no_data = next(r for r in rows if r.status == "khong_co_du_lieu")
    assert no_data.explanation_en.startswith("No data")
    with translation.override("en"):
        assert counted.explanation == counted.explanation_en
    with translation.override("vi"):
        assert counted.explanation == counted.explanation_vi
