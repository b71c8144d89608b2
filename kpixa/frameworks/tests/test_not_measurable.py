"""Indicator 1.4 of dvc766 2025.2 and the "not measurable" state (docs/rules.md, "Rates and points")."""

from decimal import Decimal
from pathlib import Path

import pytest

from kpixa.scoring.engine.core import KHONG_CO_DU_LIEU, KHONG_DO_DUOC, UnitInfo, score_unit
from kpixa.scoring.engine.loader import load_framework

SHIPPED = Path(__file__).resolve().parents[1] / "shipped"
COMMUNE = UnitInfo("23872", "Xã Ia Dom", "xa")


@pytest.fixture(scope="module")
def dvc766():  # type: ignore[no-untyped-def]
    return load_framework((SHIPPED / "dvc766_2025-2.yaml").read_text("utf-8"), "dvc766_2025-2.yaml")


def inputs(**extra: int | None) -> dict[str, int | None]:
    base: dict[str, int | None] = {"dossiers.on_time": 90, "dossiers.total": 100, "dossiers.received": 80}
    base.update(extra)
    return base


def test_it_scores_1_4_as_synced_over_the_larger_of_declared_and_synced(dvc766) -> None:  # type: ignore[no-untyped-def]
    result = score_unit(dvc766, COMMUNE, inputs(**{"dossiers.declared_received": 100})).indicator("1.4")
    assert (result.rate_display, result.points) == (Decimal("80.00"), Decimal("4.80"))
    more_synced = score_unit(dvc766, COMMUNE, inputs(**{"dossiers.declared_received": 60})).indicator("1.4")
    assert (more_synced.rate_display, more_synced.points) == (Decimal("100.00"), Decimal("6.00"))


def test_it_says_not_measurable_and_rescales_where_nothing_was_declared(dvc766) -> None:  # type: ignore[no-untyped-def]
    score = score_unit(dvc766, COMMUNE, inputs(**{"dossiers.declared_received": None}))
    result = score.indicator("1.4")
    assert result.status == KHONG_DO_DUOC
    assert (result.points, result.contribution, result.contribution_max) == (0, 0, 0)
    assert "Không đo được" in result.explanation
    assert sum(r.contribution_max for r in score.indicators) == pytest.approx(
        Decimal(100), abs=Decimal("0.1")
    )
    assert score.total == sum(r.contribution for r in score.indicators)


def test_it_keeps_no_data_apart_from_not_measurable(dvc766) -> None:  # type: ignore[no-untyped-def]
    empty = {"dossiers.received": 0, "dossiers.declared_received": 0, "dossiers.total": 0}
    assert score_unit(dvc766, COMMUNE, empty).indicator("1.4").status == KHONG_CO_DU_LIEU


def test_it_never_gives_full_marks_for_an_unmeasurable_population_item(dvc766) -> None:  # type: ignore[no-untyped-def]
    score = score_unit(dvc766, COMMUNE, inputs(**{"dossiers.resident_data_used": None}))
    result = score.indicator("6.7")
    assert result.status == KHONG_DO_DUOC and result.contribution == 0
