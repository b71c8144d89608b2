"""Evaluating a period: commune classes, leader ratings (Decree 335), the 20% quota, consequences.

The platform proposes; people decide (``decide_consequence``). Every public function owns its
transaction and writes one audit entry. The steps of the chain are in ``services.chain``, the
province's policy in ``services.policy``, the period row in ``services.periods``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.evaluations import sync_relief
from kpixa.evaluations.models import (
    Consequence,
    ConsequenceStatus,
    LeaderEvaluation,
    Period,
    ProvincePolicy,
)
from kpixa.evaluations.services import chain
from kpixa.evaluations.services.periods import EvaluationError, open_period_row, scored_period
from kpixa.frameworks.models import FrameworkVersion
from kpixa.rules.consequences import JointPolicy
from kpixa.scoring.engine.evaluation import LeaderFormulaError
from kpixa.scoring.engine.model import EvaluationRules, Framework
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Province
from kpixa.units.queries import accountable_leaders_over


@dataclass(frozen=True)
class EvaluationSummary:
    """What ``evaluate_period`` did: counts of communes, leaders rated, proposals."""

    period: Period
    communes: int
    leaders: int
    leaders_rated: int
    proposals: int


def effective_rules(
    framework: Framework, province: Province, policy: ProvincePolicy | None = None, period_kind: str = ""
) -> EvaluationRules:
    """The framework's evaluation rules with the province's own choices applied on top.

    Joint departure ("cùng lên đường") is the province's own policy, not the framework's: it
    applies only when the province turned it on and set its citation and threshold, and only on
    periods of its kind (the year by default); the framework file's threshold is not used
    (docs/rules.md, "Evaluation of communes and leaders")."""
    policy = policy or chain.policy_of(province.pk)
    joint = JointPolicy(
        enabled=policy.joint_departure is True,
        citation=policy.joint_departure_citation,
        below_total=policy.joint_departure_below_total,
    )
    applies = joint.enabled and not joint.problems() and period_kind in ("", policy.joint_departure_period)
    rules = replace(framework.evaluation, joint_departure_enabled=applies)
    if joint.below_total is not None:
        rules = replace(rules, joint_departure_below_total=joint.below_total)
    return rules


def evaluate_period(
    framework_code: str, period_code: str, province_code: str, actor: User | None = None
) -> EvaluationSummary:
    """Classify the province's communes by the framework's stored scores for the period (computing
    them first when none are stored), rate their leaders, apply the excellent quota per peer group
    and propose consequences. Re-running replaces earlier results; decided proposals are kept."""
    province, period, version = scored_period(framework_code, period_code, province_code, actor)
    with transaction.atomic(), translation.override("vi"):
        row = open_period_row(province, period)
        summary = _evaluate(row, version, period, province)
        audit.record(
            "evaluations.evaluate_period",
            actor=actor,
            object_type="evaluations.Period",
            object_id=row.pk,
            province_code=province.code,
            after={
                "framework": str(version),
                "period": row.code,
                "communes": summary.communes,
                "leaders_rated": summary.leaders_rated,
                "proposals": summary.proposals,
            },
        )
    return summary


def _evaluate(
    row: Period, version: FrameworkVersion, period: PeriodSpan, province: Province
) -> EvaluationSummary:
    policy = chain.policy_of(province.pk)
    rules = effective_rules(framework_of(version), province, policy, period.kind)
    try:
        formula = chain.leader_formula_for(version, row, policy)
    except LeaderFormulaError as exc:
        raise EvaluationError(_("Bộ chỉ số lãnh đạo không dùng được: %(why)s") % {"why": exc}) from exc
    facts = chain.commune_facts(version, period, province, policy.quota_peer_groups)
    communes = chain.store_commune_evaluations(row, version, facts)
    tenures = accountable_leaders_over(list(facts), period.start, period.end)
    leaders = chain.rate_leaders(row, period, facts, tenures, formula)
    chain.apply_quota(leaders, facts, rules)
    LeaderEvaluation.objects.bulk_update(leaders, chain.LEADER_RESULT_FIELDS)
    # The province may leave sync-caused lateness out of the consequences, never out of the score.
    relieved = sync_relief.consequence_facts(version, period, province, facts)
    proposals = chain.propose(row, period, relieved, leaders, rules)
    rated = sum(1 for leader in leaders if leader.total is not None)
    return EvaluationSummary(row, len(communes), len(leaders), rated, proposals)


def enter_leader_assessment(
    evaluation: LeaderEvaluation,
    actor: User | None,
    *,
    general: Decimal,
    organising: Decimal,
    uniting: Decimal,
    quantity: Decimal | None = None,
    quality: Decimal | None = None,
    timeliness: Decimal | None = None,
) -> LeaderEvaluation:
    """Record what the evaluating authority enters for a leader — general points (0–30), đ, e and
    optionally a, b, c (percent) — and re-rate that leader. The excellent quota is applied again
    by the next ``evaluate_period`` of the province. Refused once the period is closed."""
    with transaction.atomic():
        evaluation = (
            LeaderEvaluation.objects.select_for_update().select_related("period").get(pk=evaluation.pk)
        )
        if evaluation.period.is_closed:
            raise EvaluationError(_("Kỳ %(period)s đã khóa.") % {"period": evaluation.period.code})
        before = chain.assessment_snapshot(evaluation)
        chain.set_assessment(evaluation, general, organising, uniting, (quantity, quality, timeliness))
        chain.rerate_one(evaluation)
        evaluation.save()
        audit.record(
            "evaluations.enter_leader_assessment",
            actor=actor,
            object_type="evaluations.LeaderEvaluation",
            object_id=evaluation.pk,
            province_code=evaluation.period.province.code,
            before=before,
            after=chain.assessment_snapshot(evaluation),
        )
    return evaluation


def decide_consequence(consequence: Consequence, actor: User, accept: bool, note: str = "") -> Consequence:
    """Record a person's decision on a proposed consequence (accept or reject, with a note).

    A decision is final: deciding again raises EvaluationError.
    """
    with transaction.atomic():
        consequence = (
            Consequence.objects.select_for_update().select_related("period__province").get(pk=consequence.pk)
        )
        if consequence.status != ConsequenceStatus.PROPOSED:
            raise EvaluationError(_("Đề xuất này đã được quyết định."))
        consequence.status = ConsequenceStatus.ACCEPTED if accept else ConsequenceStatus.REJECTED
        consequence.decided_by = actor
        consequence.decided_at = timezone.now()
        consequence.decision_note = note
        consequence.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            "evaluations.decide_consequence",
            actor=actor,
            object_type="evaluations.Consequence",
            object_id=consequence.pk,
            province_code=consequence.period.province.code,
            before={"status": ConsequenceStatus.PROPOSED},
            after={"status": consequence.status, "kind": consequence.kind, "note": note},
            reason=note,
        )
    return consequence
