"""Stored results: a rerun rewrites only what changed, and the rows stay what a first run writes."""

from __future__ import annotations

from typing import Any

from kpixa.accounts.models import AuditEntry
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.tests.conftest import FedInputs, progress

PERIOD = "2025-07"


def _as_of(model: Any) -> dict[int, set[Any]]:
    by_commune: dict[int, set[Any]] = {}
    for commune_id, as_of in model.objects.filter(period_code=PERIOD).values_list("commune_id", "as_of"):
        by_commune.setdefault(commune_id, set()).add(as_of)
    return by_commune


def _values() -> list[Any]:
    rows = IndicatorScore.objects.filter(period_code=PERIOD).order_by("commune", "indicator_code")
    return list(
        rows.values_list("commune_id", "indicator_code", "rate", "points", "status", "explanation_vi")
    )


def _changed_in_last_audit() -> Any:
    after: Any = AuditEntry.objects.filter(action="scoring.compute").latest("id").after
    return after["indicator_scores_changed"]


def test_it_rewrites_no_indicator_row_when_nothing_changed_but_dates_the_units(
    world: Any, frameworks: Any
) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60), world.sibling.pk: progress(50, 50)})
    compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    indicators, units, values = _as_of(IndicatorScore), _as_of(UnitScore), _values()
    run = compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    assert _as_of(IndicatorScore) == indicators
    assert _values() == values
    assert all(stamps == {run.inputs_as_of} for stamps in _as_of(UnitScore).values())
    assert _as_of(UnitScore) != units
    assert _changed_in_last_audit() == 0


def test_it_rewrites_only_the_indicator_rows_of_the_communes_that_changed(
    world: Any, frameworks: Any
) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60), world.sibling.pk: progress(50, 50)})
    compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    before = _as_of(IndicatorScore)
    fed.counts[world.commune.pk] = progress(100, 90)
    run = compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    after = _as_of(IndicatorScore)
    assert after[world.commune.pk] == {run.inputs_as_of}
    assert after[world.sibling.pk] == before[world.sibling.pk]
    assert _score(world.commune, "2.1").rate_display == 90
    assert _changed_in_last_audit() == len(list(frameworks["dvc766"].framework().indicators()))


def test_it_writes_back_rows_edited_by_hand_once_their_digest_is_blanked(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60)})
    compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    values = _values()
    IndicatorScore.objects.filter(commune=world.commune, indicator_code="2.1").delete()
    UnitScore.objects.filter(commune=world.commune).update(results_digest="")
    compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    assert _values() == values


def test_it_stores_the_same_rows_whether_written_first_or_rewritten(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60), world.sibling.pk: progress(50, 50)})
    compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    fed.counts[world.commune.pk] = progress(80, 20)
    compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    rewritten = _values()
    IndicatorScore.objects.all().delete()
    UnitScore.objects.all().delete()
    compute_scores("dvc766", PERIOD, "52", providers=fed.providers())
    assert _values() == rewritten


def _score(commune: Any, code: str) -> IndicatorScore:
    return IndicatorScore.objects.get(
        commune=commune, indicator_code=code, period_code=PERIOD, framework_version__code="dvc766"
    )
