"""Competition ranking ("1224"): ties share the better rank, the next rank skips (docs/rules.md,
"Ranking"). The one implementation: the engine, the stored scores and the snapshot revisions use it.
No Django here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal


def competition_ranks[K: Hashable](totals: Mapping[K, Decimal]) -> dict[K, int]:
    """Return each key's rank by total, highest first; equal totals share the better rank (1, 2, 2, 4)."""
    first_at: dict[Decimal, int] = {}
    for position, total in enumerate(sorted(totals.values(), reverse=True), start=1):
        first_at.setdefault(total, position)
    return {key: first_at[total] for key, total in totals.items()}


def grouped_ranks[K: Hashable](
    totals: Mapping[K, Decimal], groups: Mapping[K, Iterable[str]]
) -> dict[K, dict[str, int]]:
    """Return, per key, its rank within each group it belongs to (``groups``: key -> group codes)."""
    members: dict[str, dict[K, Decimal]] = defaultdict(dict)
    for key, total in totals.items():
        for group in groups.get(key, ()):
            members[group][key] = total
    result: dict[K, dict[str, int]] = defaultdict(dict)
    for group, group_totals in members.items():
        for key, rank in competition_ranks(group_totals).items():
            result[key][group] = rank
    return dict(result)
