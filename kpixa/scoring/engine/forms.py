"""Scoring forms: how one indicator's inputs become unrounded points and a line of explanation.

The line is kept as its parts (numbers and catalogue messages) and written by ``Raw.rate_text``
and ``Raw.rule_text`` in the language asked for, so one computed result gives both the
Vietnamese and the English text.

Rates are percentages computed exactly (Decimal); points come from the unrounded rate and are
clamped to 0..max. Rounding to 2 decimals happens once, in ``core``, after any N/A
redistribution (docs/rules.md, "Rates and points"); a composite's points are a sum whose parts
are each rounded first, as the portal does (docs/rules.md, "The service index", 4.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from kpixa.scoring.engine.i18n import gettext_noop, is_english, message
from kpixa.scoring.engine.model import Direction, Form, Indicator
from kpixa.scoring.engine.numbers import HUNDRED, ZERO, clamp, formatters, round2

Env = Mapping[str, Decimal | None]


class _Messages(dict[str, str]):
    """Catalogue messages in one language, each translated the first time it is asked for."""

    def __init__(self, language: str | None) -> None:
        super().__init__()
        self.language = language

    def __missing__(self, template: str) -> str:
        text = self[template] = message(template, self.language)
        return text


class Writer:
    """Writes explanations in one language: its messages translated once per writer
    (``messages[template]``), its numbers written its way (Vietnamese 1.270 · 67,24; English
    1,270 · 67.24), and ``memo`` for texts a caller writes once per run. Make one per language
    for a run of one framework (the active language, ``None``, is read when the writer is made)."""

    __slots__ = ("cents", "english", "language", "memo", "messages", "number")

    def __init__(self, language: str | None = None) -> None:
        self.language = language
        self.english = is_english(language)
        self.number, self.cents = formatters(self.english)
        self.messages = _Messages(language)
        self.memo: dict[object, str] = {}

    def message(self, template: str) -> str:
        """``template`` (a catalogue message written in Vietnamese) in the writer's language."""
        return self.messages[template]

    def percent(self, value: Decimal) -> str:
        """``value`` with exactly 2 decimals, rounded half up (``fmt2``)."""
        return self.cents(round2(value))


class Phrase(NamedTuple):
    """A piece of explanation, formatted when written: ``template`` is a catalogue message in
    Vietnamese (or, ``translated`` False, a literal), ``numbers`` are formatted as counts or
    parameters (``fmt_number``), ``percents`` with 2 decimals (``fmt2``)."""

    template: str
    numbers: tuple[tuple[str, Decimal], ...] = ()
    percents: tuple[tuple[str, Decimal], ...] = ()
    words: tuple[tuple[str, str], ...] = ()
    translated: bool = True

    def text(self, writer: Writer) -> str:
        """The phrase in the writer's language, numbers included (written once per writer when
        it has no rate in it: a rule's phrase recurs in every unit)."""
        if not self.percents:
            found = writer.memo.get(self)
            if found is None:
                found = writer.memo[self] = self._text(writer)
            return found
        return self._text(writer)

    def _text(self, writer: Writer) -> str:
        values: dict[str, str] = dict(self.words)
        for name, value in self.numbers:
            values[name] = writer.number(value)
        for name, value in self.percents:
            values[name] = writer.percent(value)
        template = writer.messages[self.template] if self.translated else self.template
        return template.format(**values)


class Raw(NamedTuple):
    """One indicator scored on its data: exact rate (percent), unrounded points, and what the
    explanation needs (the rule's phrase; a composite's sub-rates and formula), written by
    ``rate_text`` and ``rule_text`` in a writer's language."""

    numerator: Decimal | None
    denominator: Decimal | None
    rate: Decimal
    points: Decimal
    rule: Phrase | None = None
    parts: tuple[tuple[str, Decimal, Decimal], ...] = ()
    formula: str = ""

    def rate_text(self, indicator: Indicator, writer: Writer) -> str:
        """The rate and how it was computed, e.g. ``854/1.270 hồ sơ đúng hạn = 67,24%``."""
        if self.numerator is None or self.denominator is None:
            number, percent = writer.number, writer.percent
            return "; ".join(
                f"{name} = {number(n)}/{number(d)} = {percent(n / d * HUNDRED)}%" for name, n, d in self.parts
            )
        return rate_text(indicator, self.numerator, self.denominator, self.rate, writer)

    def rule_text(self, writer: Writer) -> str:
        """How the points follow from the rate, e.g. `` × 20`` or ``, đạt mức ≥ 90%``."""
        if self.rule is None:
            return f"; {self.formula}" if self.formula else ""
        return self.rule.text(writer)


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


def rate_text(
    indicator: Indicator,
    numerator: Decimal,
    denominator: Decimal,
    rate: Decimal,
    writer: Writer | None = None,
) -> str:
    """Return e.g. ``854/1.270 hồ sơ đúng hạn = 67,24%`` (in English ``854/1,270 = 67.24%``: the
    file's unit labels are Vietnamese only). ``writer`` None: in the active language."""
    writer = writer or Writer()
    label = f" {indicator.unit_label}" if indicator.unit_label and not writer.english else ""
    return f"{writer.number(numerator)}/{writer.number(denominator)}{label} = {writer.percent(rate)}%"


def compute(indicator: Indicator, env: Env, target: Decimal | None) -> Raw | None:
    """Score ``indicator`` on ``env``; None means no data (missing input or denominator 0)."""
    if indicator.scoring.form == Form.COMPOSITE:
        return _composite(indicator, env)
    found = ratio(indicator, env)
    if found is None:
        return None
    numerator, denominator, rate = found
    points, rule = _RULES[indicator.scoring.form](indicator, rate, target)
    return Raw(numerator, denominator, rate, clamp(points, ZERO, indicator.max_points), rule)


def _proportional(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, Phrase]:
    return ind.max_points * rate / HUNDRED, Phrase(" × {max}", (("max", ind.max_points),), translated=False)


def _capped(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, Phrase]:
    assert target is not None  # the loader requires a target for this form
    points = min(ind.max_points, ind.max_points * rate / target)
    rule = Phrase(
        gettext_noop("; đủ điểm từ {target}% → min({max}; {max} × {rate}/{target})"),
        (("target", target), ("max", ind.max_points)),
        (("rate", rate),),
    )
    return points, rule


def _bands(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, Phrase]:
    higher = ind.direction == Direction.HIGHER
    ordered = sorted(ind.scoring.bands, key=lambda b: b.threshold, reverse=higher)
    for band in ordered:
        if meets(rate, band.threshold, ind.direction):
            sign = "≥" if higher else "≤"
            phrase = Phrase(
                gettext_noop(", đạt mức {sign} {threshold}%"),
                (("threshold", band.threshold),),
                words=(("sign", sign),),
            )
            return band.points, phrase
    return ZERO, Phrase(gettext_noop(", chưa đạt mức nào"))


def _lower_floor(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, Phrase]:
    best, floor = target or ZERO, ind.scoring.floor or HUNDRED
    share = clamp((floor - rate) / (floor - best), ZERO, Decimal(1))
    rule = Phrase(
        gettext_noop(" (càng thấp càng tốt: đủ {max} điểm khi ≤ {best}%, 0 điểm khi ≥ {floor}%)"),
        (("max", ind.max_points), ("best", best), ("floor", floor)),
    )
    return ind.max_points * share, rule


def _pass_fail(ind: Indicator, rate: Decimal, target: Decimal | None) -> tuple[Decimal, Phrase]:
    assert target is not None  # the loader requires a target for this form
    if meets(rate, target, ind.direction):
        return ind.max_points, Phrase(gettext_noop(", đạt chỉ tiêu {target}%"), (("target", target),))
    return ZERO, Phrase(gettext_noop(", không đạt chỉ tiêu {target}%"), (("target", target),))


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
    parts: list[tuple[str, Decimal, Decimal]] = []
    for sub in ind.scoring.rates:
        numerator, denominator = sub.numerator.evaluate(env), sub.denominator.evaluate(env)
        if numerator is None or denominator is None or denominator == ZERO:
            return None
        values[sub.name] = numerator / denominator
        parts.append((sub.name, numerator, denominator))
    assert ind.scoring.points is not None  # the loader requires it
    # Each part of the sum is rounded half up to 2 decimals before the adding, as the portal
    # publishes its online-payment points (docs/rules.md, "The service index", 4.1).
    raw = ind.scoring.points.evaluate_parts(values, round2)
    if raw is None:
        return None
    points = clamp(raw, ZERO, ind.max_points)
    rate = points / ind.max_points * HUNDRED
    return Raw(None, None, rate, points, parts=tuple(parts), formula=ind.scoring.points.source)
