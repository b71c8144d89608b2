"""Decimal arithmetic and Vietnamese number formatting shared by the engine.

The engine computes with ``Decimal`` and rounds half up to 2 decimals, as the national
portal does (docs/rules.md, "Rates and points": 854 / 1,270 → 67.24% → 13.45 of 20). Floats
given as inputs are converted through their shortest ``repr`` so 0.1 stays 0.1.
"""

from __future__ import annotations

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
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Return ``value`` limited to ``low..high``."""
    return max(low, min(high, value))


_SWAP = str.maketrans(",.", ".,")


def _swap_separators(text: str) -> str:
    return text.translate(_SWAP)


@lru_cache(maxsize=4096)  # max points, targets and thresholds recur in every unit
def fmt_number(value: Decimal) -> str:
    """Format a count or a parameter the Vietnamese way: 1.270 · 2,5 · 20 (no trailing zeros)."""
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    return _swap_separators(f"{int(Decimal(whole)):,}") + "," + frac


def fmt2(value: Decimal) -> str:
    """Format with exactly 2 decimals the Vietnamese way, rounding half up: 67,24 · 1.234,50."""
    return f"{round2(value):,.2f}".translate(_SWAP)


def fmt_cents(value: Decimal) -> str:
    """``fmt2`` of a value already rounded to 2 decimals (or fewer)."""
    return f"{value:,.2f}".translate(_SWAP)
