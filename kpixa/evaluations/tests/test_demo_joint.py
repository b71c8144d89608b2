"""The demo contains a joint-departure ("cùng lên đường") case: Gia Lai's half-year policy with a
threshold just above the lowest commune total, set once and kept on the next run; and the leaders'
general points, đ and e entered as evaluation inputs, as the province's evaluators enter them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.demo import (
    DEMO_JOINT_PERIOD,
    DEMO_LEGAL_PERIODS,
    DEMO_PERIOD,
    publish_demo_periods,
    seed_joint_policy_demo,
    seed_leader_inputs_demo,
    seed_legal_demo,
    seed_owners_demo,
)
from kpixa.evaluations.models import (
    Consequence,
    EvaluationInput,
    LeaderEvaluation,
    ProvincePolicy,
    RegimeEvaluation,
)
from kpixa.evaluations.services import legal
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.evaluations.tests.conftest import score
from kpixa.units.models import PostKind


def test_the_demo_policy_proposes_both_leaders_of_the_lowest_commune(
    world: Any, test_kpi: Any, leaders: Any
) -> None:
    score(world, DEMO_PERIOD, {world.commune: 62, world.sibling: 75, world.third: 80})
    evaluate_period("test_kpi", DEMO_PERIOD, "52")
    assert seed_joint_policy_demo() is not None
    policy = ProvincePolicy.objects.get(province=world.province)
    assert (policy.joint_departure, policy.joint_departure_below_total, policy.joint_departure_period) == (
        True,
        Decimal(63),
        DEMO_JOINT_PERIOD,
    )
    assert "demo" in policy.joint_departure_citation
    evaluate_period("test_kpi", DEMO_PERIOD, "52")
    joint = Consequence.objects.filter(rule_code="joint_departure")
    assert sorted(joint.values_list("commune__code", "post")) == [
        ("23872", "chairman"),
        ("23872", "secretary"),
    ]
    entries = AuditEntry.objects.filter(action="evaluations.province_policy").count()
    seed_joint_policy_demo()  # a second run keeps the province's setting and writes nothing
    assert AuditEntry.objects.filter(action="evaluations.province_policy").count() == entries


def test_the_demo_enters_leaders_points_as_evaluation_inputs_once(
    world: Any, test_kpi: Any, leaders: Any
) -> None:
    score(world, DEMO_PERIOD, {world.commune: 62, world.sibling: 75, world.third: 80})
    evaluate_period("test_kpi", DEMO_PERIOD, "52")
    assert seed_leader_inputs_demo() == 6  # a Secretary and a Chairman in each of three communes
    assert EvaluationInput.objects.filter(period__code=DEMO_PERIOD).count() == 18
    evaluate_period("test_kpi", DEMO_PERIOD, "52")
    assert not LeaderEvaluation.objects.filter(period__code=DEMO_PERIOD, total__isnull=True).exists()
    assert seed_leader_inputs_demo() == 0


def test_the_demo_evaluates_under_the_texts_and_keeps_a_closed_periods_evaluation(
    world: Any, test_kpi: Any, leaders: Any
) -> None:
    """Owners first (once), then the half-year and 2025-Q3 under the texts; once the demo has
    published 2025-Q3, a second run re-evaluates the open half-year only, and the closed quarter
    keeps its evaluation, its proposals and their owners."""
    for period in DEMO_LEGAL_PERIODS:
        score(world, period, {world.commune: 40, world.sibling: 75, world.third: 80})
    owners = {"1": (PostKind.CHAIRMAN, "")}
    assert seed_owners_demo("test_kpi", owners) == 1
    assert seed_owners_demo("test_kpi", owners) == 0
    assert seed_legal_demo("test_kpi") == list(DEMO_LEGAL_PERIODS)
    quarter = DEMO_LEGAL_PERIODS[1]
    publish_demo_periods("52", (quarter,), world.users["province_admin"])
    assert seed_legal_demo("test_kpi") == [DEMO_PERIOD]
    stored = RegimeEvaluation.objects.get(period__code=quarter)
    assert stored.period.is_closed
    found = legal.proposals(stored)
    assert [(p.unit_code, p.kind) for p in found] == [("23872", "warning")]
    assert [(o["code"], o["post"], o["person_name"]) for o in found[0].owners] == [
        ("1.1", PostKind.CHAIRMAN, "chairman Xã Ia Dom")
    ]
