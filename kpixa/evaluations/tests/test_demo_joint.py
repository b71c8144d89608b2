"""The demo contains a joint-departure ("cùng lên đường") case: Gia Lai's half-year policy with a
threshold just above the lowest commune total, set once and kept on the next run."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.demo import DEMO_JOINT_PERIOD, DEMO_PERIOD, seed_joint_policy_demo
from kpixa.evaluations.models import Consequence, ProvincePolicy
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.evaluations.tests.conftest import score


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
