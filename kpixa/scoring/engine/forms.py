"""Scoring forms: how one indicator's inputs become unrounded points and a line of explanation.

Rates are percentages computed exactly (Decimal); points come from the unrounded rate and are
clamped to 0..max. Rounding to 2 decimals happens once, in ``core``, after any N/A
redistribution (docs/rules.md, "Rates and points"); a composite's points are a sum whose parts
are each rounded first, as the portal does (docs/rules.md, "The service index", 4.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpixa.scoring.engine.i18n import _
from kpixa.scoring.engine.model import Direction, Form, Indicator
from kpixa.scoring.engine.numbers import HUNDRED, ZERO, clamp, fmt2, fmt_number, round2

Env = Mapping[str, Decimal | None]


@dataclass(frozen=True)
class Raw:
    """One indicator scored on its data: exact rate (percent), unrounded points, explanation parts."""

    numerator: Decimal | None
    denominator: Decimal | None
    rate: Decimal
    points: Decimal
    rate_text: str
    rule_text: str


def meets(rate: Decimal, target: Decimal, direction: Direction) -> bool:
    """Return True when ``rate`` reaches ``target`` in the indicator's direction."""
    return rate >= target if direction == Direction.HIGHER else rate <= target


def ratio(indicator: Indicator, env: Env) -> tuple[Decimal, Decimal, Decimal] | None:
    """Return (numerator, denominator, rate %) or None when an input is missing or the denominator is 0."""
    if indicator.numerator is None or indicator.denominator is None:
        return None
    numerator, denominator = indicator.numerator.evaluate(env), indicator.denominator.evaluate(env)
    if numerator is None or denominator is None or denominator == ZERO:
        return None
    return numerator, denominator, numerator / denominator * HUNDRED


def rate_text(indicator: Indicator, numerator: Decimal, denominator: Decimal, rate: Decimal) -> str:
    """Return e.g. ``854/1.270 hồ sơ đúng hạn = 67,24%``."""
    label = f" {indicator.unit_label}" if indicator.unit_label else ""
    return f"{fmt_number(numerator)}/{fmt_number(denominator)}{label} = {fmt2(rate)}%"


def compute(indicator: Indicator, env: Env, target: Decimal | None) -> Raw | None:
    """Score ``indicator`` on ``env``; None means no data (missing input or denominator 0)."""
    if indicator.scoring.form == Form.COMPOSITE:
        return _composite(indicator, env)
    found = ratio(indicator, env)
    if found is None:
        return None
    numerator, denominator, rate = found
    points, rule = _RULES[indicator.scoring.form](indicator, rate, target)
    return Raw(
        numerator,
        denominator,
        rate,
        clamp(points, ZERO, indicator.max_points),
        rate_text(indicator, numerator, denominator, rate),
        rule,
    )


def _proportional(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, str]:
    return ind.max_points * rate / HUNDRED, f" × {fmt_number(ind.max_points)}"


def _capped(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, str]:
    assert target is not None  # the loader requires a target for this form
    points = min(ind.max_points, ind.max_points * rate / target)
    rule = _("; đủ điểm từ {target}% → min({max}; {max} × {rate}/{target})").format(
        target=fmt_number(target), max=fmt_number(ind.max_points), rate=fmt2(rate)
    )
    return points, rule


def _bands(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, str]:
    higher = ind.direction == Direction.HIGHER
    ordered = sorted(ind.scoring.bands, key=lambda b: b.threshold, reverse=higher)
    for band in ordered:
        if meets(rate, band.threshold, ind.direction):
            sign = "≥" if higher else "≤"
            return band.points, _(", đạt mức {sign} {threshold}%").format(
                sign=sign, threshold=fmt_number(band.threshold)
            )
    return ZERO, _(", chưa đạt mức nào")


def _lower_floor(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, str]:
    best, floor = target or ZERO, ind.scoring.floor or HUNDRED
    share = clamp((floor - rate) / (floor - best), ZERO, Decimal(1))
    rule = _(" (càng thấp càng tốt: đủ {max} điểm khi ≤ {best}%, 0 điểm khi ≥ {floor}%)").format(
        max=fmt_number(ind.max_points), best=fmt_number(best), floor=fmt_number(floor)
    )
    return ind.max_points * share, rule


def _pass_fail(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, str]:
    assert target is not None  # the loader requires a target for this form
    if meets(rate, target, ind.direction):
        return ind.max_points, _(", đạt chỉ tiêu {target}%").format(target=fmt_number(target))
    return ZERO, _(", không đạt chỉ tiêu {target}%").format(target=fmt_number(target))


_RULES = {
    Form.PROPORTIONAL: _proportional,
    Form.CAPPED: _capped,
    Form.BANDS: _bands,
    Form.LOWER_FLOOR: _lower_floor,
    Form.PASS_FAIL: _pass_fail,
}


def _composite(ind: Indicator, env: Env) -> Raw | None:
    """Evaluate each sub-rate as a fraction, then the points expression over them."""
    values: dict[str, Decimal | None] = {}
    parts: list[str] = []
    for sub in ind.scoring.rates:
        numerator, denominator = sub.numerator.evaluate(env), sub.denominator.evaluate(env)
        if numerator is None or denominator is None or denominator == ZERO:
            return None
        values[sub.name] = numerator / denominator
        percent = fmt2(numerator / denominator * HUNDRED)
        parts.append(f"{sub.name} = {fmt_number(numerator)}/{fmt_number(denominator)} = {percent}%")
    assert ind.scoring.points is not None  # the loader requires it
    # Each part of the sum is rounded half up to 2 decimals before the adding, as the portal
    # publishes its online-payment points (docs/rules.md, "The service index", 4.1).
    raw = ind.scoring.points.evaluate_parts(values, round2)
    if raw is None:
        return None
    points = clamp(raw, ZERO, ind.max_points)
    rate = points / ind.max_points * HUNDRED
    return Raw(None, None, rate, points, "; ".join(parts), f"; {ind.scoring.points.source}")
