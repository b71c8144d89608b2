"""Communes and leaders evaluated as the texts state (docs/rules.md, "Evaluation of communes and
leaders"): the commune framework's totals and the entered inputs go through the pure rules
(``kpixa.rules.leaders``, ``quota335``, ``consequences``, ``tenure``), each post under the
regime its file names (``kpixa.rules.regime_files``). The result is stored once per period and
framework (``RegimeEvaluation``) in the shape ``export_evaluations`` writes.

As in the commune evaluation, the province's decision to leave sync-caused lateness out of the
period's consequences (``sync_relief.relief_for``, the one rule for both) changes only the facts
the proposals are made from, never the stored rating; and each commune cites its failed (or most
costly) indicators with their owner on the period's end date (``owner_citations``).

Set-based: the whole province in a fixed number of queries.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.evaluations import owner_citations, sync_relief
from kpixa.evaluations.models import (
    ConsequenceStatus,
    InputKind,
    Period,
    PeriodKind,
    ProvincePolicy,
    QuotaException,
    RegimeEvaluation,
    RegimeProposalDecision,
)
from kpixa.evaluations.services import chain, inputs
from kpixa.evaluations.services.periods import EvaluationError, open_period_row, scored_period
from kpixa.frameworks.models import FrameworkVersion
from kpixa.rules import citations as cite
from kpixa.rules import consequences as cons
from kpixa.rules import leaders as rules
from kpixa.rules import quota335
from kpixa.rules import tenure as tenure_rule
from kpixa.rules.citations import Reason
from kpixa.rules.quota import QuotaCandidate
from kpixa.rules.regime_files import regime_for
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.units.models import Commune, Province, Tenure
from kpixa.units.queries import accountable_leaders_over

KIND_TO_RULES: dict[str, str] = {"year": cons.YEAR, "quarter": cons.QUARTER, "month": cons.MONTH}


@dataclass
class LeaderResult:
    """One judged (or not judged) leader of a commune."""

    tenure: Tenure
    regime: str
    rating: rules.Rating
    judged: bool
    quota_reason: Reason | None = None
    consequences: list[cons.Consequence] = field(default_factory=list)

    @property
    def person_code(self) -> str:
        return self.tenure.person.external_id or f"id:{self.tenure.person_id}"


@dataclass
class CommuneResult:
    """One commune's rating, its leaders and the proposals about the commune itself."""

    commune: Commune
    rating: rules.Rating
    leaders: list[LeaderResult]
    consequences: list[cons.Consequence] = field(default_factory=list)
    # The rating the proposals are made from when the province left sync-caused lateness out of
    # the period's consequences and this commune had such dossiers (``rating`` is unchanged).
    consequence_rating: rules.Rating | None = None
    sync_late: int = 0
    sync_note: str = ""
    # The indicators it failed or lost most on, with their owner on the period's end date.
    owners: list[dict[str, Any]] = field(default_factory=list)

    @property
    def for_consequences(self) -> rules.Rating:
        return self.consequence_rating or self.rating


def joint_policy(policy: ProvincePolicy) -> cons.JointPolicy:
    """The province's joint-accountability policy as the pure rule reads it."""
    return cons.JointPolicy(
        enabled=policy.joint_departure is True,
        citation=policy.joint_departure_citation,
        period_kind=KIND_TO_RULES.get(policy.joint_departure_period, policy.joint_departure_period),
        below_total=policy.joint_departure_below_total,
    )


def evaluate(
    framework_code: str, period_code: str, province_code: str, actor: User | None = None
) -> RegimeEvaluation:
    """Evaluate the province's communes and leaders for the period from the framework's totals and
    the entered inputs; store and audit the result (re-running replaces it; a closed period is
    refused)."""
    province, period, version = scored_period(framework_code, period_code, province_code, actor)
    with transaction.atomic(), translation.override("vi"):
        row = open_period_row(province, period)
        results, relief = evaluate_with_relief(row, period, version, province)
        content = {
            "framework": framework_code,
            "period": row.code,
            "sync_decision": relief.as_dict() if relief is not None else None,
            "communes": [as_json(r) for r in results],
        }
        stored, _created = RegimeEvaluation.objects.update_or_create(
            period=row,
            framework_code=framework_code,
            defaults={"content": content, "evaluated_by": actor, "evaluated_at": timezone.now()},
        )
        audit.record(
            "evaluations.evaluate_regimes",
            actor=actor,
            object_type="evaluations.RegimeEvaluation",
            object_id=stored.pk,
            province_code=province.code,
            after={"framework": framework_code, "period": row.code, "communes": len(results)},
        )
    return stored


def evaluate_rows(
    row: Period,
    period: PeriodSpan,
    version: FrameworkVersion,
    province: Province,
    totals: Mapping[str, Decimal | None] | None = None,
) -> list[CommuneResult]:
    """The results of every scored commune of the province (no writes); ``totals`` (by commune
    code) replace the stored totals, as an upheld appeal's revision corrects them."""
    return evaluate_with_relief(row, period, version, province, totals)[0]


def evaluate_with_relief(
    row: Period,
    period: PeriodSpan,
    version: FrameworkVersion,
    province: Province,
    totals: Mapping[str, Decimal | None] | None = None,
) -> tuple[list[CommuneResult], sync_relief.Relief | None]:
    """``evaluate_rows`` and the province's sync decision it applied to the proposals (None when
    the province made none for the period)."""
    units = list(
        UnitScore.objects.filter(
            framework_version=version, period_code=period.code, commune__province=province
        )
        .select_related("commune")
        .order_by("commune__code")
    )
    for unit in units:
        if totals and unit.commune.code in totals:
            unit.total = totals[unit.commune.code]
    facts = inputs.facts_for(row, [u.commune_id for u in units])
    tenures = accountable_leaders_over([u.commune_id for u in units], period.start, period.end)
    results = []
    for unit in units:
        commune_facts = facts.get(unit.commune_id) or inputs.Facts({}, {})
        results.append(_commune(row, period, unit, commune_facts, tenures.get(unit.commune_id, [])))
    relief = sync_relief.relief_for(version, period, province, [u.commune_id for u in units])
    if relief is not None:
        _apply_relief(results, facts, relief)
    _add_owners(results, version, province, period)
    policy = chain.policy_of(province.pk)
    _apply_quota(row, period, results, policy)
    _propose(row, results, facts, joint_policy(policy))
    return results, relief


def _apply_relief(
    results: list[CommuneResult], facts: Mapping[int, inputs.Facts], relief: sync_relief.Relief
) -> None:
    """The rating each commune's proposals are made from: its relieved total under the same rule."""
    for result in results:
        commune_id = result.commune.pk
        if commune_id not in relief.totals:
            continue
        commune = (facts.get(commune_id) or inputs.Facts({}, {})).commune
        disciplined = int(inputs._one(commune, InputKind.SUBORDINATES_DISCIPLINED) or 0)
        result.consequence_rating = rules.rate_commune(
            relief.totals[commune_id], inputs.tasks_of(commune), disciplined
        )
        result.sync_late = relief.sync_late[commune_id]
        result.sync_note = relief.note(commune_id)


def _add_owners(
    results: list[CommuneResult], version: FrameworkVersion, province: Province, period: PeriodSpan
) -> None:
    """Each commune's failed or most costly indicators with their owner on the period's end date
    (3 queries)."""
    by_id = {r.commune.pk: r for r in results}
    rows = IndicatorScore.objects.filter(
        framework_version=version, period_code=period.code, commune_id__in=list(by_id)
    ).values_list("commune_id", "indicator_code", "status", "points", "max_points")
    scores: dict[int, list[owner_citations.ScoreLine]] = defaultdict(list)
    for commune_id, code, status, points, max_points in rows:
        scores[commune_id].append(owner_citations.ScoreLine(code, status, points, max_points))
    top = [r.commune.pk for r in results if r.rating.classification == owner_citations.TOP_CLASS]
    for commune_id, items in owner_citations.citations(version, province.pk, scores, period.end, top).items():
        by_id[commune_id].owners = items


def _commune(
    row: Period, period: PeriodSpan, unit: UnitScore, facts: inputs.Facts, tenures: list[Tenure]
) -> CommuneResult:
    disciplined = int(inputs._one(facts.commune, InputKind.SUBORDINATES_DISCIPLINED) or 0)
    rating = rules.rate_commune(unit.total, inputs.tasks_of(facts.commune), disciplined)
    leaders = [_leader(row, period, t, facts) for t in tenures]
    return CommuneResult(unit.commune, rating, leaders)


def _leader(row: Period, period: PeriodSpan, tenure: Tenure, facts: inputs.Facts) -> LeaderResult:
    days = tenure_rule.days_served(tenure.start, tenure.end, period.start, period.end)
    judged = tenure_rule.is_judged(tenure_rule.served_share(days, period.days))
    regime_file = regime_for(tenure.post, row.end)
    if regime_file is None:
        reason = Reason("no_regime", cite.KPIXA, "không có văn bản đánh giá chức vụ này có hiệu lực trong kỳ")
        return LeaderResult(tenure, "", rules.Rating("", None, "", "", (), (reason,)), judged)
    if not judged:
        reason = Reason(
            "not_judged",
            "docs/rules.md (Leaders who changed during the period)",
            f"giữ chức {days}/{period.days} ngày, dưới một nửa kỳ: không đánh giá trong kỳ này",
        )
        return LeaderResult(
            tenure, regime_file.regime, rules.Rating(regime_file.regime, None, "", "", (), (reason,)), False
        )
    leader_inputs = inputs.leader_inputs(facts, tenure.post, tenure.person_id)
    rating = rules.rate_leader(regime_file.regime, leader_inputs, row.end)
    return LeaderResult(tenure, regime_file.regime, rating, True)


def _apply_quota(
    row: Period, period: PeriodSpan, results: list[CommuneResult], policy: ProvincePolicy
) -> None:
    """The 20% quota per post and quota group (the province's peer groups, else the commune's kind)."""
    groups = {
        r.commune.pk: chain.CommuneFacts(r.commune.pk, r.commune.code, r.commune.kind, r.rating.total, "", {})
        for r in results
    }
    chain._add_quota_groups(groups, policy.quota_peer_groups)
    chain._add_progress(groups, period)
    exceptions = dict(QuotaException.objects.filter(period=row).values_list("group", "decision"))
    by_key: dict[str, LeaderResult] = {}
    candidates = []
    for result in results:
        fact = groups[result.commune.pk]
        for leader in result.leaders:
            if leader.rating.total is None or not leader.judged:
                continue
            key = f"{result.commune.code}:{leader.tenure.post}:{leader.tenure.pk}"
            by_key[key] = leader
            group = f"{leader.tenure.post}:{fact.quota_group}"
            candidates.append(
                QuotaCandidate(
                    key,
                    group,
                    leader.rating.total,
                    leader.rating.classification,
                    fact.on_time_rate,
                    fact.late_count,
                )
            )
    group_exceptions = {
        c.peer_group: exceptions[c.peer_group.split(":", 1)[1]]
        for c in candidates
        if c.peer_group.split(":", 1)[1] in exceptions
    }
    for outcome in quota335.apply_quota(candidates, exceptions=group_exceptions):
        leader = by_key[outcome.code]
        leader.quota_reason = outcome.reason
        if outcome.lowered:
            leader.rating = _with_class(leader.rating, outcome.class_code)


def _with_class(rating: rules.Rating, class_code: str) -> rules.Rating:
    return rules.Rating(
        rating.regime, rating.total, rating.points_class, class_code, rating.criteria, rating.reasons
    )


def _propose(
    row: Period, results: list[CommuneResult], facts: Mapping[int, inputs.Facts], policy: cons.JointPolicy
) -> None:
    yearly = _yearly_classes(row, [leader for r in results for leader in r.leaders])
    kind = KIND_TO_RULES.get(row.kind, row.kind)
    for result in results:
        commune = facts.get(result.commune.pk) or inputs.Facts({}, {})
        leaders = [
            cons.LeaderFacts(
                post=inputs.post_code(leader.tenure.post),
                classification=leader.rating.classification,
                yearly_classes=_with_current(yearly.get(leader.person_code, {}), row, leader),
                in_post_since=leader.tenure.start,
                low_confidence_share=_number(
                    commune.leaders.get((leader.tenure.post, leader.tenure.person_id), {}),
                    InputKind.LOW_CONFIDENCE_SHARE,
                ),
            )
            for leader in result.leaders
            if leader.judged
        ]
        proposal_facts = cons.CommuneFacts(
            period_kind=kind,
            period_end=row.end,
            total=result.for_consequences.total,
            classification=result.for_consequences.classification,
            leaders=tuple(leaders),
            targets_percent=_number(commune.commune, InputKind.TARGETS_PERCENT),
            basic_targets_missed=tuple(
                i.value for i in commune.commune.get(InputKind.BASIC_TARGET_MISSED, [])
            ),
            slow_petitions=inputs._one(commune.commune, InputKind.SLOW_PETITIONS) == "1",
            security_hot_spot=inputs._one(commune.commune, InputKind.SECURITY_HOT_SPOT) == "1",
            force_majeure=inputs._one(commune.commune, InputKind.FORCE_MAJEURE) == "1",
        )
        by_post: dict[str, list[cons.Consequence]] = defaultdict(list)
        for consequence in cons.propose(proposal_facts, policy):
            by_post[consequence.post].append(consequence)
        result.consequences = by_post.get("", [])
        for leader in result.leaders:
            leader.consequences = (
                by_post.get(inputs.post_code(leader.tenure.post), []) if leader.judged else []
            )


def _number(items: Mapping[str, list[Any]], kind: str) -> Decimal | None:
    value = inputs._one(items, kind)
    return None if value is None else Decimal(value)


def _with_current(classes: dict[int, str], row: Period, leader: LeaderResult) -> dict[int, str]:
    if row.kind != PeriodKind.YEAR:
        return classes
    return {**classes, row.end.year: leader.rating.classification}


def _yearly_classes(row: Period, leaders: list[LeaderResult]) -> dict[str, dict[int, str]]:
    """Each person's stored classes in the province's earlier year periods: {person: {year: class}}."""
    wanted = {leader.person_code for leader in leaders}
    stored = RegimeEvaluation.objects.filter(
        period__province_id=row.province_id, period__kind=PeriodKind.YEAR, period__end__lt=row.start
    ).select_related("period")
    out: dict[str, dict[int, str]] = defaultdict(dict)
    for evaluation in stored:
        for commune in evaluation.content.get("communes", []):
            for leader in commune.get("leaders", []):
                if leader.get("person") in wanted and leader.get("classification"):
                    out[leader["person"]][evaluation.period.end.year] = leader["classification"]
    return out


# --- the exported shape -------------------------------------------------------------------------


def as_json(result: CommuneResult) -> dict[str, Any]:
    """``{unit_code, unit_name, total, classification, reasons, consequences, owners, sync_relief,
    leaders: [...]}``; ``sync_relief`` (None unless the province's sync decision changed the
    facts of this commune's proposals): ``{dossiers, total, classification, note}``."""
    relieved = result.consequence_rating
    return {
        "unit_code": result.commune.code,
        "unit_name": result.commune.name,
        "total": _text(result.rating.total),
        "classification": result.rating.classification,
        "reasons": [str(r) for r in result.rating.reasons],
        "consequences": [c.as_dict() for c in result.consequences],
        "owners": result.owners,
        "sync_relief": None
        if relieved is None
        else {
            "dossiers": result.sync_late,
            "total": _text(relieved.total),
            "classification": relieved.classification,
            "note": result.sync_note,
        },
        "leaders": [_leader_json(leader) for leader in result.leaders],
    }


def _leader_json(leader: LeaderResult) -> dict[str, Any]:
    reasons = [*leader.rating.reasons, *([leader.quota_reason] if leader.quota_reason else [])]
    return {
        "post": inputs.post_code(leader.tenure.post),
        "person": leader.person_code,
        "person_name": leader.tenure.person.full_name,
        "regime": leader.regime,
        "judged": leader.judged,
        "total": _text(leader.rating.total),
        "classification": leader.rating.classification,
        "criteria": [c.as_dict() for c in leader.rating.criteria],
        "reasons": [str(r) for r in reasons],
        "consequences": [c.as_dict() for c in leader.consequences],
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def stored(framework_code: str, period_code: str, province_code: str) -> RegimeEvaluation | None:
    """The stored evaluation of the province's period by the framework, or None (1 query)."""
    return (
        RegimeEvaluation.objects.filter(
            period__province__code=province_code, period__code=period_code, framework_code=framework_code
        )
        .select_related("period")
        .first()
    )


def record_quota_exception(
    row: Period, group: str, decision: str, *, actor: User | None = None
) -> QuotaException:
    """Record the decision excepting ``group`` (a peer group code or ``loai:<kind>``) of the period
    from the quota, audited."""
    if not decision.strip():
        raise EvaluationError(_("Cần số, ngày của quyết định."))
    with transaction.atomic():
        item, _created = QuotaException.objects.update_or_create(
            period=row,
            group=group,
            defaults={"decision": decision.strip(), "recorded_by": actor, "recorded_at": timezone.now()},
        )
        audit.record(
            "evaluations.quota_exception",
            actor=actor,
            object_type="evaluations.QuotaException",
            object_id=item.pk,
            province_code=row.province.code,
            after={"period": row.code, "group": group, "decision": item.decision},
        )
    return item


# --- proposals and the decisions people take on them ---------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """One proposal of a stored evaluation, as read from its content, with its decision if any."""

    key: str
    unit_code: str
    unit_name: str
    post: str
    person: str
    person_name: str
    kind: str
    rule: str
    article: str
    reason: str
    decision: RegimeProposalDecision | None
    # The commune's cited indicators with their owners (``owner_citations``), as stored.
    owners: tuple[dict[str, Any], ...] = ()

    @property
    def identity(self) -> dict[str, str]:
        return {
            "unit_code": self.unit_code,
            "post": self.post,
            "person": self.person,
            "kind": self.kind,
            "rule": self.rule,
        }


def proposal_key(unit_code: str, post: str, person: str, kind: str, rule: str) -> str:
    """A stable, URL-safe key of a proposal's identity (the same proposal keeps it across re-runs)."""
    raw = "|".join((unit_code, post, person, kind, rule))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def proposals(evaluation: RegimeEvaluation) -> list[Proposal]:
    """The evaluation's proposals (about communes and leaders) with their decisions (1 query, none
    when the decisions are prefetched)."""
    decisions = {d.key: d for d in evaluation.decisions.all()}
    found = []
    for commune in evaluation.content.get("communes", []):
        subjects = [("", "", "", commune.get("consequences", []))] + [
            (leader["post"], leader["person"], leader.get("person_name", ""), leader.get("consequences", []))
            for leader in commune.get("leaders", [])
        ]
        for post, person, name, items in subjects:
            for item in items:
                key = proposal_key(commune["unit_code"], post, person, item["kind"], item["rule"])
                found.append(
                    Proposal(
                        key,
                        commune["unit_code"],
                        commune.get("unit_name", ""),
                        post,
                        person,
                        name,
                        item["kind"],
                        item["rule"],
                        item.get("article", ""),
                        item["reason"],
                        decisions.get(key),
                        tuple(commune.get("owners", [])),
                    )
                )
    return found


def decide_proposal(
    evaluation: RegimeEvaluation, key: str, accept: bool, note: str = "", *, actor: User | None = None
) -> RegimeProposalDecision:
    """Record a person's decision (accept or reject, with a note) on a proposal of the evaluation,
    audited with the province; the evaluation's content is not touched. Final: deciding again, or
    deciding a proposal the evaluation no longer makes, raises EvaluationError."""
    with transaction.atomic():
        evaluation = (
            RegimeEvaluation.objects.select_for_update()
            .select_related("period__province")
            .get(pk=evaluation.pk)
        )
        proposal = next((p for p in proposals(evaluation) if p.key == key), None)
        if proposal is None:
            raise EvaluationError(_("Đánh giá này không còn đề xuất đó."))
        if proposal.decision is not None:
            raise EvaluationError(_("Đề xuất này đã được quyết định."))
        status = ConsequenceStatus.ACCEPTED if accept else ConsequenceStatus.REJECTED
        decision = RegimeProposalDecision.objects.create(
            evaluation=evaluation,
            key=key,
            identity={**proposal.identity, "reason": proposal.reason},
            status=status,
            note=note,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        audit.record(
            "evaluations.decide_regime_proposal",
            actor=actor,
            object_type="evaluations.RegimeProposalDecision",
            object_id=decision.pk,
            province_code=evaluation.period.province.code,
            before={"status": ConsequenceStatus.PROPOSED},
            after={
                "period": evaluation.period.code,
                "framework": evaluation.framework_code,
                **proposal.identity,
                "status": status,
                "note": note,
            },
            reason=note,
        )
    return decision
