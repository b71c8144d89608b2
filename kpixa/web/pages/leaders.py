"""A commune's leader page (``/xa/<code>/lanh-dao/``): its two accountable leaders' ratings with
their chain, and the consequences proposed for the period (stored evaluations, 4 queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kpixa.evaluations.models import CommuneEvaluation, Consequence, LeaderEvaluation
from kpixa.evaluations.models import Period as EvaluationPeriod
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Commune
from kpixa.web.pages.common import sort_periods


@dataclass
class LeaderPage:
    """The commune's accountable leaders' ratings and proposed consequences for a period."""

    evaluation_period: EvaluationPeriod | None
    commune_result: CommuneEvaluation | None
    leaders: list[LeaderEvaluation]
    consequences: dict[int | None, list[Consequence]]  # by person id (None: the commune)

    @property
    def commune_class_label(self) -> str:
        """The commune's class in the words of the framework that classified it."""
        if self.commune_result is None:
            return ""
        bands = framework_of(self.commune_result.framework_version).classification
        code = self.commune_result.classification
        return next((b.label.vi for b in bands if b.code == code), code)


def leader_periods(commune: Commune) -> list[PeriodSpan]:
    """Periods with leader evaluations of the commune's province, latest first (one query)."""
    codes = EvaluationPeriod.objects.filter(province_id=commune.province_id, leader_evaluations__isnull=False)
    return sort_periods(codes.order_by().values_list("code", flat=True).distinct())


def leader_page(commune: Commune, period: PeriodSpan) -> LeaderPage:
    """The leaders' ratings with their chain and the proposals of the period (4 queries)."""
    row = EvaluationPeriod.objects.filter(province_id=commune.province_id, code=period.code).first()
    if row is None:
        return LeaderPage(None, None, [], {})
    result = (
        CommuneEvaluation.objects.filter(period=row, commune=commune)
        .select_related("framework_version")
        .first()
    )
    leaders = list(
        LeaderEvaluation.objects.filter(period=row, commune=commune)
        .select_related("person", "tenure")
        .order_by("post", "tenure__start")
    )
    consequences: dict[int | None, list[Consequence]] = defaultdict(list)
    for item in Consequence.objects.filter(period=row, commune=commune).order_by("kind", "post"):
        consequences[item.person_id].append(item)
    return LeaderPage(row, result, leaders, dict(consequences))
