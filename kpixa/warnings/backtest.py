"""How close the projection comes on held-back history (docs/early-warning.md, "How close it comes").

For a past as-of day, project the province's communes to the end of that month with only what was
known by then (``queries.warnings_for_province``), and compare with the month's stored scores,
computed once the month was over: mean absolute error of the total per scenario, how often the
final total fell between the worst and the best case, and how often the expected class was the
final class. The stored scores also count dossiers received after the as-of day, which no
projection can know: part of the error is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kpixa.scoring.models import UnitScore
from kpixa.units.models import Province
from kpixa.warnings.projection import BEST, EXPECTED, SCENARIOS, WORST, ZERO
from kpixa.warnings.queries import Projection, warnings_for_province


def _d(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


@dataclass(frozen=True)
class Backtest:
    as_of: date
    period: str
    communes: int
    mae: dict[str, Decimal]  # scenario → mean |projected − final| of the total
    within: Decimal  # share of communes whose final total lay in [worst, best]
    class_hits: Decimal  # share whose expected class was the final class
    rate_mae: dict[str, Decimal]  # scenario → mean |projected − final| of the indicator's rate


def backtest(province: Province, as_of: date, framework: str = "dvc766", indicator: str = "2.1") -> Backtest:
    """Project at ``as_of`` and compare with the stored scores of ``as_of``'s month."""
    projections = warnings_for_province(province, as_of, framework=framework)
    period = projections[0].period.code if projections else ""
    final = {
        row.commune.code: row
        for row in UnitScore.objects.filter(
            commune__province=province, framework_version__code=framework, period_code=period
        ).select_related("commune")
    }
    from kpixa.scoring.models import IndicatorScore

    rates = dict(
        IndicatorScore.objects.filter(
            commune__province=province,
            framework_version__code=framework,
            period_code=period,
            indicator_code=indicator,
        ).values_list("commune__code", "rate_display")
    )
    pairs: list[tuple[Projection, Decimal, str]] = [
        (p, f.total, f.classification)
        for p in projections
        if (f := final.get(p.commune.code)) is not None
        and f.total is not None
        and all(p.totals.get(s) is not None for s in SCENARIOS)
    ]
    n = len(pairs) or 1
    mae = {s: sum((abs(_d(p.totals.get(s)) - total) for p, total, _c in pairs), ZERO) / n for s in SCENARIOS}
    within = Decimal(
        sum(1 for p, total, _c in pairs if _d(p.totals.get(WORST)) <= total <= _d(p.totals.get(BEST)))
    )
    hits = Decimal(sum(1 for p, _t, code in pairs if p.classes.get(EXPECTED) == code))
    rated = [(p, rate) for p, _t, _c in pairs if (rate := rates.get(p.commune.code)) is not None]
    m = len(rated) or 1
    rate_mae = {
        s: sum((abs(_d(p.rates.get(indicator, {}).get(s)) - rate) for p, rate in rated), ZERO) / m
        for s in SCENARIOS
    }
    q = Decimal("0.01")
    return Backtest(
        as_of,
        period,
        len(pairs),
        {s: v.quantize(q) for s, v in mae.items()},
        (within / n).quantize(q),
        (hits / n).quantize(q),
        {s: v.quantize(q) for s, v in rate_mae.items()},
    )
