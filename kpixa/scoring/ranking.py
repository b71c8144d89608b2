"""Ranks of communes by total: standard competition ranking ("1224"), ties share a rank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal


def competition_ranks(totals: Mapping[int, Decimal]) -> dict[int, int]:
    """Return each key's rank by total, highest first; equal totals share the better rank."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        ranks[key] = rank
    return ranks


def grouped_ranks(
    totals: Mapping[int, Decimal], groups: Mapping[int, Iterable[str]]
) -> dict[int, dict[str, int]]:
    """Return, per key, its rank within each group it belongs to (``groups``: key -> group codes)."""
    members: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for key, total in totals.items():
        for group in groups.get(key, ()):
            members[group][key] = total
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for group, group_totals in members.items():
        for key, rank in competition_ranks(group_totals).items():
            result[key][group] = rank
    return dict(result)
