"""Storing scores: the §8 figures through the stored path, ranks, targets, frozen periods, audit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.models import Period
from kpixa.scoring.models import IndicatorScore, RunStatus, ScoreRun, Target, TargetScope, UnitScore
from kpixa.scoring.services.baselines import generate_baselines
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.tests.conftest import FedInputs, progress
from kpixa.scoring.versions import ScoringError


def _score(commune: Any, code: str, period: str = "2026-YTD-03", framework: str = "dvc766") -> IndicatorScore:
    return IndicatorScore.objects.get(
        commune=commune, indicator_code=code, period_code=period, framework_version__code=framework
    )


@pytest.mark.parametrize(
    ("total", "on_time", "rate", "points"),
    [
        (3443, 2775, "80.60", "16.12"),  # Xã Hy Cương, Phú Thọ 2026 YTD
        (6064, 5940, "97.96", "19.59"),  # Xã Bản Nguyên
        (161, 156, "96.89", "19.38"),  # Văn phòng UBND tỉnh
        (597918, 528684, "88.42", "17.68"),  # Phú Thọ province
        (1270, 854, "67.24", "13.45"),  # docs/rules.md, "Rates and points"
    ],
)
def test_it_reproduces_the_published_progress_figures_through_the_stored_path(
    world: Any, frameworks: Any, total: int, on_time: int, rate: str, points: str
) -> None:
    fed = FedInputs({world.commune.pk: progress(total, on_time)})
    compute_scores("dvc766", "2026-YTD-03", "52", providers=fed.providers())
    stored = _score(world.commune, "2.1")
    assert (stored.numerator, stored.denominator) == (on_time, total)
    assert stored.rate_display == Decimal(rate)
    assert stored.portal_points == Decimal(points)


def test_it_reproduces_gia_lai_january_2025_on_time_rate(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(14579, 13794 + 134)})
    compute_scores("dvc766", "2025-01", "52", providers=fed.providers())
    assert _score(world.commune, "2.1", "2025-01").rate_display == Decimal("95.53")


def test_it_stores_one_row_per_indicator_and_unit_and_ranks_the_province(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60), world.sibling.pk: progress(100, 95)})
    run = compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    indicators = len(list(frameworks["dvc766"].framework().indicators()))
    assert run.status == RunStatus.DONE
    assert run.communes_count == 3
    assert IndicatorScore.objects.filter(period_code="2025-07").count() == 3 * indicators
    ranks: dict[str, Any] = dict(
        UnitScore.objects.filter(period_code="2025-07").values_list("commune__code", "rank_province")
    )
    assert ranks[world.sibling.code] < ranks[world.commune.code]
    assert not UnitScore.objects.filter(commune=world.foreign).exists()


def test_it_is_idempotent_and_writes_one_audit_entry_per_run(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(10, 9)})
    before = AuditEntry.objects.filter(action="scoring.compute").count()
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    assert AuditEntry.objects.filter(action="scoring.compute").count() == before + 2
    assert UnitScore.objects.filter(period_code="2025-07").count() == 3


def test_it_reads_period_inputs_with_one_provider_call(world: Any, frameworks: Any) -> None:
    fed = FedInputs({})
    compute_scores("dvc766", "2025-Q3", None, providers=fed.providers())
    assert len(fed.calls) == 1
    ids, start, end = fed.calls[0]
    assert ids == {world.commune.pk, world.sibling.pk, world.third.pk, world.foreign.pk}
    assert (start.isoformat(), end.isoformat()) == ("2025-07-01", "2025-09-30")


def test_it_uses_the_version_in_force_for_the_period(world: Any, frameworks: Any) -> None:
    compute_scores("dvc766", "2024-12", "52", providers=FedInputs().providers())
    compute_scores("dvc766", "2025-01", "52", providers=FedInputs().providers())
    versions = dict(ScoreRun.objects.values_list("period_code", "framework_version__version"))
    assert versions == {"2024-12": "2022", "2025-01": "2025.4"}  # 2025.4 replaces 2025.3, 2025.2 and 2025


def test_it_refuses_a_frozen_period(world: Any, frameworks: Any) -> None:
    Period.objects.create(
        province=world.province,
        code="2025-07",
        kind="month",
        start="2025-07-01",
        end="2025-07-31",
        state="closed",
    )
    with pytest.raises(ScoringError):
        compute_scores("dvc766", "2025-07", "52", providers=FedInputs().providers())


def test_it_takes_framework_totals_from_stored_scores(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 90)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    compute_scores("kpi_xa_example", "2025-07", "52", providers=fed.providers())
    dvc_total = UnitScore.objects.get(commune=world.commune, framework_version__code="dvc766").total
    stored = _score(world.commune, "2.1", "2025-07", "kpi_xa_example")
    assert stored.numerator == dvc_total


def test_it_leaves_reported_indicators_without_data_until_reporting_exists(
    world: Any, frameworks: Any
) -> None:
    compute_scores("kpi_xa_example", "2025-07", "52", providers=FedInputs().providers())
    assert _score(world.commune, "1.1", "2025-07", "kpi_xa_example").status == "khong_co_du_lieu"


def test_it_resolves_targets_unit_over_peer_group_over_default(world: Any, frameworks: Any) -> None:
    from kpixa.units.models import PeerGroup

    border = PeerGroup.objects.create(code="bien-gioi", name="Biên giới")
    world.commune.peer_groups.add(border)
    world.sibling.peer_groups.add(border)
    common = {"framework_code": "dvc766", "indicator_code": "2.1", "period_code": "2025-07"}
    Target.objects.create(**common, scope=TargetScope.DEFAULT, value=50)
    Target.objects.create(**common, scope=TargetScope.PEER_GROUP, peer_group=border, value=60)
    Target.objects.create(**common, scope=TargetScope.UNIT, commune=world.commune, value=70)
    compute_scores("dvc766", "2025-07", "52", providers=FedInputs().providers())
    targets = {c: _score(c, "2.1", "2025-07").target for c in (world.commune, world.sibling, world.third)}
    assert targets == {world.commune: 70, world.sibling: 60, world.third: 50}


def test_it_generates_baselines_from_last_year_capped_at_100(world: Any, frameworks: Any) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 80), world.sibling.pk: progress(100, 97)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    generate_baselines("dvc766", "2026-07", "2025-07", 5)
    values = dict(
        Target.objects.filter(indicator_code="2.1", period_code="2026-07").values_list("commune_id", "value")
    )
    assert values[world.commune.pk] == Decimal("85.00")
    assert values[world.sibling.pk] == Decimal("100.00")
