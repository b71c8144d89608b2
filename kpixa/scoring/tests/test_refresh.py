"""Incremental refresh after an ingest batch equals a full compute; frozen periods stay put."""

from __future__ import annotations

from datetime import date
from typing import Any

from kpixa.evaluations.models import Period
from kpixa.scoring.models import IndicatorScore, RunKind, ScoreRun, UnitScore
from kpixa.scoring.services.scores import compute_scores, refresh_after_batch
from kpixa.scoring.tests.conftest import FedInputs, progress

FIELDS = (
    "numerator",
    "denominator",
    "rate",
    "rate_display",
    "points",
    "max_points",
    "status",
    "explanation_vi",
)
UNIT_FIELDS = (
    "total",
    "group_totals",
    "classification",
    "rank_province",
    "rank_peer_group",
    "peer_group_ranks",
)


def _snapshot(period: str) -> tuple[list[Any], list[Any]]:
    units = UnitScore.objects.filter(period_code=period).order_by("framework_version", "commune")
    indicators = IndicatorScore.objects.filter(period_code=period).order_by(
        "framework_version", "commune", "indicator_code"
    )
    return list(units.values_list("commune_id", *UNIT_FIELDS)), list(
        indicators.values_list("commune_id", "indicator_code", *FIELDS)
    )


def test_it_refreshes_incrementally_to_the_same_result_as_a_full_compute(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60), world.sibling.pk: progress(100, 80)})
    providers = fed.providers()
    for framework in ("dvc766", "kpi_xa_example"):
        for period in ("2025-07", "2025-Q3"):
            compute_scores(framework, period, "52", providers=providers)
    # A batch lands for Ia Dom: 50 more dossiers, 40 earlier ones now on time; it overtakes Ia Nan.
    fed.counts[world.commune.pk] = progress(150, 140)
    runs = refresh_after_batch({world.commune.pk}, {date(2025, 7, 15)}, providers=providers)
    assert {(r.framework_version.code, r.period_code) for r in runs} == {
        ("dvc766", "2025-07"),
        ("dvc766", "2025-Q3"),
        ("kpi_xa_example", "2025-07"),
        ("kpi_xa_example", "2025-Q3"),
    }
    assert all(r.kind == RunKind.INCREMENTAL for r in runs)
    incremental = _snapshot("2025-07"), _snapshot("2025-Q3")
    for framework in ("dvc766", "kpi_xa_example"):
        for period in ("2025-07", "2025-Q3"):
            compute_scores(framework, period, "52", providers=providers)
    assert (_snapshot("2025-07"), _snapshot("2025-Q3")) == incremental
    ranks: dict[int, Any] = dict(
        UnitScore.objects.filter(period_code="2025-07", framework_version__code="dvc766").values_list(
            "commune_id", "rank_province"
        )
    )
    assert ranks[world.commune.pk] < ranks[world.sibling.pk]


def test_it_reads_only_the_affected_communes(world: Any, frameworks: Any) -> None:
    fed = FedInputs({})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    fed.calls.clear()
    refresh_after_batch({world.commune.pk}, {date(2025, 7, 2)}, providers=fed.providers())
    assert [ids for ids, _start, _end in fed.calls] == [frozenset({world.commune.pk})]


def test_it_leaves_frozen_and_unrelated_periods_alone(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(10, 5)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    compute_scores("dvc766", "2025-08", "52", providers=fed.providers())
    Period.objects.create(
        province=world.province,
        code="2025-07",
        kind="month",
        start="2025-07-01",
        end="2025-07-31",
        state="published",
    )
    fed.counts[world.commune.pk] = progress(10, 10)
    runs = refresh_after_batch({world.commune.pk}, {date(2025, 7, 3)}, providers=fed.providers())
    assert runs == []
    assert ScoreRun.objects.filter(kind=RunKind.INCREMENTAL).count() == 0


def test_it_refreshes_with_a_fixed_number_of_queries(
    world: Any, frameworks: Any, django_assert_max_num_queries: Any
) -> None:
    fed = FedInputs({world.commune.pk: progress(10, 5)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    with django_assert_max_num_queries(25):
        refresh_after_batch(
            {world.commune.pk, world.sibling.pk}, {date(2025, 7, 3)}, providers=fed.providers()
        )
