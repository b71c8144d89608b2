"""The dossiers behind a count are the dossiers counted: with fresh stored results, each list of the
scorecard's drill-down holds exactly the stored numerator or denominator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kpixa.dossiers.services.rollups import rebuild
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.versions import period_of
from kpixa.web.pages import dossiers, scorecard
from kpixa.web.pages.runs import scored_runs
from kpixa.web.tests.scored import LATE_DOSSIERS, scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PERIOD = "2025-08"  # the month of the real dossiers of Xã Ia Dom (not evaluated, so not frozen)


@pytest.fixture
def fresh(scored: Any) -> Any:
    """The scored world with 2025-08 rescored from the real dossiers' rollups."""
    rebuild(scored.province.pk)
    compute_scores("dvc766", PERIOD, "52")
    return scored


def drillable_counts(commune: Any) -> list[tuple[str, str, Any]]:
    """(indicator, outcome, stored count) for every count of the scorecard that opens a list."""
    runs = scored_runs("dvc766", commune.province_id)
    card = scorecard.scorecard(commune, "dvc766", period_of(PERIOD), runs)
    found = []
    for line in card.lines:
        if line.score is None:
            continue
        for outcome, value in (
            (line.numerator_outcome, line.score.numerator),
            (line.denominator_outcome, line.score.denominator),
            (line.late_outcome, line.shortfall),
        ):
            if outcome and value is not None:
                found.append((line.indicator.code, outcome, value))
    return found


def test_it_lists_exactly_the_dossiers_counted_when_the_stored_result_is_fresh(fresh: Any) -> None:
    counts = drillable_counts(fresh.commune)
    assert ("2.1", "late", LATE_DOSSIERS) in counts
    for code, outcome, stored in counts:
        listed = dossiers.dossiers_behind(
            fresh.commune, period_of(PERIOD), dossiers.DossierFilters(outcome=outcome)
        ).count()
        assert listed == stored, (code, outcome, listed, stored)


def test_it_says_the_same_count_on_the_scorecard_and_on_the_list(fresh: Any) -> None:
    client = Client()
    client.force_login(fresh.users["province_viewer"])
    card = client.get(f"/xa/23872/?period={PERIOD}").content.decode()
    assert f"{LATE_DOSSIERS} trễ hạn" in card
    listing = client.get(f"/xa/23872/ho-so/?indicator=2.1&outcome=late&period={PERIOD}").content.decode()
    assert f"{LATE_DOSSIERS} hồ sơ" in listing
    assert listing.count("/dossiers/MCDT/H52.23872-250801-") == LATE_DOSSIERS


def test_it_compares_more_than_the_on_time_rate(fresh: Any) -> None:
    outcomes = {outcome for _code, outcome, _n in drillable_counts(fresh.commune)}
    assert {"total", "on_time", "late"} <= outcomes
