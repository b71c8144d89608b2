"""Pure evaluation rules: Decree 335 leader scores, the head-not-above-unit cap, the 20% excellent
quota (its counting rule in ``kpixa.rules.quota``), and proposed consequences (docs/rules.md,
"Leaders" to "Consequences").

The platform proposes; people decide. Every function returns its reasons in Vietnamese.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpixa.rules.consequences import BASIC_TARGETS
from kpixa.rules.quota import DEFAULT_QUOTA_PERCENT, QuotaCandidate, excellent_allowance, quota_order_key
from kpixa.scoring.engine.classification import (
    EXCELLENT,
    FAILED,
    GOOD,
    Classification,
    band_for,
    band_rank,
    classify,
)
from kpixa.scoring.engine.expr import Expression
from kpixa.scoring.engine.i18n import _
from kpixa.scoring.engine.model import DEFAULT_BANDS, ClassBand, EvaluationRules, Form, Framework
from kpixa.scoring.engine.numbers import HUNDRED, ZERO, clamp, fmt2, fmt_number, round2

SECRETARY, CHAIRMAN = "secretary", "chairman"
WARNING, TRANSFER_OR_RELIEF, DISMISSAL, RELIEF_377 = (
    "warning",
    "transfer_or_relief",
    "dismissal",
    "relief_reg377",
)


# --- Decree 335 leader score -------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderCriteria:
    """A leader's inputs: general points (0..30) and criteria a, b, c, đ, e in percent (0..100).

    d is not here: it is the commune's result, passed separately.
    """

    general: Decimal
    a: Decimal
    b: Decimal
    c: Decimal
    dd: Decimal
    e: Decimal


@dataclass(frozen=True)
class LeaderRating:
    """A leader's score, class (after the cap) and the class before the cap, with an explanation."""

    score: Decimal
    classification: Classification
    uncapped: Classification
    capped: bool
    explanation: str


CRITERIA = ("a", "b", "c", "d", "dd", "e")
UNIT_TOTAL_PREFIX, UNIT_TOTAL_SUFFIX = "framework.", ".total"


class LeaderFormulaError(ValueError):
    """A leader framework whose shape is not the Decree 335 formula (message in Vietnamese)."""


@dataclass(frozen=True)
class LeaderFormula:
    """The Decree 335 leader formula's parameters: general points 0..general_max, results points
    0..results_max from the six criteria (a, b, c, d, đ, e), the head-not-above-unit cap and the bands.

    ``points`` is the results expression over the criteria as fractions (0..1) when the formula
    comes from a leader framework file; None means the built-in mean × results_max.
    ``unit_framework`` is the commune framework whose total is d (from the file's d rate).
    """

    general_max: Decimal
    results_max: Decimal
    capped_by_unit: bool
    bands: tuple[ClassBand, ...] = DEFAULT_BANDS
    points: Expression | None = None
    unit_framework: str = ""
    source: str = ""


def builtin_formula(
    rules: EvaluationRules | None = None, bands: tuple[ClassBand, ...] = DEFAULT_BANDS
) -> LeaderFormula:
    """The formula as the engine knows it, with a commune framework's ``evaluation:`` parameters."""
    rules = rules or EvaluationRules()
    return LeaderFormula(
        rules.leader_general_max, rules.leader_results_max, rules.leader_capped_by_unit, bands
    )


def leader_formula(framework: Framework) -> LeaderFormula:
    """Read the formula from a leader framework (e.g. ``leader-nd335.yaml``).

    Expected shape: two groups — the general criteria (its max = general_max) and the results,
    holding one ``composite`` indicator whose rates are exactly a, b, c, d, dd, e (d reading
    ``framework.<code>.total``) and whose max = results_max. Raises LeaderFormulaError otherwise.
    """
    if len(framework.groups) != 2 or len(framework.groups[1].indicators) != 1:
        raise LeaderFormulaError(_("bộ chỉ số lãnh đạo phải có 2 nhóm: tiêu chí chung và một chỉ số kết quả"))
    general, results = framework.groups
    indicator = results.indicators[0]
    rates = {r.name: r for r in indicator.scoring.rates}
    if (
        indicator.scoring.form != Form.COMPOSITE
        or set(rates) != set(CRITERIA)
        or indicator.scoring.points is None
    ):
        raise LeaderFormulaError(_("chỉ số kết quả phải là công thức composite theo a, b, c, d, dd, e"))
    return LeaderFormula(
        general_max=general.max_points,
        results_max=indicator.max_points,
        capped_by_unit=framework.evaluation.leader_capped_by_unit,
        bands=framework.classification,
        points=indicator.scoring.points,
        unit_framework=_unit_framework(rates["d"].numerator),
        source=f"{framework.code} {framework.version}",
    )


def _unit_framework(numerator: Expression) -> str:
    name = next(iter(numerator.names), "") if numerator.is_single_name else ""
    if not (name.startswith(UNIT_TOTAL_PREFIX) and name.endswith(UNIT_TOTAL_SUFFIX)):
        raise LeaderFormulaError(_("tiêu chí d phải đọc tổng điểm của xã: framework.<mã>.total"))
    return name[len(UNIT_TOTAL_PREFIX) : -len(UNIT_TOTAL_SUFFIX)]


def _results(criteria: LeaderCriteria, commune_total: Decimal, formula: LeaderFormula) -> Decimal:
    parts = [criteria.a, criteria.b, criteria.c, commune_total, criteria.dd, criteria.e]
    clamped = [clamp(p, ZERO, HUNDRED) for p in parts]
    if formula.points is None:
        return sum(clamped, ZERO) / 6 / HUNDRED * formula.results_max
    value = formula.points.evaluate({n: p / HUNDRED for n, p in zip(CRITERIA, clamped, strict=True)})
    return clamp(value if value is not None else ZERO, ZERO, formula.results_max)


def leader_score(
    criteria: LeaderCriteria,
    commune_total: Decimal,
    rules: EvaluationRules | None = None,
    formula: LeaderFormula | None = None,
) -> Decimal:
    """Return general + (a + b + c + d + đ + e) / 6 × 70 with d = the commune's total (0..100), 2 dp.

    With ``formula`` the maxima and the results expression come from it (a leader framework).
    """
    formula = formula or builtin_formula(rules)
    general = clamp(criteria.general, ZERO, formula.general_max)
    return round2(general + _results(criteria, commune_total, formula))


def rate_leader(
    criteria: LeaderCriteria,
    commune_total: Decimal,
    commune_class: str,
    bands: tuple[ClassBand, ...] = DEFAULT_BANDS,
    rules: EvaluationRules | None = None,
    formula: LeaderFormula | None = None,
) -> LeaderRating:
    """Score and classify a leader; the class is lowered to the commune's when it would be higher."""
    formula = formula or builtin_formula(rules, bands)
    bands = formula.bands
    score = leader_score(criteria, commune_total, formula=formula)
    uncapped = classify(bands, score)
    assert uncapped is not None
    explanation = _explain(criteria, commune_total, score, formula)
    if formula.capped_by_unit and band_rank(bands, uncapped.code) < band_rank(bands, commune_class):
        band = next(b for b in bands if b.code == commune_class)
        reason = _("không xếp loại cao hơn đơn vị mình phụ trách ({label})").format(label=band.label.vi)
        capped = Classification(band.code, band.label.vi, (reason,))
        return LeaderRating(score, capped, uncapped, True, f"{explanation}; {reason}")
    return LeaderRating(score, uncapped, uncapped, False, explanation)


def _explain(criteria: LeaderCriteria, commune_total: Decimal, score: Decimal, formula: LeaderFormula) -> str:
    message = _("{g} điểm chung + ({a} + {b} + {c} + {d} + {dd} + {e})/6 × {results_max}% = {score} điểm")
    text = message.format(
        g=fmt2(criteria.general),
        results_max=fmt_number(formula.results_max),
        a=fmt2(criteria.a),
        b=fmt2(criteria.b),
        c=fmt2(criteria.c),
        d=fmt2(commune_total),
        dd=fmt2(criteria.dd),
        e=fmt2(criteria.e),
        score=fmt2(score),
    )
    if formula.points is None:
        return text
    return _("{text} (công thức của bộ chỉ số {source}: {points})").format(
        text=text, source=formula.source, points=formula.points.source
    )


# --- Excellent quota ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaDecision:
    """The class after the quota and, when it was lowered, why."""

    code: str
    class_code: str
    lowered: bool
    reason: str = ""


def apply_excellent_quota(
    candidates: Iterable[QuotaCandidate], percent: Decimal = DEFAULT_QUOTA_PERCENT
) -> list[QuotaDecision]:
    """Keep at most ``percent`` % of each peer group's good-or-better as excellent; lower the rest to good."""
    by_group: dict[str, list[QuotaCandidate]] = defaultdict(list)
    for candidate in candidates:
        by_group[candidate.peer_group].append(candidate)
    decisions: list[QuotaDecision] = []
    for group in sorted(by_group):
        decisions.extend(_quota_in_group(by_group[group], percent))
    return decisions


def _quota_in_group(members: list[QuotaCandidate], percent: Decimal) -> list[QuotaDecision]:
    allowed = excellent_allowance(members, percent)
    excellent = sorted((c for c in members if c.class_code == EXCELLENT), key=quota_order_key)
    kept = {c.code for c in excellent[:allowed]}
    out = []
    for position, c in enumerate(excellent, start=1):
        if c.code in kept:
            out.append(QuotaDecision(c.code, EXCELLENT, False))
        else:
            reason = _("vượt hạn mức {p}% xuất sắc trong nhóm (xếp thứ {n}, hạn mức {k})").format(
                p=fmt2(percent), n=position, k=allowed
            )
            out.append(QuotaDecision(c.code, GOOD, True, reason))
    out.extend(QuotaDecision(c.code, c.class_code, False) for c in members if c.class_code != EXCELLENT)
    return out


# --- Consequences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A proposed consequence: kind, whom it concerns (commune, secretary, chairman) and why."""

    kind: str
    subject: str
    reason: str


def warning_proposals(period_label: str, class_code: str, rules: EvaluationRules) -> list[Proposal]:
    """A warning to the commune after a period rated "không hoàn thành"."""
    if not rules.warning_after_failed_period or class_code != FAILED:
        return []
    reason = _("{period}: xã không hoàn thành nhiệm vụ → đề xuất nhắc nhở, cảnh báo").format(
        period=period_label
    )
    return [Proposal(WARNING, "commune", reason)]


def joint_departure_proposals(
    period_label: str, total: Decimal | None, rules: EvaluationRules
) -> list[Proposal]:
    """Both accountable leaders proposed for transfer or relief when the commune is below the threshold."""
    if not rules.joint_departure_enabled or total is None or total >= rules.joint_departure_below_total:
        return []
    reason = _(
        "{period}: xã đạt {total} điểm, dưới ngưỡng {limit} → đề xuất điều chuyển hoặc cho thôi giữ chức "
        "cả Bí thư và Chủ tịch (cùng lên đường)"
    ).format(period=period_label, total=fmt2(total), limit=fmt2(rules.joint_departure_below_total))
    return [Proposal(TRANSFER_OR_RELIEF, SECRETARY, reason), Proposal(TRANSFER_OR_RELIEF, CHAIRMAN, reason)]


def dismissal_proposals(
    subject: str, yearly_classes: Mapping[int, str], rules: EvaluationRules
) -> list[Proposal]:
    """Dismissal after N consecutive years (2 by default) "không hoàn thành", ending with the latest."""
    if not yearly_classes:
        return []
    latest = max(yearly_classes)
    years = list(range(latest - rules.dismissal_after_failed_years + 1, latest + 1))
    if not all(yearly_classes.get(y) == FAILED for y in years):
        return []
    reason = _(
        "{n} năm liên tiếp ({years}) không hoàn thành nhiệm vụ → đề xuất miễn nhiệm/cho thôi việc"
    ).format(n=len(years), years=", ".join(str(y) for y in years))
    return [Proposal(DISMISSAL, subject, reason)]


def reg377_proposals(
    targets_met_percent: Decimal | None, basic_targets_met: Mapping[str, bool], rules: EvaluationRules
) -> list[Proposal]:
    """Regulation 377: relief of the head when < 70% of yearly targets are met or a basic target is missed."""
    reasons = []
    if targets_met_percent is not None and targets_met_percent < rules.reg377_min_targets_percent:
        reasons.append(
            _("hoàn thành {p}% chỉ tiêu năm, dưới {limit}%").format(
                p=fmt2(targets_met_percent), limit=fmt2(rules.reg377_min_targets_percent)
            )
        )
    missed = [t for t in rules.reg377_basic_targets if basic_targets_met.get(t) is False]
    if missed:
        names = ", ".join(BASIC_TARGETS.get(t, t) for t in missed)
        reasons.append(_("không đạt chỉ tiêu cơ bản: {names}").format(names=names))
    if not reasons:
        return []
    reason = _("Quy định 377-QĐ/TW: {why} → đề xuất xem xét cho thôi giữ chức người đứng đầu").format(
        why="; ".join(reasons)
    )
    return [Proposal(RELIEF_377, SECRETARY, reason), Proposal(RELIEF_377, CHAIRMAN, reason)]


@dataclass(frozen=True)
class CommuneOutcome:
    """What the consequence rules look at for one commune."""

    period_label: str
    total: Decimal | None
    class_code: str
    leader_yearly_classes: Mapping[str, Mapping[int, str]]
    targets_met_percent: Decimal | None = None
    basic_targets_met: Mapping[str, bool] | None = None


def propose_consequences(outcome: CommuneOutcome, rules: EvaluationRules | None = None) -> list[Proposal]:
    """Return every proposal the rules make for ``outcome``, each with its reason."""
    rules = rules or EvaluationRules()
    proposals = warning_proposals(outcome.period_label, outcome.class_code, rules)
    proposals += joint_departure_proposals(outcome.period_label, outcome.total, rules)
    for subject in sorted(outcome.leader_yearly_classes):
        proposals += dismissal_proposals(subject, outcome.leader_yearly_classes[subject], rules)
    proposals += reg377_proposals(outcome.targets_met_percent, outcome.basic_targets_met or {}, rules)
    return proposals


def commune_class(total: Decimal, bands: tuple[ClassBand, ...] = DEFAULT_BANDS) -> str:
    """Return the band code of ``total`` (a shortcut for callers that only need the code)."""
    return band_for(bands, total).code
