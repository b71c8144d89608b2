"""Answers to the questions lower layers ask through their signals (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from kpixa.dossiers.signals import AppealScope
from kpixa.evaluations.models import FROZEN_STATES, Appeal, AppealStatus, Period
from kpixa.units.signals import FrozenPeriod


def answer_frozen_periods(
    sender: Any, *, province_ids: list[int], code: str | None, **kwargs: Any
) -> list[FrozenPeriod]:
    """The periods of ``province_ids`` (of ``code`` when given) that left the "open" state."""
    periods = Period.objects.filter(province_id__in=province_ids, state__in=list(FROZEN_STATES))
    if code is not None:
        periods = periods.filter(code=code)
    return [FrozenPeriod(*row) for row in periods.values_list("province_id", "code", "start", "end")]


def answer_appeal_scope(sender: Any, *, appeal_id: int, **kwargs: Any) -> AppealScope | None:
    """The commune and period a correction sent through the appeal may change; None once rejected."""
    appeal = (
        Appeal.objects.select_related("snapshot__period")
        .filter(pk=appeal_id)
        .exclude(status=AppealStatus.REJECTED)
        .first()
    )
    if appeal is None:
        return None
    period = appeal.snapshot.period
    return appeal.commune_id, period.start, period.end
