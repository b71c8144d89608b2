"""The excellent quota (docs/rules.md, "Excellent quota"): within a group, at most 20% (a
setting) of those rated good or better may stay excellent, rounded down; the rest are lowered to
good in tie-break order. No Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from kpixa.rules.classification import ClassCode

HUNDRED = Decimal(100)
DEFAULT_QUOTA_PERCENT = Decimal(20)


@dataclass(frozen=True)
class QuotaCandidate:
    """A unit (or leader) classified by points, with what the tie-break needs."""

    code: str
    peer_group: str
    total: Decimal
    class_code: str
    on_time_rate: Decimal | None = None
    late_count: int = 0


def quota_order_key(c: QuotaCandidate) -> tuple[Decimal, Decimal, int, str]:
    """Tie-break: higher total, then higher on-time rate (2.1), then fewer late dossiers, then code."""
    return (-c.total, -(c.on_time_rate if c.on_time_rate is not None else Decimal(-1)), c.late_count, c.code)


def excellent_allowance(candidates: Sequence[QuotaCandidate], percent: Decimal) -> int:
    """Return how many may stay excellent: floor(percent × those rated good or better)."""
    base = sum(1 for c in candidates if c.class_code in (ClassCode.EXCELLENT, ClassCode.GOOD))
    return int((Decimal(base) * percent / HUNDRED).to_integral_value(rounding=ROUND_FLOOR))
