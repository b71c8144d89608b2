"""The excellent quota as Decree 335/2025/NĐ-CP counts it (docs/rules.md, "Evaluation of
communes and leaders"): those rated "hoàn thành xuất sắc" may not exceed 20% of those rated
"hoàn thành tốt" in the same agency and the same group with similar tasks; an outstanding
organisation may be excepted by a recorded decision. No Django here.

Counting (kpixa's reading of "tổng số được xếp loại hoàn thành tốt"): the result must satisfy
the ratio, so the number kept excellent is the largest k with k ≤ 20% × (good + excellent − k),
the lowered ones being rated "tốt". Order of who stays: ``kpixa.rules.quota.quota_order_key``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpixa.rules import citations as cite
from kpixa.rules.citations import Reason
from kpixa.rules.classification import ClassCode
from kpixa.rules.quota import DEFAULT_QUOTA_PERCENT, HUNDRED, QuotaCandidate, quota_order_key


@dataclass(frozen=True)
class QuotaResult:
    """A candidate's class after the quota and the reason when it was lowered or excepted."""

    code: str
    class_code: str
    lowered: bool
    reason: Reason | None = None


def allowance(good: int, excellent: int, percent: Decimal = DEFAULT_QUOTA_PERCENT) -> int:
    """The largest k ≤ ``excellent`` with k × 100 ≤ percent × (good + excellent − k)."""
    for k in range(excellent, -1, -1):
        if Decimal(k) * HUNDRED <= percent * Decimal(good + excellent - k):
            return k
    return 0


def apply_quota(
    candidates: Iterable[QuotaCandidate],
    percent: Decimal = DEFAULT_QUOTA_PERCENT,
    exceptions: Mapping[str, str] | None = None,
) -> list[QuotaResult]:
    """Apply the quota group by group (``QuotaCandidate.peer_group``). ``exceptions`` maps a group
    to the recorded decision excepting it (outstanding organisation): no one there is lowered."""
    exceptions = exceptions or {}
    groups: dict[str, list[QuotaCandidate]] = defaultdict(list)
    for candidate in candidates:
        groups[candidate.peer_group].append(candidate)
    results: list[QuotaResult] = []
    for group in sorted(groups):
        results.extend(_in_group(groups[group], percent, exceptions.get(group, "")))
    return results


def _in_group(members: list[QuotaCandidate], percent: Decimal, decision: str) -> list[QuotaResult]:
    excellent = sorted((c for c in members if c.class_code == ClassCode.EXCELLENT), key=quota_order_key)
    good = sum(1 for c in members if c.class_code == ClassCode.GOOD)
    out = [QuotaResult(c.code, c.class_code, False) for c in members if c.class_code != ClassCode.EXCELLENT]
    if decision:
        reason = Reason(
            "quota_exception",
            cite.ND335_QUOTA_EXCEPTION,
            f"tổ chức có thành tích xuất sắc, nổi trội: không áp dụng tỷ lệ 20% (quyết định {decision})",
        )
        return out + [QuotaResult(c.code, ClassCode.EXCELLENT, False, reason) for c in excellent]
    allowed = allowance(good, len(excellent), percent)
    for position, c in enumerate(excellent, start=1):
        if position <= allowed:
            out.append(QuotaResult(c.code, ClassCode.EXCELLENT, False))
            continue
        reason = Reason(
            "quota_lowered",
            cite.ND335_QUOTA,
            f"số xếp loại xuất sắc không vượt quá {percent}% số xếp loại hoàn thành tốt trong nhóm "
            f"({good} tốt, {len(excellent)} xuất sắc → giữ {allowed}); xếp thứ {position} → hoàn thành tốt",
        )
        out.append(QuotaResult(c.code, ClassCode.GOOD, True, reason))
    return out
