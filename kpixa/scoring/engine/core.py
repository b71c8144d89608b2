"""Score units against a framework: per-indicator results, N/A policies, group totals, classes, ranks.

N/A policies (an indicator not applicable to the unit, or without data):
- ``full_marks``: the indicator counts with its maximum points;
- ``redistribute``: its points are spread over the indicators of its group that have data,
  in proportion to their maximum points (if none has data, it is excluded instead);
- ``exclude``: it leaves the framework and every counted indicator is scaled up so the total
  stays on the framework's scale (e.g. 100).
An indicator that reads a measure the data cannot know (a dossier measure given as None, e.g.
``dossiers.declared_received`` where no count was declared) is *not measurable*: whatever its
N/A policy, it is excluded as ``exclude`` does — never full marks, never a zero.
Each indicator keeps its points on the file's scale (as the portal shows them) and gets a
``contribution`` to the total after that scaling; both are rounded half up to 2 decimals and the
total is the sum of the rounded contributions, so the numbers shown always add up.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from kpixa.rules.ranking import competition_ranks
from kpixa.scoring.engine.classification import Classification, CollectiveFacts, classify
from kpixa.scoring.engine.export import indicator_row, json_number, unit_row
from kpixa.scoring.engine.forms import Raw, Writer, compute, meets
from kpixa.scoring.engine.i18n import can_switch, gettext_noop, in_language, memoized
from kpixa.scoring.engine.model import Framework, Indicator, NAPolicy
from kpixa.scoring.engine.numbers import CENT, ONE, ZERO, round2, to_decimal

DAT = "dat"
CHUA_DAT = "chua_dat"
KHONG_AP_DUNG = "khong_ap_dung"
KHONG_CO_DU_LIEU = "khong_co_du_lieu"
KHONG_DO_DUOC = "khong_do_duoc"
# Inputs whose None means "no data" rather than "cannot be measured": other frameworks' totals
# and reported values (absent = not reported).
NO_DATA_PREFIXES = ("framework.", "reported.")

Inputs = Mapping[str, float | int | Decimal | None]


@dataclass(frozen=True)
class UnitInfo:
    """The unit being scored: code, name, kind (xa, phuong, dac_khu, tinh) and peer groups."""

    code: str
    name: str
    kind: str
    peer_groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's outcome for one unit. ``rate`` is the exact percentage; ``points`` 2 dp.

    ``points`` / ``max_points`` are on the file's scale (the portal's 13.45 of 20);
    ``contribution`` / ``contribution_max`` are what the indicator adds to the total after N/A
    redistribution or exclusion (equal to points / max_points when nothing is N/A).
    ``portal_points`` is what the national portal would show (0 where we say no data).
    """

    code: str
    group: str
    name: str
    numerator: Decimal | None
    denominator: Decimal | None
    rate: Decimal | None
    rate_display: Decimal | None
    points: Decimal
    max_points: Decimal
    contribution: Decimal
    contribution_max: Decimal
    target: Decimal | None
    status: str
    portal_points: Decimal
    explanation: str
    # The explanation in English when the unit was scored ``bilingual`` (``explanation`` is
    # then Vietnamese); empty otherwise.
    explanation_en: str = ""


@dataclass(frozen=True)
class GroupResult:
    """A group's points and maximum: the sums of its indicators' contributions."""

    code: str
    name: str
    points: Decimal
    max_points: Decimal


@dataclass(frozen=True)
class UnitScore:
    """A unit's scorecard: indicators, groups, total (None when nothing could be scored), class, rank."""

    framework_code: str
    framework_version: str
    unit: UnitInfo
    indicators: tuple[IndicatorResult, ...]
    groups: tuple[GroupResult, ...]
    total: Decimal | None
    max_total: Decimal
    classification: Classification | None
    as_of: datetime | None = None
    rank: int | None = None
    notes: tuple[str, ...] = field(default=())

    def indicator(self, code: str) -> IndicatorResult:
        """Return the result of indicator ``code`` (KeyError when there is none)."""
        for result in self.indicators:
            if result.code == code:
                return result
        raise KeyError(code)

    def export(self) -> dict[str, Any]:
        """Return the documented export shape (``engine.export``), the same as the stored scores' JSON."""
        indicators = (_export_indicator(r) for r in self.indicators)
        code = self.classification.code if self.classification else None
        return unit_row(self.unit.code, self.unit.name, self.total, code, indicators)

    def to_dict(self) -> dict[str, Any]:
        """Return the export shape with the engine's detail: the rank and, per indicator, its
        contribution to the total, status and explanation."""
        data = self.export()
        data["rank"] = self.rank
        for row, result in zip(data["indicators"], self.indicators, strict=True):
            row["contribution"] = json_number(result.contribution)
            row["status"] = result.status
            row["explanation"] = result.explanation
        return data


def _export_indicator(r: IndicatorResult) -> dict[str, Any]:
    return indicator_row(r.code, r.numerator, r.denominator, r.rate_display, r.points, r.max_points)


class _Draft(NamedTuple):
    """An indicator before N/A scaling: its raw outcome, or why it has none (``_drafted``)."""

    indicator: Indicator
    target: Decimal | None
    raw: Raw | None
    status: str
    # Whether it counts in the total: scored on data, or full marks for N/A; never when unmeasurable.
    counted: bool

    @property
    def policy(self) -> NAPolicy:
        """The N/A policy applied: ``exclude`` for a measure that cannot be known."""
        return NAPolicy.EXCLUDE if self.status == KHONG_DO_DUOC else self.indicator.na_policy


def _drafted(indicator: Indicator, target: Decimal | None, raw: Raw | None, status: str) -> _Draft:
    counted = status != KHONG_DO_DUOC and (raw is not None or indicator.na_policy == NAPolicy.FULL_MARKS)
    return _Draft(indicator, target, raw, status, counted)


def _frozen[T](cls: type[T], **values: Any) -> T:
    """An instance of the frozen dataclass ``cls`` with ``values`` (every field), made without
    its ``__init__``: a frozen dataclass sets each field through ``object.__setattr__``, which made
    building ~17 results per unit a tenth of a run's time. Only for dataclasses with a ``__dict__``
    and no ``__post_init__``."""
    made = object.__new__(cls)
    made.__dict__.update(values)
    return made


def _env(inputs: Inputs) -> dict[str, Decimal | None]:
    return {k: v if v is None or type(v) is Decimal else to_decimal(v) for k, v in inputs.items()}


@dataclass(frozen=True)
class _Plan:
    """What scoring needs of a framework, worked out once per framework object (``_plan_of``):
    its indicators in file order, for each the measures whose None means it cannot be measured,
    and its maximum rounded as a contribution's (the maximum when nothing is rescaled)."""

    indicators: tuple[Indicator, ...]
    knowable: Mapping[str, tuple[str, ...]]
    max_points: Mapping[str, Decimal]

    @classmethod
    def of(cls, framework: Framework) -> _Plan:
        indicators = tuple(framework.indicators())
        knowable = {
            ind.code: tuple(sorted(n for n in ind.measure_names() if not n.startswith(NO_DATA_PREFIXES)))
            for ind in indicators
        }
        return cls(indicators, knowable, {ind.code: round2(ind.max_points) for ind in indicators})


# Plans by framework object (parsed frameworks are kept per process: kpixa.frameworks.parsed),
# each with a weak reference that drops it with its framework.
_plans: dict[int, tuple[weakref.ref[Framework], _Plan]] = {}


def _plan_of(framework: Framework) -> _Plan:
    key = id(framework)
    found = _plans.get(key)
    if found is not None and found[0]() is framework:
        return found[1]
    plan = _Plan.of(framework)

    def forget(ref: weakref.ref[Framework]) -> None:
        if _plans.get(key, (None,))[0] is ref:
            del _plans[key]

    _plans[key] = (weakref.ref(framework, forget), plan)
    return plan


def _draft(
    indicator: Indicator,
    unit: UnitInfo,
    env: Mapping[str, Decimal | None],
    targets: Mapping[str, Any],
    knowable: tuple[str, ...] | None = None,
) -> _Draft:
    override = targets.get(indicator.code)
    target = to_decimal(override) if override is not None else indicator.target
    if not indicator.applies_to.covers(unit.kind, unit.peer_groups):
        return _drafted(indicator, target, None, KHONG_AP_DUNG)
    raw = compute(indicator, env, target)
    if raw is None:
        status = KHONG_DO_DUOC if _unmeasurable(indicator, env, knowable) else KHONG_CO_DU_LIEU
        return _drafted(indicator, target, None, status)
    return _drafted(indicator, target, raw, _status(indicator, raw, target))


def _unmeasurable(
    indicator: Indicator, env: Mapping[str, Decimal | None], knowable: tuple[str, ...] | None = None
) -> bool:
    """True when a measure the indicator reads is given as None (known to be unknowable);
    ``knowable``: those measures, when the caller worked them out (``_Plan``)."""
    if knowable is None:
        knowable = tuple(n for n in indicator.measure_names() if not n.startswith(NO_DATA_PREFIXES))
    return any(name in env and env[name] is None for name in knowable)


def _status(indicator: Indicator, raw: Raw, target: Decimal | None) -> str:
    if target is not None:
        return DAT if meets(raw.rate, target, indicator.direction) else CHUA_DAT
    return DAT if raw.points >= indicator.max_points else CHUA_DAT


def _group_factors(framework: Framework, drafts: Sequence[_Draft]) -> tuple[dict[str, Decimal], Decimal]:
    """Return each group's redistribution factor and the max points that end up excluded."""
    kept: dict[str, Decimal] = dict.fromkeys((g.code for g in framework.groups), ZERO)
    spread, dropped = dict(kept), dict(kept)
    for d in drafts:
        ind = d.indicator
        if d.counted:
            kept[ind.group] += ind.max_points
        elif d.policy == NAPolicy.REDISTRIBUTE:
            spread[ind.group] += ind.max_points
        elif d.policy == NAPolicy.EXCLUDE:
            dropped[ind.group] += ind.max_points
    factors: dict[str, Decimal] = {}
    excluded = ZERO
    for code, k in kept.items():
        factors[code] = (k + spread[code]) / k if k and spread[code] else Decimal(1)
        excluded += dropped[code] + (spread[code] if not k else ZERO)
    return factors, excluded


def _factors(framework: Framework, drafts: Sequence[_Draft]) -> dict[str, Decimal]:
    """Return each indicator's scaling factor (0 for those left out of the total)."""
    group_factors, excluded = _group_factors(framework, drafts)
    remaining = framework.total_points - excluded
    overall = framework.total_points / remaining if remaining > 0 and excluded else Decimal(1)
    return {
        d.indicator.code: (
            group_factors[d.indicator.group] * overall if d.counted and remaining > 0 else ZERO
        )
        for d in drafts
    }


def _raw_points(draft: _Draft) -> Decimal:
    if draft.raw is not None:
        return draft.raw.points
    return draft.indicator.max_points if draft.counted else ZERO


def _contributions(
    drafts: Sequence[_Draft], factors: Mapping[str, Decimal], max_total: Decimal | None
) -> dict[str, Decimal]:
    """Return each indicator's contribution to the total, rounded half up to 2 decimals.

    Rescaling can make the rounded contributions add up to more than the maximum (100.01):
    then the cents in excess are taken back, one each, from the contributions that rounding
    raised the most (ties: the earlier indicator), so the total is their sum and never above
    the maximum. ``max_total`` None (a unit without a total) leaves them as rounded.
    """
    exact = {d.indicator.code: _raw_points(d) * factors[d.indicator.code] for d in drafts}
    rounded = {code: round2(value) for code, value in exact.items()}
    if max_total is None:
        return rounded
    excess = sum(rounded.values(), ZERO) - max_total
    if excess <= ZERO:
        return rounded
    raised = sorted(
        (code for code in rounded if rounded[code] > exact[code]),
        key=lambda code: rounded[code] - exact[code],
        reverse=True,
    )
    for code in raised[: int(excess / CENT)]:
        rounded[code] -= CENT
    return rounded


def _finish(
    draft: _Draft,
    factor: Decimal,
    contribution: Decimal,
    writers: Sequence[Writer] = (),
    plan: _Plan | None = None,
) -> IndicatorResult:
    """The indicator's result with its explanation written by each of ``writers`` (none when
    empty): the first is ``explanation``, the second (English) ``explanation_en``."""
    ind, raw = draft.indicator, draft.raw
    points = round2(raw.points) if raw else (ind.max_points if draft.counted else ZERO)
    texts = [_explain(draft, points, factor, contribution, writer) for writer in writers]
    return _frozen(
        IndicatorResult,
        code=ind.code,
        group=ind.group,
        name=ind.name.vi,
        numerator=raw.numerator if raw else None,
        denominator=raw.denominator if raw else None,
        rate=raw.rate if raw else None,
        rate_display=round2(raw.rate) if raw else None,
        points=points,
        max_points=ind.max_points,
        contribution=contribution,
        contribution_max=(
            plan.max_points[ind.code]
            if plan is not None and factor == ONE
            else round2(ind.max_points * factor)
        ),
        target=draft.target,
        status=draft.status,
        portal_points=points,
        explanation=texts[0] if texts else "",
        explanation_en=texts[1] if len(texts) > 1 else "",
    )


POINTS = gettext_noop("{rate}{rule} = {points} điểm")
RESCALED = gettext_noop(
    "; tính vào tổng sau quy đổi (có chỉ số không áp dụng/không có dữ liệu/không đo được) "
    "× {factor} = {points}"
)


def _explain(draft: _Draft, points: Decimal, factor: Decimal, contribution: Decimal, writer: Writer) -> str:
    """The indicator's explanation in the writer's language, numbers written its way."""
    raw = draft.raw
    if raw is not None:
        text = writer.messages[POINTS].format(
            rate=raw.rate_text(draft.indicator, writer),
            rule=raw.rule_text(writer),
            points=writer.cents(points),
        )
    else:
        # The same for every unit with this outcome: written once per writer.
        key = (draft.indicator.code, draft.status)
        found = writer.memo.get(key)
        text = found if found is not None else writer.memo.setdefault(key, _na_text(draft, writer))
    if factor != ONE and factor != ZERO:
        text += writer.messages[RESCALED].format(
            factor=writer.number(round(factor, 4)), points=writer.cents(contribution)
        )
    return text


def _na_text(draft: _Draft, writer: Writer) -> str:
    messages = writer.messages
    if draft.status == KHONG_DO_DUOC:
        return messages[
            gettext_noop(
                "Không đo được (hệ thống nguồn chưa khai báo số liệu cần cho chỉ số này) "
                "→ loại khỏi tổng điểm, quy đổi lại thang điểm"
            )
        ]
    why = messages[
        gettext_noop("Không áp dụng cho đơn vị này")
        if draft.status == KHONG_AP_DUNG
        else gettext_noop("Không có dữ liệu (mẫu số bằng 0)")
    ]
    policy = draft.policy
    if policy == NAPolicy.FULL_MARKS:
        return messages[gettext_noop("{why} → tính đủ {max} điểm")].format(
            why=why, max=writer.number(draft.indicator.max_points)
        )
    if policy == NAPolicy.REDISTRIBUTE:
        return messages[gettext_noop("{why} → điểm được phân bổ cho các chỉ số khác trong nhóm")].format(
            why=why
        )
    return messages[gettext_noop("{why} → loại khỏi tổng điểm, quy đổi lại thang điểm")].format(why=why)


def _groups(framework: Framework, results: Sequence[IndicatorResult]) -> tuple[GroupResult, ...]:
    points: dict[str, Decimal] = dict.fromkeys((g.code for g in framework.groups), ZERO)
    maxima = dict(points)
    for r in results:
        points[r.group] += r.contribution
        maxima[r.group] += r.contribution_max
    return tuple(
        _frozen(GroupResult, code=g.code, name=g.name.vi, points=points[g.code], max_points=maxima[g.code])
        for g in framework.groups
    )


def score_unit(
    framework: Framework,
    unit: UnitInfo,
    inputs: Inputs,
    targets: Mapping[str, float | int | Decimal] | None = None,
    *,
    as_of: datetime | None = None,
    collective: CollectiveFacts | None = None,
    bilingual: bool = False,
    explain: bool = True,
) -> UnitScore:
    """Score one unit. ``inputs`` maps measure names to counts/values (None or absent = unknown);
    ``targets`` overrides indicator targets (percent) by indicator code. ``bilingual``: the
    explanations in Vietnamese (``explanation``) and in English (``explanation_en``), whatever
    the active language, when a language switcher is installed (``i18n``; Django installs one).
    ``explain=False``: no explanations (left empty, ``bilingual`` ignored), for callers that
    never show them — formatting them is about a quarter of the scoring's time."""
    plan = _plan_of(framework)
    if not (bilingual and explain and can_switch()):
        writers = (Writer(),) if explain else ()
        return _score(framework, plan, unit, inputs, targets, as_of, collective, writers)
    # One computation, its explanations written twice; the rest (class, reasons) in Vietnamese.
    with in_language("vi"):
        return _score(framework, plan, unit, inputs, targets, as_of, collective, _both())


def _both() -> tuple[Writer, Writer]:
    return Writer("vi"), Writer("en")


def _score(
    framework: Framework,
    plan: _Plan,
    unit: UnitInfo,
    inputs: Inputs,
    targets: Mapping[str, float | int | Decimal] | None,
    as_of: datetime | None,
    collective: CollectiveFacts | None,
    writers: Sequence[Writer],
) -> UnitScore:
    env = _env(inputs)
    targets = targets or {}
    drafts = [_draft(ind, unit, env, targets, plan.knowable[ind.code]) for ind in plan.indicators]
    factors = _factors(framework, drafts)
    # Only full marks for N/A items is no evidence at all: no total then, not 100.
    has_total = any(d.raw is not None for d in drafts)
    contributions = _contributions(drafts, factors, framework.total_points if has_total else None)
    results = tuple(
        _finish(d, factors[d.indicator.code], contributions[d.indicator.code], writers, plan) for d in drafts
    )
    total = sum((r.contribution for r in results), ZERO) if has_total else None
    return UnitScore(
        framework_code=framework.code,
        framework_version=framework.version,
        unit=unit,
        indicators=results,
        groups=_groups(framework, results),
        total=total,
        max_total=framework.total_points,
        classification=classify(framework.classification, total, collective, framework.collective),
        as_of=as_of,
    )


def rank(scores: Iterable[UnitScore]) -> list[UnitScore]:
    """Return ``scores`` ordered by total (highest first) with competition ranks (1, 2, 2, 4);
    units without a total come last, unranked, by code."""
    ranked = sorted(
        (s for s in scores if s.total is not None), key=lambda s: (-(s.total or ZERO), s.unit.code)
    )
    ranks = competition_ranks({position: s.total or ZERO for position, s in enumerate(ranked)})
    out = [
        _frozen(UnitScore, **{**score.__dict__, "rank": ranks[position]})
        for position, score in enumerate(ranked)
    ]
    unranked = sorted((s for s in scores if s.total is None), key=lambda s: s.unit.code)
    return out + unranked


def score_many(
    framework: Framework,
    units: Iterable[UnitInfo],
    inputs_by_unit: Mapping[str, Inputs],
    targets_by_unit: Mapping[str, Mapping[str, float | int | Decimal]] | None = None,
    *,
    as_of: datetime | None = None,
    collective_by_unit: Mapping[str, CollectiveFacts] | None = None,
    bilingual: bool = False,
) -> list[UnitScore]:
    """Score every unit (missing inputs = no data) and return them ranked (see ``rank``);
    ``bilingual`` as in ``score_unit``."""
    targets_by_unit = targets_by_unit or {}
    collective_by_unit = collective_by_unit or {}
    plan = _plan_of(framework)
    both = bilingual and can_switch()
    with memoized(), in_language("vi") if both else nullcontext():
        writers = _both() if both else (Writer(),)
        scores = [
            _score(
                framework,
                plan,
                unit,
                inputs_by_unit.get(unit.code, {}),
                targets_by_unit.get(unit.code),
                as_of,
                collective_by_unit.get(unit.code),
                writers,
            )
            for unit in units
        ]
    return rank(scores)
