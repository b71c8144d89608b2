"""The evaluation chain: commune result → d → leader score → cap → class; quota; consequences."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.models import CommuneEvaluation, Consequence, LeaderEvaluation
from kpixa.evaluations.services.evaluation import decide_consequence, enter_leader_assessment, evaluate_period
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.evaluations.services.policy import set_joint_policy
from kpixa.evaluations.tests.conftest import score
from kpixa.units.models import Person, PostKind, Tenure


def _enter_all(period_code: str, actor: Any, general: int = 28, dd: int = 95, e: int = 95) -> None:
    for le in LeaderEvaluation.objects.filter(period__code=period_code):
        enter_leader_assessment(
            le, actor, general=Decimal(general), organising=Decimal(dd), uniting=Decimal(e)
        )


def _leader(world: Any, commune: Any, post: str, period: str = "2025-H2") -> LeaderEvaluation:
    return LeaderEvaluation.objects.get(commune=commune, post=post, period__code=period)


def test_it_classifies_communes_by_the_bands(world: Any, test_kpi: Any, leaders: Any) -> None:
    score(world, "2025-H2", {world.commune: 92, world.sibling: 75, world.third: 40})
    evaluate_period("test_kpi", "2025-H2", "52")
    classes = dict(CommuneEvaluation.objects.values_list("commune__code", "classification"))
    assert classes == {"23872": "xuat_sac", "23869": "tot", "21553": "khong_hoan_thanh"}


def test_it_rates_a_leader_through_the_whole_chain(world: Any, test_kpi: Any, leaders: Any) -> None:
    admin = world.users["province_admin"]
    score(world, "2025-H2", {world.commune: 72, world.sibling: 75, world.third: 60})
    evaluate_period("test_kpi", "2025-H2", "52", admin)
    le = _leader(world, world.commune, PostKind.SECRETARY)
    assert le.d_unit_result == Decimal("72.00")  # d is the commune's total
    enter_leader_assessment(
        le,
        admin,
        general=Decimal(30),
        organising=Decimal(100),
        uniting=Decimal(100),
        quantity=Decimal(100),
        quality=Decimal(100),
        timeliness=Decimal(100),
    )
    le.refresh_from_db()
    # 30 + (100 + 100 + 100 + 72 + 100 + 100) / 6 × 70 = 30 + 66.73 = 96.73 → excellent by points ...
    assert le.total == Decimal("96.73")
    assert le.result_points == Decimal("66.73")
    assert le.points_classification == "xuat_sac"
    # ... but never above the commune's class ("tốt").
    assert (le.classification, le.capped_by_unit) == ("tot", True)
    assert AuditEntry.objects.filter(action="evaluations.enter_leader_assessment").count() == 1


def test_it_derives_default_abc_from_the_commune_result(world: Any, test_kpi: Any, leaders: Any) -> None:
    score(world, "2025-H2", {world.commune: 81, world.sibling: 75, world.third: 60})
    evaluate_period("test_kpi", "2025-H2", "52")
    le = _leader(world, world.commune, PostKind.CHAIRMAN)
    # a = share of indicators meeting target (both met) = 100; b = total; c = total (no dvc766 score).
    assert (le.a_quantity, le.b_quality, le.c_timeliness) == (
        Decimal(100),
        Decimal("81.00"),
        Decimal("81.00"),
    )
    assert le.total is None and le.classification == ""  # not rated until đ, e and general are entered


def test_it_applies_the_excellent_quota_with_the_tie_break(world: Any, test_kpi: Any, leaders: Any) -> None:
    admin = world.users["province_admin"]
    # Xã Ia Dom and Xã Ia Nan are both "xã": 4 leaders rated good or better → 20% = 0 allowed... so
    # add more xã communes to make the quota bite at one.
    from kpixa.units.models import Commune, CommuneKind

    extra = [
        Commune.objects.create(
            code=f"9990{i}", name=f"Xã Thử {i}", kind=CommuneKind.XA, province=world.province
        )
        for i in range(1, 4)
    ]
    totals = {world.commune: 95, world.sibling: 95, **dict.fromkeys(extra, 80)}
    score(world, "2025-H2", {**totals, world.third: 60})
    for commune in [world.commune, world.sibling]:
        for post in (PostKind.SECRETARY, PostKind.CHAIRMAN):
            person = Person.objects.get(full_name=f"{post} {commune.name}")
            assert person.tenures.exists()
    evaluate_period("test_kpi", "2025-H2", "52", admin)
    _enter_all("2025-H2", admin, general=30, dd=100, e=100)
    evaluate_period("test_kpi", "2025-H2", "52", admin)
    xa = LeaderEvaluation.objects.filter(commune__kind="xa", period__code="2025-H2")
    # 4 leaders in the "xã" group all excellent by points; floor(20% × 4) = 0 may stay excellent.
    assert sorted(xa.values_list("quota_outcome", flat=True)) == ["demoted"] * 4
    assert set(xa.values_list("classification", flat=True)) == {"tot"}


def test_it_keeps_the_best_by_tie_break_within_the_quota(world: Any, test_kpi: Any) -> None:
    from kpixa.units.models import Commune, CommuneKind

    communes = [
        Commune.objects.create(
            code=f"9980{i}", name=f"Xã Q {i}", kind=CommuneKind.XA, province=world.province
        )
        for i in range(5)
    ]
    for commune in communes:
        person = Person.objects.create(full_name=f"Bí thư {commune.code}")
        Tenure.objects.create(commune=commune, post=PostKind.SECRETARY, person=person, start=date(2024, 1, 1))
    # Five equal totals; 20% of 5 = 1 stays excellent: the tie-break (then the commune code) decides.
    score(world, "2025-H2", dict.fromkeys(communes, 95))
    admin = world.users["province_admin"]
    evaluate_period("test_kpi", "2025-H2", "52", admin)
    _enter_all("2025-H2", admin, general=30, dd=100, e=100)
    evaluate_period("test_kpi", "2025-H2", "52", admin)
    kept = LeaderEvaluation.objects.filter(quota_outcome="kept").values_list("commune__code", flat=True)
    assert list(kept) == ["99800"]
    assert LeaderEvaluation.objects.filter(quota_outcome="demoted").count() == 4


def joint_policy(world: Any, period_kind: str = "half") -> None:
    """The province's joint-departure policy, with its citation and a threshold of 50."""
    set_joint_policy(
        world.province,
        enabled=True,
        citation="Kết luận 01-KL/TU",
        period_kind=period_kind,
        below_total=Decimal(50),
        actor=world.users["province_admin"],
    )


def test_it_proposes_both_leaders_when_the_commune_fails(world: Any, test_kpi: Any, leaders: Any) -> None:
    joint_policy(world)
    score(world, "2025-H2", {world.commune: 40, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")
    proposals = Consequence.objects.filter(commune=world.commune)
    kinds = sorted(proposals.values_list("kind", "post"))
    assert kinds == [("transfer_or_relief", "chairman"), ("transfer_or_relief", "secretary"), ("warning", "")]
    assert not Consequence.objects.exclude(commune=world.commune).exists()
    assert "cùng lên đường" in proposals.filter(kind="transfer_or_relief").first().reason_vi  # type: ignore[union-attr]


def test_joint_departure_needs_the_provinces_threshold_and_acts_on_its_period(
    world: Any, test_kpi: Any, leaders: Any
) -> None:
    score(world, "2025-H2", {world.commune: 40, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")  # the framework's 50 alone proposes nothing
    assert list(Consequence.objects.values_list("kind", flat=True)) == ["warning"]
    joint_policy(world, period_kind="year")
    evaluate_period("test_kpi", "2025-H2", "52")  # a half-year is not the policy's year
    assert list(Consequence.objects.values_list("kind", flat=True)) == ["warning"]
    with pytest.raises(EvaluationError, match="ngưỡng"):
        set_joint_policy(world.province, enabled=True, citation="", period_kind="year", below_total=None)


def test_it_lets_a_province_turn_joint_departure_off(world: Any, test_kpi: Any, leaders: Any) -> None:
    set_joint_policy(
        world.province,
        enabled=False,
        citation="",
        period_kind="year",
        below_total=None,
        actor=world.users["province_admin"],
    )
    score(world, "2025-H2", {world.commune: 40, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")
    assert list(Consequence.objects.values_list("kind", flat=True)) == ["warning"]


def test_it_proposes_dismissal_after_two_failed_years(world: Any, test_kpi: Any, leaders: Any) -> None:
    admin = world.users["province_admin"]
    for year in ("2024", "2025"):
        score(world, year, {world.commune: 40, world.sibling: 75, world.third: 75})
        evaluate_period("test_kpi", year, "52", admin)
        _enter_all(year, admin, general=10, dd=20, e=20)
        evaluate_period("test_kpi", year, "52", admin)
    dismissals = Consequence.objects.filter(kind="dismissal", period__code="2025")
    assert sorted(dismissals.values_list("post", flat=True)) == ["chairman", "secretary"]
    assert not Consequence.objects.filter(kind="dismissal", period__code="2024").exists()


def test_it_proposes_reg377_relief_when_a_basic_target_is_missed(
    world: Any, test_kpi: Any, leaders: Any
) -> None:
    score(world, "2025", {world.commune: 75, world.sibling: 75, world.third: 75}, budget=60)
    evaluate_period("test_kpi", "2025", "52")
    relief = Consequence.objects.filter(kind="reg377_relief", commune=world.commune)
    assert sorted(relief.values_list("post", flat=True)) == ["chairman", "secretary"]
    assert "thu ngân sách" in relief.first().reason_vi  # type: ignore[union-attr]


def test_it_records_decisions_once_and_audits_them(world: Any, test_kpi: Any, leaders: Any) -> None:
    score(world, "2025-H2", {world.commune: 40, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")
    proposal = Consequence.objects.filter(kind="warning").get()
    admin = world.users["province_admin"]
    decide_consequence(proposal, admin, accept=True, note="Đồng ý")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", admin)
    with pytest.raises(EvaluationError):
        decide_consequence(proposal, admin, accept=False)
    evaluate_period("test_kpi", "2025-H2", "52")  # re-running keeps the decision
    assert Consequence.objects.get(pk=proposal.pk).status == "accepted"
    assert AuditEntry.objects.filter(action="evaluations.decide_consequence").count() == 1


def test_it_judges_a_mid_period_change_by_tenure(world: Any, test_kpi: Any, leaders: Any) -> None:
    old = leaders[(world.commune.code, PostKind.CHAIRMAN)]
    old.end = date(2025, 8, 31)
    old.save()
    joint_policy(world)
    newcomer = Person.objects.create(full_name="Chủ tịch mới")
    Tenure.objects.create(
        commune=world.commune, post=PostKind.CHAIRMAN, person=newcomer, start=date(2025, 9, 1)
    )
    score(world, "2025-H2", {world.commune: 40, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")
    chairs = LeaderEvaluation.objects.filter(commune=world.commune, post=PostKind.CHAIRMAN)
    judged = dict(chairs.values_list("person__full_name", "judged"))
    assert judged == {old.person.full_name: False, "Chủ tịch mới": True}
    relieved = Consequence.objects.filter(kind="transfer_or_relief", post=PostKind.CHAIRMAN).get()
    assert relieved.person == newcomer


def test_it_refuses_to_evaluate_a_closed_period(world: Any, test_kpi: Any, leaders: Any) -> None:
    score(world, "2025-H2", {world.commune: 40})
    summary = evaluate_period("test_kpi", "2025-H2", "52")
    summary.period.state = "closed"
    summary.period.save()
    with pytest.raises(EvaluationError):
        evaluate_period("test_kpi", "2025-H2", "52")
