"""What-if: how a new framework version would classify and rank a province's communes on
current data, computed in memory (nothing stored) beside the stored results of the version in force."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kpixa.scoring.engine.diff import diff_frameworks
from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import PeriodSpan, month
from kpixa.scoring.inputs import commune_rows
from kpixa.scoring.models import RunStatus, ScoreRun, UnitScore
from kpixa.scoring.services.scores import score_communes
from kpixa.scoring.versions import framework_of, period_of
from kpixa.units.models import Province


@dataclass(frozen=True)
class PreviewRow:
    """One commune's class and rank now and under the new version."""

    code: str
    name: str
    current_total: Decimal | None
    current_class: str
    current_rank: int | None
    new_total: Decimal | None
    new_class: str
    new_rank: int | None

    @property
    def changed(self) -> bool:
        return (self.current_class, self.current_rank) != (self.new_class, self.new_rank)

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative); None when either rank is missing."""
        if self.current_rank is None or self.new_rank is None:
            return None
        return self.current_rank - self.new_rank

    @property
    def total_change(self) -> Decimal | None:
        if self.current_total is None or self.new_total is None:
            return None
        return self.new_total - self.current_total


@dataclass(frozen=True)
class ClassCount:
    """How many communes a class has now and would have under the new version."""

    label: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class WhatIf:
    """The diff against the version in force and the preview table."""

    period: PeriodSpan
    current: Any  # the FrameworkVersion in force, or None for a new framework code
    diff: list[str]
    rows: list[PreviewRow]

    labels: tuple[str, ...] = ()  # the new version's class labels, best first

    @property
    def changed_count(self) -> int:
        return sum(1 for r in self.rows if r.changed)

    def class_counts(self) -> list[ClassCount]:
        """Communes per class before and after, in the new version's order (then any class only
        the version in force has, then the unclassified)."""
        before = Counter(r.current_class for r in self.rows)
        after = Counter(r.new_class for r in self.rows)
        extra = sorted(label for label in before if label and label not in self.labels)
        order = [*self.labels, *extra, ""]
        return [
            ClassCount(label or _("Chưa xếp loại"), before[label], after[label])
            for label in order
            if before[label] or after[label]
        ]

    def biggest_movers(self, count: int = 10) -> list[PreviewRow]:
        """The communes whose rank moves most (ties: the larger change of total first)."""
        moved = [r for r in self.rows if r.rank_change]
        moved.sort(key=_movement)
        return moved[:count]


def _movement(row: PreviewRow) -> tuple[int, Decimal, str]:
    return (-abs(row.rank_change or 0), -abs(row.total_change or Decimal(0)), row.code)


def preview_period(framework_code: str, province: Province, today: date | None = None) -> PeriodSpan:
    """The latest period scored for this framework in the province, else the current month."""
    run = (
        ScoreRun.objects.filter(
            framework_version__code=framework_code, province=province, status=RunStatus.DONE
        )
        .order_by("-started_at")
        .first()
    )
    if run is not None:
        return period_of(run.period_code)
    day = today or date.today()
    return month(day.year, day.month)


def what_if(new: Framework, province: Province, current: Any, period: PeriodSpan) -> WhatIf:
    """Compare ``new`` with ``current`` (a FrameworkVersion or None) for ``province`` over ``period``."""
    communes = commune_rows([province.pk])
    scores = {s.unit.code: s for s in score_communes(new, communes, period)}
    stored = _stored(current, period, province)
    labels = {band.code: band.label.shown for band in new.classification}
    rows = [_row(c.code, c.name, stored.get(c.code), scores[c.code], labels) for c in communes]
    diff = diff_frameworks(framework_of(current), new) if current is not None else []
    return WhatIf(period, current, diff, rows, tuple(labels[band.code] for band in new.classification))


def _stored(current: Any, period: PeriodSpan, province: Province) -> dict[str, UnitScore]:
    if current is None:
        return {}
    rows = UnitScore.objects.filter(
        framework_version=current, period_code=period.code, commune__province=province
    ).select_related("commune")
    return {r.commune.code: r for r in rows}


def _row(code: str, name: str, stored: UnitScore | None, score: Any, labels: dict[str, str]) -> PreviewRow:
    new_class = score.classification.code if score.classification else ""
    return PreviewRow(
        code=code,
        name=name,
        current_total=stored.total if stored else None,
        current_class=(labels.get(stored.classification, stored.classification_label) if stored else ""),
        current_rank=stored.rank_province if stored else None,
        new_total=score.total,
        new_class=labels.get(new_class, new_class),
        new_rank=score.rank,
    )
