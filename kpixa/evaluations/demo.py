"""Demo step: evaluate Gia Lai's second half of 2025 with plausible entries by the authority (idempotent)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from kpixa.evaluations.models import LeaderEvaluation
from kpixa.evaluations.services import enter_leader_assessment, evaluate_period

DEMO_PROVINCE = "52"
DEMO_FRAMEWORK = "kpi_xa_example"
DEMO_PERIOD = "2025-H2"


def _spread(key: str, low: int, high: int) -> Decimal:
    """A deterministic value in [low, high] (0.5 steps) derived from ``key``."""
    digest = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)
    steps = (high - low) * 2
    return Decimal(low) + Decimal(digest % (steps + 1)) / 2


def seed_evaluations_demo() -> None:
    """Evaluate 2025-H2, enter general points, đ and e for leaders without entries, then evaluate
    again so the quota and the proposals see every rating."""
    evaluate_period(DEMO_FRAMEWORK, DEMO_PERIOD, DEMO_PROVINCE)
    pending = LeaderEvaluation.objects.filter(
        period__code=DEMO_PERIOD,
        period__province__code=DEMO_PROVINCE,
        judged=True,
        general_points__isnull=True,
    )
    for le in pending:
        key = f"{le.commune_id}:{le.post}:{le.person_id}"
        enter_leader_assessment(
            le,
            None,
            general=_spread(key + ":general", 24, 30),
            organising=_spread(key + ":dd", 70, 100),
            uniting=_spread(key + ":e", 70, 100),
        )
    evaluate_period(DEMO_FRAMEWORK, DEMO_PERIOD, DEMO_PROVINCE)
