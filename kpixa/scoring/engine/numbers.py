"""Decimal arithmetic and number formatting (Vietnamese, or English in English texts) shared by the engine.

The engine computes with ``Decimal`` and rounds half up to 2 decimals, as the national
portal does (docs/rules.md, "Rates and points": 854 / 1,270 → 67.24% → 13.45 of 20). Floats
given as inputs are converted through their shortest ``repr`` so 0.1 stays 0.1.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def to_decimal(value: Decimal | float | int | str) -> Decimal:
    """Return ``value`` as a Decimal (floats through ``repr``, so no binary noise)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round2(value: Decimal) -> Decimal:
    """Round half up to 2 decimals."""
    return value.quantize(CENT, ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Return ``value`` limited to ``low..high``."""
    return max(low, min(high, value))


_SWAP = str.maketrans(",.", ".,")


def fmt_number(value: Decimal, english: bool = False) -> str:
    """Format a count or a parameter without trailing zeros: the Vietnamese way 1.270 · 2,5 · 20,
    or (``english``) the English way 1,270 · 2.5 · 20. Texts stored in Vietnamese and read back
    (evaluation reasons) keep the Vietnamese way whatever the active language; the scoring
    explanations choose per language (``forms.Writer``)."""
    return _number_en(value) if english else _number_vi(value)


@lru_cache(maxsize=4096)  # max points, targets and thresholds recur in every unit
def _number_en(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, frac = format(abs(value).normalize(), "f").partition(".")
    return f"{'-' if value < 0 else ''}{int(whole):,}.{frac}"


@lru_cache(maxsize=4096)
def _number_vi(value: Decimal) -> str:
    return _number_en(value).translate(_SWAP)


def fmt2(value: Decimal, english: bool = False) -> str:
    """Format with exactly 2 decimals, rounding half up: 67,24 · 1.234,50 (Vietnamese), 67.24 ·
    1,234.50 (``english``)."""
    return fmt_cents(round2(value), english)


def fmt_cents(value: Decimal, english: bool = False) -> str:
    """``fmt2`` of a value already rounded to 2 decimals (or fewer)."""
    return _cents_en(value) if english else _cents_vi(value)


def _cents_en(value: Decimal) -> str:
    return f"{value:,.2f}"


def _cents_vi(value: Decimal) -> str:
    return f"{value:,.2f}".translate(_SWAP)


def formatters(english: bool) -> tuple[Callable[[Decimal], str], Callable[[Decimal], str]]:
    """``fmt_number`` and ``fmt_cents`` of one language, for code that writes many numbers in it."""
    return (_number_en, _cents_en) if english else (_number_vi, _cents_vi)
