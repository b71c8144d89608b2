"""Unit targets generated from an earlier period's stored rates (``generate_baselines``), audited."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.scoring.engine.model import Direction
from kpixa.scoring.models import IndicatorScore, Target, TargetScope
from kpixa.scoring.services import storage
from kpixa.scoring.versions import framework_of, period_of, version_for


@transaction.atomic
def generate_baselines(
    framework: str, period: str, from_period: str, plus_points: Decimal | int | str, actor: User | None = None
) -> int:
    """Create unit targets for ``period``: each commune's rate in ``from_period`` + ``plus_points``
    percentage points, capped at 100 (minus and floored at 0 for lower-is-better indicators).

    Reads the stored scores of ``from_period`` (any version of ``framework``); replaces the unit
    targets of the same communes and indicators; returns how many targets were written.
    """
    step = Decimal(str(plus_points))
    indicators = framework_of(version_for(framework, period_of(period))).indicators()
    lower = {i.code for i in indicators if i.direction == Direction.LOWER}
    rows = IndicatorScore.objects.filter(
        framework_version__code=framework, period_code=from_period, rate__isnull=False
    ).values_list("commune_id", "indicator_code", "rate")
    targets = [
        Target(
            framework_code=framework,
            indicator_code=code,
            period_code=period,
            scope=TargetScope.UNIT,
            commune_id=commune_id,
            value=_baseline(rate, step, code in lower),
            generated_from=from_period,
        )
        for commune_id, code, rate in rows
        if rate is not None
    ]
    # Replace rather than upsert: the unit scope's unique constraint is partial, which
    # PostgreSQL's ON CONFLICT cannot name.
    Target.objects.filter(
        framework_code=framework,
        period_code=period,
        scope=TargetScope.UNIT,
        indicator_code__in={t.indicator_code for t in targets},
        commune_id__in={t.commune_id for t in targets},
    ).delete()
    Target.objects.bulk_create(targets, batch_size=storage.BATCH)
    audit.record(
        "scoring.generate_baselines",
        actor=actor,
        object_type="scoring.Target",
        after={
            "framework": framework,
            "period": period,
            "from": from_period,
            "plus": str(step),
            "count": len(targets),
        },
    )
    return len(targets)


def _baseline(rate: Decimal, step: Decimal, lower: bool) -> Decimal:
    value = rate - step if lower else rate + step
    return max(Decimal(0), min(Decimal(100), value)).quantize(Decimal("0.01"))
