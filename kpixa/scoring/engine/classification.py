"""Classification by score bands (kpixa.rules.classification; docs/rules.md, "Classification") and the
collective rules on top."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpixa.rules.classification import ClassCode, band_for, band_rank
from kpixa.scoring.engine.i18n import _
from kpixa.scoring.engine.model import ClassBand, CollectiveRules
from kpixa.scoring.engine.numbers import HUNDRED, fmt2

EXCELLENT = ClassCode.EXCELLENT.value
GOOD = ClassCode.GOOD.value
COMPLETED = ClassCode.COMPLETED.value
FAILED = ClassCode.FAILED.value


@dataclass(frozen=True)
class Classification:
    """A class: its code, its Vietnamese label and why it differs from the points band, if it does."""

    code: str
    label: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CollectiveFacts:
    """How many of a collective's tasks there were and how many were late (optional input)."""

    tasks_total: int
    tasks_late: int

    @property
    def late_percent(self) -> Decimal:
        if self.tasks_total == 0:
            return Decimal(0)
        return Decimal(self.tasks_late) / Decimal(self.tasks_total) * HUNDRED


def _as_class(band: ClassBand, reasons: tuple[str, ...] = ()) -> Classification:
    return Classification(band.code, band.label.vi, reasons)


def classify(
    bands: tuple[ClassBand, ...],
    total: Decimal | None,
    collective: CollectiveFacts | None = None,
    rules: CollectiveRules | None = None,
) -> Classification | None:
    """Return the class of ``total`` (None when there is no total), applying the collective rules.

    Excellent needs every task on time (else one band lower); more than the allowed share of late
    tasks (20% by default) means "không hoàn thành" whatever the points.
    """
    if total is None:
        return None
    band = band_for(bands, total)
    if collective is None:
        return _as_class(band)
    rules = rules or CollectiveRules()
    if collective.late_percent > rules.max_late_share_completed:
        reason = _("{late}% nhiệm vụ trễ hạn, vượt mức cho phép {limit}%").format(
            late=fmt2(collective.late_percent), limit=fmt2(rules.max_late_share_completed)
        )
        return _as_class(bands[-1], (reason,))
    if band.code == EXCELLENT and rules.excellent_requires_all_on_time and collective.tasks_late > 0:
        lower = bands[min(band_rank(bands, band.code) + 1, len(bands) - 1)]
        reason = _("xuất sắc cần 100% nhiệm vụ đúng hạn; có {late} nhiệm vụ trễ hạn").format(
            late=collective.tasks_late
        )
        return _as_class(lower, (reason,))
    return _as_class(band)


def tasks_explanation(collective: CollectiveFacts | None) -> str:
    """One line on the tasks behind the collective rules, or why the rules did not apply."""
    if collective is None or collective.tasks_total == 0:
        return _("không có nhiệm vụ phải hoàn thành trong kỳ: không áp dụng quy tắc về nhiệm vụ trễ hạn")
    return _("{late}/{total} nhiệm vụ trễ hạn ({share}%)").format(
        late=collective.tasks_late, total=collective.tasks_total, share=fmt2(collective.late_percent)
    )
