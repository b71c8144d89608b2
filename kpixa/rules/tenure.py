"""Tenure (docs/rules.md, "Leaders who changed during the period"): a leader is judged for a
period only when he or she held the post for at least half of it (unverified default); the days
served are counted inclusively within the period. No Django here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MIN_SERVED_SHARE = Decimal("0.5")


def days_served(start: date, end: date | None, period_start: date, period_end: date) -> int:
    """Return the days of ``period_start..period_end`` inside the tenure ``start..end`` (open end)."""
    first = max(start, period_start)
    last = min(end or period_end, period_end)
    return max(0, (last - first).days + 1)


def served_share(days: int, period_days: int) -> Decimal:
    """Return the share of the period served, 4 decimals (0.5000 = half)."""
    return round(Decimal(days) / Decimal(period_days), 4)


def is_judged(share: Decimal, minimum: Decimal = MIN_SERVED_SHARE) -> bool:
    """A leader is judged for the period when the share served reaches ``minimum``."""
    return share >= minimum
