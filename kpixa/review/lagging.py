"""Lagging areas ("vùng trũng") over time, and which changes since a period are material.

The rules are stated here once (docs/review.md, "Lagging areas"); the province dashboard and the
meeting's pre-read pack apply them to the stored scores:

- **below** — the commune's class is the framework's lowest band;
- **falling** — its total fell in each of the last ``FALLING_STEPS`` periods, by at least
  ``FALL_SHARE`` % of the framework's total points each time;
- **failing** — it failed the same indicator in each of the last ``REPEAT_PERIODS`` periods,
  where that indicator is not failed so by ``PROVINCE_WIDE_SHARE`` % of the province's communes
  or more, and ``PROVINCE_WIDE_MIN`` communes at least (then the failure is the province's,
  listed once with its count, not every commune's).

A change since the previous period is **material** when the total moved by at least
``MATERIAL_SHARE`` % of the framework's total points, or when the class changed with the total
moving by at least ``CLASS_CHANGE_SHARE`` % (a total of 79.9 becoming 80.1 crosses a band without
anything having happened). Rank moves alone are not: with 135 communes a few tenths of a point
reorder dozens of ranks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kpixa.scoring.models import IndicatorScore

FALLING_STEPS = 2  # "falling for 2+ periods in a row"
FALL_SHARE = Decimal(1)  # each fall at least 1% of the total points (1 point of 100)
REPEAT_PERIODS = 3  # the same indicator failed in each of the last 3 periods
PROVINCE_WIDE_SHARE = 25  # failed by a quarter of the communes or more: the province's problem
PROVINCE_WIDE_MIN = 2  # ... and by two communes at least (one commune's failure is its own)
MATERIAL_SHARE = Decimal(5)  # a total moving by 5% of the total points (5 of 100) is material
CLASS_CHANGE_SHARE = Decimal(2)  # a class change is material when the total moved by 2% or more
SHORT_LIST = 10  # the dashboard shows the 10 most lagging communes
PULLS_SHOWN = 3  # indicators named as having pulled a commune down

REASONS = ("below", "falling", "failing")


def falling(totals: Sequence[Decimal | None], total_points: Decimal) -> bool:
    """Whether the last ``FALLING_STEPS`` + 1 totals (oldest first) each fell by a material step."""
    last = list(totals)[-(FALLING_STEPS + 1) :]
    if len(last) < FALLING_STEPS + 1 or any(t is None for t in last):
        return False
    step = total_points * FALL_SHARE / 100
    return all(a - b >= step for a, b in zip(last, last[1:], strict=False))  # type: ignore[operator]


def below(classification: str, lowest_class: str) -> bool:
    """Whether the commune is in the framework's lowest class."""
    return bool(classification) and classification == lowest_class


def repeat_counts(failing: dict[int, list[str]]) -> list[tuple[str, int]]:
    """Repeat failures per indicator: how many communes failed it in each of the periods, most
    first."""
    counts: dict[str, int] = defaultdict(int)
    for codes in failing.values():
        for code in codes:
            counts[code] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def province_wide(failing: dict[int, list[str]], communes: int) -> list[str]:
    """Indicators failed again and again by ``PROVINCE_WIDE_SHARE`` % of ``communes`` or more
    (and by ``PROVINCE_WIDE_MIN`` communes at least)."""
    counts = dict(repeat_counts(failing))
    return sorted(
        code
        for code, n in counts.items()
        if n >= PROVINCE_WIDE_MIN and n * 100 >= PROVINCE_WIDE_SHARE * communes
    )


def material(previous_class: str, classification: str, change: Decimal | None, total_points: Decimal) -> bool:
    """Whether a commune's change since the previous period is material (see the module)."""
    if change is None:
        return False
    moved = abs(change)
    if previous_class and classification and previous_class != classification:
        return moved >= total_points * CLASS_CHANGE_SHARE / 100
    return moved >= total_points * MATERIAL_SHARE / 100


def severity(reasons: Sequence[str], total: Decimal | None) -> tuple[int, Decimal]:
    """Sort key of a lagging commune: more reasons first, then the lower total."""
    return (-len(reasons), total if total is not None else Decimal(0))


@dataclass(frozen=True)
class Pull:
    """An indicator that pulled a commune down: points lost since the previous period, or (when
    nothing fell) points short of the maximum."""

    code: str
    points: Decimal  # lost (positive) or short of the maximum
    kind: str  # "lost" or "short"


def pulled_down(
    version_code: str, period_code: str, previous_code: str, commune_ids: Iterable[int]
) -> dict[int, list[Pull]]:
    """For each commune, the ``PULLS_SHOWN`` indicators that cost it most (one query)."""
    ids = list(commune_ids)
    if not ids:
        return {}
    rows = IndicatorScore.objects.filter(
        framework_version__code=version_code,
        period_code__in=[period_code, previous_code],
        commune_id__in=ids,
    ).values_list("commune_id", "period_code", "indicator_code", "points", "max_points")
    now: dict[int, dict[str, tuple[Decimal | None, Decimal]]] = defaultdict(dict)
    before: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for cid, code, indicator, points, top in rows:
        if code == period_code:
            now[cid][indicator] = (points, top)
        else:
            before[cid][indicator] = points
    return {cid: _pulls(now[cid], before[cid]) for cid in ids}


def _pulls(now: dict[str, tuple[Decimal | None, Decimal]], before: dict[str, Decimal | None]) -> list[Pull]:
    lost = [
        Pull(code, before[code] - points, "lost")  # type: ignore[operator]
        for code, (points, _top) in now.items()
        if points is not None and before.get(code) is not None and before[code] > points  # type: ignore[operator]
    ]
    if lost:
        return sorted(lost, key=lambda p: (-p.points, p.code))[:PULLS_SHOWN]
    short = [
        Pull(code, top - points, "short")
        for code, (points, top) in now.items()
        if points is not None and top > points
    ]
    return sorted(short, key=lambda p: (-p.points, p.code))[:PULLS_SHOWN]
