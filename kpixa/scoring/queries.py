"""Named reads of stored scores: a period's scoreboard and its export shape."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.engine.export import indicator_row, unit_row
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.scoring.versions import framework_of, period_of, version_for


@dataclass(frozen=True)
class Scoreboard:
    """A period's stored scores: the version used, the unit scores and each unit's indicator scores."""

    version: FrameworkVersion
    period_code: str
    units: list[UnitScore]
    indicators: dict[int, list[IndicatorScore]]


def scoreboard(framework_code: str, period_code: str, province_code: str | None = None) -> Scoreboard:
    """Return the stored scores of the version in force for the period (3 queries).

    Units come by province, then rank (unranked last), then code; indicators in file order.
    """
    period = period_of(period_code)
    version = version_for(framework_code, period)
    units = UnitScore.objects.filter(framework_version=version, period_code=period.code).select_related(
        "commune__province"
    )
    if province_code is not None:
        units = units.filter(commune__province__code=province_code)
    ordered = list(
        units.order_by("commune__province__code", F("rank_province").asc(nulls_last=True), "commune__code")
    )
    return Scoreboard(version, period.code, ordered, _indicators(version, period.code, ordered))


def _indicators(
    version: FrameworkVersion, period_code: str, units: list[UnitScore]
) -> dict[int, list[IndicatorScore]]:
    order = {ind.code: i for i, ind in enumerate(framework_of(version).indicators())}
    rows = IndicatorScore.objects.filter(
        framework_version=version, period_code=period_code, commune_id__in=[u.commune_id for u in units]
    )
    result: dict[int, list[IndicatorScore]] = defaultdict(list)
    for row in rows:
        result[row.commune_id].append(row)
    for items in result.values():
        items.sort(key=lambda r: order.get(r.indicator_code, len(order)))
    return result


def export_rows(board: Scoreboard) -> list[dict[str, Any]]:
    """Return the export shape (``kpixa.scoring.engine.export``) of the stored scores, in board order."""
    return [
        unit_row(
            unit.commune.code,
            unit.commune.name,
            unit.total,
            unit.classification,
            (_indicator(row) for row in board.indicators.get(unit.commune_id, [])),
        )
        for unit in board.units
    ]


def _indicator(row: IndicatorScore) -> dict[str, Any]:
    return indicator_row(
        row.indicator_code, row.numerator, row.denominator, row.rate_display, row.points, row.max_points
    )
