"""The evaluation chain, step by step: commune result → d → leader score → cap → quota → proposals.

Set-based: each step reads what it needs for the whole province in a fixed number of queries.
Called by ``services.evaluation.evaluate_period`` inside its transaction (which writes the audit
entry), and by ``services.appeals.uphold_appeal`` for a revision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kpixa.evaluations import owner_citations
from kpixa.evaluations.models import (
    CommuneEvaluation,
    Consequence,
    ConsequenceKind,
    ConsequenceStatus,
    EvaluationInput,
    InputKind,
    LeaderEvaluation,
    Period,
    ProvincePolicy,
    QuotaOutcome,
)
from kpixa.evaluations.reasons import reason_shown
from kpixa.evaluations.services import inputs as evaluation_inputs
from kpixa.evaluations.snapshots import find_unit
from kpixa.frameworks.models import FrameworkVersion
from kpixa.frameworks.services import framework_in_force
from kpixa.reporting.queries import reported_values
from kpixa.rules import leaders as law
from kpixa.rules import tenure as tenure_rule
from kpixa.scoring.engine import evaluation as ev
from kpixa.scoring.engine.classification import CollectiveFacts, classify, tasks_explanation
from kpixa.scoring.engine.core import DAT
from kpixa.scoring.engine.model import DEFAULT_BANDS, EvaluationRules, Framework
from kpixa.scoring.engine.numbers import HUNDRED, round2
from kpixa.scoring.engine.periods import YEAR, PeriodSpan
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Commune, PostKind, Province, Tenure

# The indicator that feeds the quota's tie-break (on-time rate) and its late count.
PROGRESS_FRAMEWORK, PROGRESS_INDICATOR = "dvc766", "2.1"
# The leader framework used when a province has no ProvincePolicy row (leader-nd335.yaml).
DEFAULT_LEADER_FRAMEWORK = "leader_nd335"
# The reporting app's per-commune counts that define the collective's tasks (docs/scoring.md).
TASKS_REQUIRED, TASKS_ON_TIME = "reported.values_required", "reported.values_on_time"
# Which reported measure stands for each of Regulation 377's five basic targets.
BASIC_TARGET_MEASURES = {
    "growth_rate": "reported.growth_rate",
    "budget_revenue": "reported.budget_revenue",
    "public_investment_disbursement": "reported.public_investment_disbursed",
    "income_per_capita": "reported.income_per_capita",
    "poverty_reduction": "reported.poor_households_reduced",
}
KIND_OF_PROPOSAL = {
    ev.WARNING: (ConsequenceKind.WARNING, "failed_period_warning"),
    ev.TRANSFER_OR_RELIEF: (ConsequenceKind.TRANSFER_OR_RELIEF, "joint_departure"),
    ev.DISMISSAL: (ConsequenceKind.DISMISSAL, "consecutive_failed_years"),
    ev.RELIEF_377: (ConsequenceKind.REG377_RELIEF, "reg377"),
}
# (commune id, person id or None, consequence kind, rule code)
ProposalKey = tuple[int, int | None, str, str]
LEADER_RESULT_FIELDS = [
    "a_quantity",
    "b_quality",
    "c_timeliness",
    "d_unit_result",
    "result_points",
    "total",
    "points_classification",
    "classification",
    "capped_by_unit",
    "days_served",
    "served_share",
    "judged",
    "quota_outcome",
    "explanation_vi",
    "explanation_en",
    "evaluated_at",
]


@dataclass
class CommuneFacts:
    """What the chain knows about one commune for the period."""

    commune_id: int
    code: str
    kind: str
    total: Decimal | None
    class_code: str
    statuses: dict[str, str]
    on_time_rate: Decimal | None = None
    late_count: int = 0
    basic_targets_met: dict[str, bool] | None = None
    points_class: str = ""
    quota_group: str = ""
    tasks: CollectiveFacts | None = None
    collective_reasons: tuple[str, ...] = ()
    explanation: str = ""
    explanation_en: str = ""
    # The indicators cited with their owner on the period's end date (``owner_citations``).
    owners: list[dict[str, Any]] = dataclass_field(default_factory=list)

    @property
    def completed_percent(self) -> Decimal | None:
        """Share of the scored indicators that reached their target (task completion), 2 dp."""
        scored = [s for s in self.statuses.values() if s in (DAT, "chua_dat")]
        if not scored:
            return None
        return round2(Decimal(sum(1 for s in scored if s == DAT)) / Decimal(len(scored)) * HUNDRED)


def in_both(build: Callable[[], str]) -> tuple[str, str]:
    """(Vietnamese, English) of a text built from the catalogue: ``build`` run under each language."""
    with translation.override("vi"):
        vi = build()
    with translation.override("en"):
        en = build()
    return vi, en


# --- commune facts and classes -------------------------------------------------------------


def policy_of(province_id: int) -> ProvincePolicy:
    """The province's policy row, or an unsaved one with the defaults (1 query)."""
    return ProvincePolicy.objects.filter(province_id=province_id).first() or ProvincePolicy(
        province_id=province_id
    )


def commune_facts(
    version: FrameworkVersion, period: PeriodSpan, province: Province, quota_groups: Sequence[str] = ()
) -> dict[int, CommuneFacts]:
    """Return the facts of every scored commune of the province, its class after the collective
    rules, its quota group and the indicators it failed or lost most on with their owners
    (9 queries; 10 with ``quota_groups``)."""
    units = UnitScore.objects.filter(
        framework_version=version, period_code=period.code, commune__province=province
    ).select_related("commune")
    facts = {
        u.commune_id: CommuneFacts(
            u.commune_id, u.commune.code, u.commune.kind, u.total, u.classification, {}
        )
        for u in units
    }
    rows = IndicatorScore.objects.filter(
        framework_version=version, period_code=period.code, commune_id__in=list(facts)
    ).values_list("commune_id", "indicator_code", "status", "points", "max_points")
    scores: dict[int, list[owner_citations.ScoreLine]] = defaultdict(list)
    for commune_id, code, status, points, max_points in rows:
        facts[commune_id].statuses[code] = status
        scores[commune_id].append(owner_citations.ScoreLine(code, status, points, max_points))
    _add_progress(facts, period)
    _add_basic_targets(facts, framework_of(version))
    _add_quota_groups(facts, quota_groups)
    _apply_collective_rules(facts, period, framework_of(version))
    _add_owners(facts, version, province, scores, period)
    return facts


def _add_owners(
    facts: dict[int, CommuneFacts],
    version: FrameworkVersion,
    province: Province,
    scores: Mapping[int, Sequence[owner_citations.ScoreLine]],
    period: PeriodSpan,
) -> None:
    """Cite each commune's failed (or most costly) indicators with their owner on the period's
    end date, in the explanation in both languages (2 queries)."""
    top = [cid for cid, fact in facts.items() if fact.class_code == owner_citations.TOP_CLASS]
    cited = owner_citations.citations(version, province.pk, scores, period.end, top)
    for commune_id, items in cited.items():
        fact = facts[commune_id]
        fact.owners = items
        vi, en = in_both(partial(owner_citations.summary, items))
        fact.explanation = "; ".join(p for p in (fact.explanation, vi) if p)
        fact.explanation_en = "; ".join(p for p in (fact.explanation_en, en) if p)


def _add_quota_groups(facts: dict[int, CommuneFacts], quota_groups: Sequence[str]) -> None:
    """Each commune's quota group: the first of ``quota_groups`` (priority order) it belongs to,
    else its kind."""
    for fact in facts.values():
        fact.quota_group = f"loai:{fact.kind}"
    if not quota_groups:
        return
    priority = {code: position for position, code in enumerate(quota_groups)}
    rows = Commune.peer_groups.through.objects.filter(
        commune_id__in=list(facts), peergroup__code__in=list(priority)
    ).values_list("commune_id", "peergroup__code")
    best: dict[int, str] = {}
    for commune_id, code in rows:
        if commune_id not in best or priority[code] < priority[best[commune_id]]:
            best[commune_id] = code
    for commune_id, code in best.items():
        facts[commune_id].quota_group = f"nhom:{code}"


def tasks_of(values: Mapping[str, Decimal]) -> CollectiveFacts | None:
    """The collective's tasks from the reporting counts: every required reported value is a task,
    late unless first submitted by the deadline (missing counts as late); None when none is required."""
    required = int(values.get(TASKS_REQUIRED, 0))
    if required <= 0:
        return None
    return CollectiveFacts(required, required - int(values.get(TASKS_ON_TIME, 0)))


def collective_class(
    framework: Framework, total: Decimal | None, tasks: CollectiveFacts | None
) -> tuple[str, tuple[str, ...], str]:
    """(class code, reasons the rules changed it, explanation) of a commune's total and tasks."""
    result = classify(framework.classification or DEFAULT_BANDS, total, tasks, framework.collective)
    if result is None:
        return "", (), ""
    return result.code, result.reasons, "; ".join((tasks_explanation(tasks), *result.reasons))


def _apply_collective_rules(facts: dict[int, CommuneFacts], period: PeriodSpan, framework: Framework) -> None:
    values = reported_values(list(facts), period.code)
    for fact in facts.values():
        fact.points_class = fact.class_code
        fact.tasks = tasks_of(values.get(fact.commune_id, {}))
        code, fact.collective_reasons, fact.explanation = collective_class(framework, fact.total, fact.tasks)
        with translation.override("en"):
            fact.explanation_en = collective_class(framework, fact.total, fact.tasks)[2]
        fact.class_code = code or fact.class_code


def _add_progress(facts: dict[int, CommuneFacts], period: PeriodSpan) -> None:
    rows = IndicatorScore.objects.filter(
        framework_version__code=PROGRESS_FRAMEWORK,
        indicator_code=PROGRESS_INDICATOR,
        period_code=period.code,
        commune_id__in=list(facts),
    ).values_list("commune_id", "rate", "numerator", "denominator")
    for commune_id, rate, numerator, denominator in rows:
        facts[commune_id].on_time_rate = rate
        if numerator is not None and denominator is not None:
            facts[commune_id].late_count = int(denominator - numerator)


def _add_basic_targets(facts: dict[int, CommuneFacts], framework: Framework) -> None:
    codes: dict[str, str] = {}
    for indicator in framework.indicators():
        names = indicator.numerator.names if indicator.numerator else frozenset()
        for target, measure in BASIC_TARGET_MEASURES.items():
            if measure in names:
                codes[target] = indicator.code
    for fact in facts.values():
        known = {t: fact.statuses.get(c) for t, c in codes.items()}
        fact.basic_targets_met = {t: s == DAT for t, s in known.items() if s in (DAT, "chua_dat")}


def store_commune_evaluations(
    row: Period, version: FrameworkVersion, facts: Mapping[int, CommuneFacts]
) -> list[CommuneEvaluation]:
    """Upsert one CommuneEvaluation per scored commune: the class by the file's bands (90/70/50),
    then the collective rules on its tasks (excellent needs every task on time; more than 20% late
    means "không hoàn thành"); ``collective_rules`` holds the reasons of the rules that applied."""
    now = timezone.now()
    rows = [
        CommuneEvaluation(
            period=row,
            commune_id=f.commune_id,
            framework_version=version,
            total=f.total,
            points_classification=f.points_class,
            classification=f.class_code,
            collective_rules=list(f.collective_reasons),
            tasks_total=f.tasks.tasks_total if f.tasks else None,
            tasks_late=f.tasks.tasks_late if f.tasks else None,
            explanation_vi=f.explanation,
            explanation_en=f.explanation_en,
            evaluated_at=now,
        )
        for f in facts.values()
    ]
    CommuneEvaluation.objects.filter(period=row).exclude(commune_id__in=list(facts)).delete()
    CommuneEvaluation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["period", "commune"],
        update_fields=[
            "framework_version",
            "total",
            "points_classification",
            "classification",
            "collective_rules",
            "tasks_total",
            "tasks_late",
            "explanation_vi",
            "explanation_en",
            "evaluated_at",
        ],
    )
    return rows


# --- leaders -------------------------------------------------------------------------------


def rate_leaders(
    row: Period,
    period: PeriodSpan,
    facts: Mapping[int, CommuneFacts],
    tenures: Mapping[int, list[Tenure]],
    formula: ev.LeaderFormula,
) -> list[LeaderEvaluation]:
    """Return one LeaderEvaluation per accountable tenure meeting the period, rated where the
    authority's entries exist (saved rows; results set in memory, saved by the caller)."""
    existing = {le.tenure_id: le for le in LeaderEvaluation.objects.filter(period=row)}
    wanted = [(t, facts[cid]) for cid, items in tenures.items() if cid in facts for t in items]
    LeaderEvaluation.objects.filter(period=row).exclude(tenure_id__in=[t.pk for t, _f in wanted]).delete()
    fresh = [_new_leader(row, t) for t, _f in wanted if t.pk not in existing]
    for le in LeaderEvaluation.objects.bulk_create(fresh):
        existing[le.tenure_id] = le
    entered = evaluation_inputs.facts_for(row, list(facts))
    leaders = []
    for tenure, fact in wanted:
        le = existing[tenure.pk]
        _fill_leader(le, tenure, fact, period)
        _apply_inputs(le, tenure, entered.get(tenure.commune_id), row.end)
        _rate(le, formula)
        _apply_overrides(le)
        leaders.append(le)
    return leaders


def _apply_inputs(
    le: LeaderEvaluation, tenure: Tenure, entered: evaluation_inputs.Facts | None, period_end: date
) -> None:
    """Where the law's inputs were entered (docs/rules.md, "Evaluation of communes and leaders"),
    they replace kpixa's defaults: a, b, c from the tasks (−25% per major error and per delay)
    unless the leader's form gave them; d = 100% or 50% from the number of civil servants under
    the leader rated "không hoàn thành"; general points, đ and e when the form gave none. The
    automatic "không hoàn thành" cases are kept for ``_apply_overrides``."""
    le._overrides = []  # type: ignore[attr-defined]
    le._d_from_total = True  # type: ignore[attr-defined]
    if entered is None:
        return
    given = evaluation_inputs.leader_inputs(entered, tenure.post, tenure.person_id)
    le._d_from_total = given.subordinates_not_completed is None  # type: ignore[attr-defined]
    if given.tasks is not None and given.tasks.assigned > 0 and not le.abc_entered:
        a, b, c = law.task_criteria(given.tasks)
        le.a_quantity, le.b_quality, le.c_timeliness = a.value, b.value, c.value
    if given.subordinates_not_completed is not None:
        le.d_unit_result = law.unit_result(given.subordinates_not_completed).value
    if le.general_points is None:
        le.general_points = given.general
    if le.dd_organising is None:
        le.dd_organising = given.organising
    if le.e_uniting is None:
        le.e_uniting = given.uniting
    regime = law.ND335 if tenure.post == PostKind.CHAIRMAN else law.QD366
    le._overrides = law.overrides(given, period_end, regime)  # type: ignore[attr-defined]


D_FALLBACK_VI = gettext_noop(
    "d lấy tạm từ tổng điểm của xã vì chưa có dữ liệu xếp loại công chức "
    "(Nghị định 335/2025/NĐ-CP tính d = 100% hoặc 50% theo xếp loại công chức thuộc quyền; "
    "đánh giá theo văn bản không chấm điểm khi thiếu dữ liệu này)"
)
NOT_JUDGED_VI = gettext_noop("Giữ chức dưới một nửa thời gian của kỳ: không đánh giá trong kỳ này")


def _add_explanation(le: LeaderEvaluation, vi: str, en: str) -> None:
    """Append a part to the leader's explanation in both languages ("; " between parts)."""
    le.explanation_vi = "; ".join(p for p in (le.explanation_vi, vi) if p)
    le.explanation_en = "; ".join(p for p in (le.explanation_en, en) if p)


def _note_d_fallback(le: LeaderEvaluation) -> None:
    """A rating whose d is the commune's total says so: that is the earlier rules' fallback, used
    only while no civil-servant ratings were entered (docs/rules.md, "Evaluation of communes and
    leaders"); a revision of a published snapshot sets d to the corrected total, so it says so too."""
    if getattr(le, "_d_from_total", True):
        _add_explanation(le, *in_both(lambda: _(D_FALLBACK_VI)))


def _apply_overrides(le: LeaderEvaluation) -> None:
    """A judged leader with an automatic "không hoàn thành" case is rated so, with its reasons."""
    reasons = getattr(le, "_overrides", [])
    if not reasons or not le.judged:
        return
    le.classification = ev.FAILED
    # The rules' reasons are Vietnamese sentences with their article; English shows them as they are.
    text = "; ".join(str(r) for r in reasons)
    _add_explanation(le, text, text)


def _new_leader(row: Period, tenure: Tenure) -> LeaderEvaluation:
    return LeaderEvaluation(
        period=row, commune_id=tenure.commune_id, tenure=tenure, person_id=tenure.person_id, post=tenure.post
    )


def _fill_leader(le: LeaderEvaluation, tenure: Tenure, fact: CommuneFacts, period: PeriodSpan) -> None:
    """Set d from the commune's result, the default a, b, c, and the share of the period served."""
    le.days_served = tenure_rule.days_served(tenure.start, tenure.end, period.start, period.end)
    le.served_share = tenure_rule.served_share(le.days_served, period.days)
    le.judged = tenure_rule.is_judged(le.served_share)
    le.d_unit_result = fact.total
    if not le.abc_entered:
        le.a_quantity, le.b_quality, le.c_timeliness = default_abc(fact)
    le.evaluated_at = timezone.now()
    le._commune_class = fact.class_code  # type: ignore[attr-defined]


def default_abc(fact: CommuneFacts) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """Defaults of a, b, c when the authority entered none (documented in docs/scoring.md):
    a = share of the commune's scored indicators that met their target, b = the commune's total,
    c = its on-time rate (dvc766 2.1), else its total."""
    total = fact.total
    timeliness = round2(fact.on_time_rate) if fact.on_time_rate is not None else total
    return fact.completed_percent if fact.completed_percent is not None else total, total, timeliness


def leader_formula_for(
    version: FrameworkVersion, row: Period, policy: ProvincePolicy | None = None
) -> ev.LeaderFormula:
    """The formula leaders of ``row`` are rated by when the commune framework ``version`` is evaluated.

    The version in force on the period's last day of the province's leader framework
    (``ProvincePolicy.leader_framework_code``, default ``leader_nd335``) gives it when its d reads
    this commune framework's total; otherwise the engine's formula with the commune framework's
    ``evaluation:`` parameters. Raises ``ev.LeaderFormulaError`` for a leader file of another shape.
    """
    framework = framework_of(version)
    policy = policy or policy_of(row.province_id)
    code = policy.leader_framework_code
    leader_version = framework_in_force(code, row.end) if code else None
    if leader_version is not None:
        formula = ev.leader_formula(framework_of(leader_version))
        if formula.unit_framework == version.code:
            return formula
    return ev.builtin_formula(framework.evaluation, framework.classification or DEFAULT_BANDS)


def _rate(le: LeaderEvaluation, formula: ev.LeaderFormula) -> None:
    commune_class = getattr(le, "_commune_class", "")
    inputs = [le.general_points, le.a_quantity, le.b_quality, le.c_timeliness, le.dd_organising, le.e_uniting]
    le.quota_outcome = QuotaOutcome.NOT_APPLICABLE
    if not le.judged or le.d_unit_result is None or not commune_class or any(v is None for v in inputs):
        _clear_rating(le)
        return
    general, a, b, c, dd, e = (Decimal(v) for v in inputs)  # type: ignore[arg-type]
    criteria = ev.LeaderCriteria(general, a, b, c, dd, e)
    with translation.override("vi"):
        rating = ev.rate_leader(criteria, le.d_unit_result, commune_class, formula=formula)
    with translation.override("en"):
        english = ev.rate_leader(criteria, le.d_unit_result, commune_class, formula=formula).explanation
    le.total = rating.score
    le.result_points = rating.score - min(general, formula.general_max)
    le.points_classification = rating.uncapped.code
    le.classification = rating.classification.code
    le.capped_by_unit = rating.capped
    le.explanation_vi, le.explanation_en = rating.explanation, english
    _note_d_fallback(le)


def _clear_rating(le: LeaderEvaluation) -> None:
    le.total = le.result_points = None
    le.points_classification = le.classification = ""
    le.capped_by_unit = False
    le.explanation_vi, le.explanation_en = ("", "") if le.judged else in_both(lambda: _(NOT_JUDGED_VI))


def apply_quota(
    leaders: Iterable[LeaderEvaluation], facts: Mapping[int, CommuneFacts], rules: EvaluationRules
) -> None:
    """Keep at most the quota (20%) of each peer group's good-or-better leaders excellent.

    The group is each commune's quota group (``CommuneFacts.quota_group``: its first peer group by
    the province's ``quota_peer_groups`` priority, else its kind) within the province. Tie-break
    (engine ``quota_order_key``): higher score, then higher on-time rate of the commune (dvc766
    2.1), then fewer late dossiers, then the commune code and post.
    """
    rated = {
        f"{facts[le.commune_id].code}:{le.post}:{le.tenure_id}": le for le in leaders if le.total is not None
    }
    candidates = [
        ev.QuotaCandidate(
            code=key,
            peer_group=facts[le.commune_id].quota_group,
            total=le.total or Decimal(0),
            class_code=le.classification,
            on_time_rate=facts[le.commune_id].on_time_rate,
            late_count=facts[le.commune_id].late_count,
        )
        for key, le in rated.items()
    ]
    with translation.override("en"):
        english = {
            d.code: d.reason for d in ev.apply_excellent_quota(candidates, rules.excellent_quota_percent)
        }
    for decision in ev.apply_excellent_quota(candidates, rules.excellent_quota_percent):
        _apply_decision(rated[decision.code], decision, english.get(decision.code, decision.reason))


def _apply_decision(le: LeaderEvaluation, decision: ev.QuotaDecision, reason_en: str) -> None:
    if decision.lowered:
        le.classification = decision.class_code
        le.quota_outcome = QuotaOutcome.DEMOTED
        _add_explanation(le, decision.reason, reason_en)
    elif decision.class_code == ev.EXCELLENT:
        le.quota_outcome = QuotaOutcome.KEPT


# --- consequences --------------------------------------------------------------------------


def _yearly_classes(row: Period, leaders: list[LeaderEvaluation]) -> dict[int, dict[int, str]]:
    """Each judged person's classes in year periods of the province: {person id: {year: class}}."""
    persons = {le.person_id for le in leaders if le.judged}
    rows = LeaderEvaluation.objects.filter(
        person_id__in=persons, period__kind=YEAR, period__province_id=row.province_id, judged=True
    ).exclude(classification="")
    result: dict[int, dict[int, str]] = defaultdict(dict)
    for person_id, start, classification in rows.values_list("person_id", "period__start", "classification"):
        result[person_id][start.year] = classification
    return result


def _outcome(
    row: Period,
    period: PeriodSpan,
    fact: CommuneFacts,
    mine: list[LeaderEvaluation],
    yearly: Mapping[int, dict[int, str]],
) -> ev.CommuneOutcome:
    is_year = period.kind == YEAR
    return ev.CommuneOutcome(
        period_label=period.label_vi,
        total=fact.total,
        class_code=fact.class_code,
        leader_yearly_classes={le.post: yearly.get(le.person_id, {}) for le in mine if le.judged},
        targets_met_percent=fact.completed_percent if is_year else None,
        basic_targets_met=fact.basic_targets_met if is_year else None,
    )


def _subjects(subject: str, mine: list[LeaderEvaluation]) -> list[tuple[int | None, str]]:
    """The (person id, post) pairs a proposal about ``subject`` concerns."""
    if subject == "commune":
        return [(None, "")]
    judged: list[tuple[int | None, str]] = [
        (le.person_id, le.post) for le in mine if le.post == subject and le.judged
    ]
    return judged or [(None, subject)]


def propose(
    row: Period,
    period: PeriodSpan,
    facts: Mapping[int, CommuneFacts],
    leaders: list[LeaderEvaluation],
    rules: EvaluationRules,
) -> int:
    """Store every proposal the rules make (decided ones are kept as decided); return how many
    proposals stand for the period. Undecided proposals no longer made are withdrawn (deleted)."""
    yearly = _yearly_classes(row, leaders)
    by_commune: dict[int, list[LeaderEvaluation]] = defaultdict(list)
    for le in leaders:
        by_commune[le.commune_id].append(le)
    wanted: dict[ProposalKey, tuple[str, str]] = {}
    for commune_id, fact in facts.items():
        outcome = _outcome(row, period, fact, by_commune[commune_id], yearly)
        for proposal in ev.propose_consequences(outcome, rules):
            kind, rule = KIND_OF_PROPOSAL[proposal.kind]
            for person_id, post in _subjects(proposal.subject, by_commune[commune_id]):
                wanted[(commune_id, person_id, kind, rule)] = (proposal.reason, post)
    owners = {commune_id: fact.owners for commune_id, fact in facts.items()}
    return _store_proposals(row, wanted, owners)


def _store_proposals(
    row: Period, wanted: dict[ProposalKey, tuple[str, str]], owners: Mapping[int, list[dict[str, Any]]]
) -> int:
    """Create the new proposals, each citing its commune's indicators and their owners; undecided
    ones still made get the current citations; undecided ones no longer made are withdrawn."""
    existing = {
        (c.commune_id, c.person_id, c.kind, c.rule_code): c for c in Consequence.objects.filter(period=row)
    }
    stale = [
        c.pk for key, c in existing.items() if key not in wanted and c.status == ConsequenceStatus.PROPOSED
    ]
    Consequence.objects.filter(pk__in=stale).delete()
    refreshed = []
    for key, c in existing.items():
        cited = owners.get(key[0], [])
        if key in wanted and c.status == ConsequenceStatus.PROPOSED and c.indicator_owners != cited:
            c.indicator_owners = cited
            refreshed.append(c)
    Consequence.objects.bulk_update(refreshed, ["indicator_owners"])
    now = timezone.now()
    fresh = [
        Consequence(
            period=row,
            commune_id=key[0],
            person_id=key[1],
            post=post,
            kind=key[2],
            rule_code=key[3],
            reason_vi=reason,
            indicator_owners=owners.get(key[0], []),
            proposed_at=now,
        )
        for key, (reason, post) in wanted.items()
        if key not in existing
    ]
    Consequence.objects.bulk_create(fresh)
    _notify_proposals(row, fresh)
    return len(wanted)


def _notify_proposals(row: Period, fresh: list[Consequence]) -> None:
    """Tell each commune's leaders and the province admins about new proposals (one notice a commune)."""
    from kpixa.accounts.notifications import notify_consequence_proposed

    by_commune: dict[int, list[Consequence]] = defaultdict(list)
    for consequence in fresh:
        by_commune[consequence.commune_id].append(consequence)
    for commune_id, items in by_commune.items():
        messages = {}
        for language in ("vi", "en"):  # stored in both: each user reads it in the language chosen
            with translation.override(language):
                lines = "; ".join(f"{c.get_kind_display()}: {reason_shown(c.reason_vi)}" for c in items)
                messages[language] = _("Đề xuất xử lý kỳ %(period)s: %(lines)s") % {
                    "period": row.code,
                    "lines": lines,
                }
        notify_consequence_proposed(commune_id, row.province_id, messages["vi"], "", messages["en"])


# --- the authority's entries ---------------------------------------------------------------


def assessment_snapshot(le: LeaderEvaluation) -> dict[str, Any]:
    """The entered values and the result, for the audit log."""
    fields = ["general_points", "a_quantity", "b_quality", "c_timeliness", "dd_organising", "e_uniting"]
    return {f: getattr(le, f) for f in [*fields, "total", "classification"]}


def set_assessment(
    le: LeaderEvaluation,
    general: Decimal,
    organising: Decimal,
    uniting: Decimal,
    abc: tuple[Decimal | None, Decimal | None, Decimal | None],
) -> None:
    """Set the entered values (validated to their ranges: general 0–30, criteria 0–100 %)."""
    from kpixa.evaluations.forms import check_assessment

    check_assessment(general, organising, uniting, abc)
    le.general_points, le.dd_organising, le.e_uniting = general, organising, uniting
    if all(v is not None for v in abc):
        le.a_quantity, le.b_quality, le.c_timeliness = abc
        le.abc_entered = True


def rerate_one(le: LeaderEvaluation) -> None:
    """Re-rate one leader from the stored commune result (the quota waits for the next evaluation)."""
    commune = CommuneEvaluation.objects.filter(period_id=le.period_id, commune_id=le.commune_id).first()
    if commune is None:
        return
    le._commune_class = commune.classification  # type: ignore[attr-defined]
    le._d_from_total = not EvaluationInput.objects.filter(  # type: ignore[attr-defined]
        period_id=le.period_id,
        commune_id=le.commune_id,
        post=le.post,
        person_id=le.person_id,
        kind=InputKind.SUBORDINATES_NOT_COMPLETED,
    ).exists()
    _rate(le, leader_formula_for(commune.framework_version, le.period))


# --- revisions of a published snapshot -----------------------------------------------------


def revise_evaluations(
    row: Period, content: dict[str, Any], commune_code: str, framework_code: str
) -> list[dict[str, Any]]:
    """After an upheld appeal corrected ``commune_code``'s total of ``framework_code`` in ``content``,
    recompute that commune's evaluation (class by the bands, then the collective rules on its stored
    tasks) and its leaders' ratings (d = the corrected total, capped by the corrected class) in
    ``content``; return the changes. Nothing changes when the period was evaluated by another
    framework. The quota is not re-run: a leader newly excellent by points keeps "tốt" unless the
    published quota kept him or her excellent (the allowance was shared out at publication)."""
    evaluation = (
        CommuneEvaluation.objects.filter(period=row, commune__code=commune_code)
        .select_related("framework_version", "commune")
        .first()
    )
    if evaluation is None or evaluation.framework_version.code != framework_code:
        return []
    unit = find_unit(content, framework_code, commune_code) or {}
    total = None if unit.get("total") is None else Decimal(unit["total"])
    tasks = (
        CollectiveFacts(evaluation.tasks_total, evaluation.tasks_late or 0)
        if evaluation.tasks_total
        else None
    )
    class_code, _reasons, _text = collective_class(framework_of(evaluation.framework_version), total, tasks)
    changes = _revise_entry(
        [e for e in content["commune_evaluations"] if e["commune"] == commune_code][:1],
        (framework_code, commune_code, "evaluation."),
        {"total": None if total is None else str(total), "classification": class_code},
    )
    formula = leader_formula_for(evaluation.framework_version, row)
    return changes + _revise_leaders(row, evaluation, content, total, class_code, formula)


def _revise_leaders(
    row: Period,
    evaluation: CommuneEvaluation,
    content: dict[str, Any],
    total: Decimal | None,
    class_code: str,
    formula: ev.LeaderFormula,
) -> list[dict[str, Any]]:
    code = evaluation.commune.code
    entries = [e for e in content["leader_evaluations"] if e["commune"] == code]
    leaders = LeaderEvaluation.objects.filter(period=row, commune=evaluation.commune).order_by(
        "post", "tenure_id"
    )
    changes: list[dict[str, Any]] = []
    for entry, le in zip(entries, leaders, strict=False):
        kept = le.quota_outcome == QuotaOutcome.KEPT
        le.d_unit_result, le._commune_class = total, class_code  # type: ignore[attr-defined]
        _rate(le, formula)
        if le.classification == ev.EXCELLENT and not kept:
            le.classification = ev.GOOD
        after = {"total": None if le.total is None else str(le.total), "classification": le.classification}
        where = (evaluation.framework_version.code, code, f"leader.{le.post}.{le.person_id}.")
        changes += _revise_entry([entry], where, after)
    return changes


def _revise_entry(
    entries: list[dict[str, Any]], where: tuple[str, str, str], after: dict[str, Any]
) -> list[dict[str, Any]]:
    """Set ``after``'s fields on the (one) entry; return a change per field that changed."""
    framework, commune, prefix = where
    changes = []
    for entry in entries:
        for field, value in after.items():
            if entry.get(field) != value:
                changes.append(
                    {
                        "commune": commune,
                        "framework": framework,
                        "field": f"{prefix}{field}",
                        "before": entry.get(field),
                        "after": value,
                    }
                )
                entry[field] = value
    return changes
