"""Evaluating a period: commune classes, leader ratings (Decree 335), the 20% quota, consequences.

The platform proposes; people decide (``decide_consequence``). Every public function owns its
transaction and writes one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.evaluations import chain
from kpixa.evaluations.models import (
    Consequence,
    ConsequenceStatus,
    LeaderEvaluation,
    Period,
    PeriodKind,
    ProvincePolicy,
)
from kpixa.frameworks.models import FrameworkVersion
from kpixa.rules.consequences import JointPolicy
from kpixa.scoring.engine.evaluation import LeaderFormulaError
from kpixa.scoring.engine.model import EvaluationRules, Framework
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services import compute_scores
from kpixa.scoring.versions import ScoringError, framework_of, period_of, version_for
from kpixa.units.models import Province
from kpixa.units.queries import accountable_leaders_over


class EvaluationError(ScoringError):
    """An evaluation request that cannot be carried out (message in Vietnamese)."""


@dataclass(frozen=True)
class EvaluationSummary:
    """What ``evaluate_period`` did: counts of communes, leaders rated, proposals."""

    period: Period
    communes: int
    leaders: int
    leaders_rated: int
    proposals: int


def period_row(province: Province, period: PeriodSpan) -> Period:
    """Return the province's evaluation Period for ``period``, creating it open when missing."""
    row, _created = Period.objects.get_or_create(
        province=province,
        code=period.code,
        defaults={"kind": period.kind, "start": period.start, "end": period.end},
    )
    return row


def scored_period(
    framework_code: str, period_code: str, province_code: str, actor: User | None
) -> tuple[Province, PeriodSpan, FrameworkVersion]:
    """The province, period and framework version an evaluation reads, with the framework's scores
    computed first when none are stored (raises EvaluationError for an unknown province)."""
    province = Province.objects.filter(code=province_code).first()
    if province is None:
        raise EvaluationError(_("Không có tỉnh mã “%(code)s”.") % {"code": province_code})
    period = period_of(period_code)
    version = version_for(framework_code, period)
    if not UnitScore.objects.filter(framework_version=version, period_code=period.code).exists():
        compute_scores(framework_code, period.code, province_code, actor, triggered_by="evaluation")
    return province, period, version


def open_period_row(province: Province, period: PeriodSpan) -> Period:
    """``period_row``, refused when the period is closed: an evaluation is never re-run on a
    closed period (call inside the evaluation's transaction)."""
    row = period_row(province, period)
    if row.is_closed:
        raise EvaluationError(_("Kỳ %(period)s đã khóa: không đánh giá lại.") % {"period": row.code})
    return row


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


def set_joint_policy(
    province: Province,
    *,
    enabled: bool,
    citation: str,
    period_kind: str,
    below_total: Decimal | None,
    actor: User | None = None,
) -> ProvincePolicy:
    """Set the province's joint-departure policy: on or off, the text that states it, its period
    and its threshold (docs/rules.md, "Evaluation of communes and leaders"). Turning it on needs the
    citation and the threshold; audited with before and after."""
    citation = citation.strip()
    if enabled and (not citation or below_total is None):
        raise EvaluationError(_("Chính sách cùng lên đường cần văn bản của tỉnh và ngưỡng điểm."))
    if below_total is not None and not Decimal(0) <= below_total <= Decimal(100):
        raise EvaluationError(_("Ngưỡng điểm phải từ 0 đến 100."))
    if period_kind not in PeriodKind.values:
        raise EvaluationError(_("Loại kỳ không hợp lệ."))
    fields = {
        "joint_departure": enabled,
        "joint_departure_citation": citation,
        "joint_departure_period": period_kind,
        "joint_departure_below_total": below_total,
    }
    with transaction.atomic():
        policy, _created = ProvincePolicy.objects.get_or_create(province=province)
        before = {f: str(getattr(policy, f)) for f in fields}
        for name, value in fields.items():
            setattr(policy, name, value)
        policy.save(update_fields=list(fields))
        audit.record(
            "evaluations.province_policy",
            actor=actor,
            object_type="evaluations.ProvincePolicy",
            object_id=policy.pk,
            province_code=province.code,
            before=before,
            after={f: str(v) for f, v in fields.items()},
        )
    return policy


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
    proposals = chain.propose(row, period, facts, leaders, rules)
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


def set_joint_departure(
    province: Province, enabled: bool | None, actor: User | None = None
) -> ProvincePolicy:
    """Turn the province's "cùng lên đường" rule on or off (None: follow the framework)."""
    return _set_policy_field(province, "joint_departure", enabled, actor)


def _set_policy_field(province: Province, field: str, value: Any, actor: User | None) -> ProvincePolicy:
    """Set one field of the province's policy (created on first use), audited with before and after."""
    with transaction.atomic():
        policy, _created = ProvincePolicy.objects.get_or_create(province=province)
        before = getattr(policy, field)
        setattr(policy, field, value)
        policy.save(update_fields=[field])
        audit.record(
            "evaluations.province_policy",
            actor=actor,
            object_type="evaluations.ProvincePolicy",
            object_id=policy.pk,
            province_code=province.code,
            before={field: before},
            after={field: value},
        )
    return policy


def set_quota_peer_groups(province: Province, codes: list[str], actor: User | None = None) -> ProvincePolicy:
    """Set the peer groups the province counts its excellent quota in, in priority order (each
    commune's quota group is the first it belongs to; none: its kind). Unknown codes are refused."""
    from kpixa.units.models import PeerGroup

    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    unknown = sorted(
        set(codes) - set(PeerGroup.objects.filter(code__in=codes).values_list("code", flat=True))
    )
    if unknown:
        raise EvaluationError(_("Không có nhóm tương đồng: %(codes)s") % {"codes": ", ".join(unknown)})
    return _set_policy_field(province, "quota_peer_groups", codes, actor)
