"""Demo step: evaluate Gia Lai's second half of 2025 with plausible entries by the authority, and
publish July–September 2025 and 2025-Q3 (idempotent: a second run changes nothing)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from kpixa.accounts.demo import demo_admin as demo_admin
from kpixa.accounts.models import User
from kpixa.evaluations.models import LeaderEvaluation, Period, PeriodState
from kpixa.evaluations.services import lifecycle
from kpixa.evaluations.services.evaluation import enter_leader_assessment, evaluate_period
from kpixa.units.models import Province

DEMO_PROVINCE = "52"
DEMO_FRAMEWORK = "kpi_xa_example"
DEMO_PERIOD = "2025-H2"
# Closed and published by the demo, so public pages have content; Q4, its months and H2 stay open.
DEMO_PUBLISHED = ("2025-07", "2025-08", "2025-09", "2025-Q3")


def _spread(key: str, low: int, high: int) -> Decimal:
    """A deterministic value in [low, high] (0.5 steps) derived from ``key``."""
    digest = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)
    steps = (high - low) * 2
    return Decimal(low) + Decimal(digest % (steps + 1)) / 2


def seed_evaluations_demo() -> None:
    """Evaluate 2025-H2, enter general points, đ and e for leaders without entries, then evaluate
    again so the quota and the proposals see every rating; then publish 2025-07..09 and 2025-Q3."""
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
    seed_published_demo()


def publish_demo_periods(province_code: str, period_codes: tuple[str, ...], actor: User) -> list[str]:
    """Close, then publish each period that is not published yet; return the codes published now.

    A period already published (or further) is left alone, so running twice makes no second snapshot.
    """
    province = Province.objects.get(code=province_code)
    published = []
    for code in period_codes:
        row = Period.objects.filter(province=province, code=code).first()
        if row is None or row.state == PeriodState.OPEN:
            lifecycle.close_period(actor, province, code)
            row = Period.objects.get(province=province, code=code)
        if row.state == PeriodState.CLOSED:
            lifecycle.publish_period(actor, province, code)
            published.append(code)
    return published


def seed_published_demo() -> list[str]:
    """Publish the demo's past periods (``DEMO_PUBLISHED``) of Gia Lai."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    return publish_demo_periods(DEMO_PROVINCE, DEMO_PUBLISHED, demo_admin(province))
