"""What-if: how a new framework version would classify and rank a province's communes on
current data, computed in memory (nothing stored) beside the stored results of the version in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kpixa.scoring.engine.diff import diff_frameworks
from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import PeriodSpan, month
from kpixa.scoring.inputs import commune_rows
from kpixa.scoring.models import RunStatus, ScoreRun, UnitScore
from kpixa.scoring.services import score_communes
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


@dataclass(frozen=True)
class WhatIf:
    """The diff against the version in force and the preview table."""

    period: PeriodSpan
    current: Any  # the FrameworkVersion in force, or None for a new framework code
    diff: list[str]
    rows: list[PreviewRow]

    @property
    def changed_count(self) -> int:
        return sum(1 for r in self.rows if r.changed)


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
    labels = {band.code: band.label.vi for band in new.classification}
    rows = [_row(c.code, c.name, stored.get(c.code), scores[c.code], labels) for c in communes]
    diff = diff_frameworks(framework_of(current), new) if current is not None else []
    return WhatIf(period, current, diff, rows)


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
        current_class=stored.classification_label if stored else "",
        current_rank=stored.rank_province if stored else None,
        new_total=score.total,
        new_class=labels.get(new_class, new_class),
        new_rank=score.rank,
    )
