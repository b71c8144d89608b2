"""A commune's leader page (``/xa/<code>/lanh-dao/``): the period's evaluation under the texts
(``RegimeEvaluation``: each leader's regime, total, class, criteria and reasons with their
articles) where ``evaluate`` stored one. The earlier one-formula rating (``evaluate_period``) is
never shown as a leader's class: without an evaluation under the texts the page shows the
commune's KPI score, labelled as such, the leaders in post and that they are not yet evaluated,
so no page shows two classes for one leader (docs/rules.md, "Evaluation of communes and leaders").
Five queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from kpixa.evaluations.models import CommuneEvaluation, Consequence, LeaderEvaluation, RegimeEvaluation
from kpixa.evaluations.models import Period as EvaluationPeriod
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Commune, PostKind
from kpixa.web.pages.common import sort_periods

# The texts a leader is rated under (kpixa/rules/leaders.py's regime codes).
REGIME_NAMES = {
    "nd335": gettext_lazy("Nghị định 335/2025/NĐ-CP"),
    "qd366": gettext_lazy("Quy định 366-QĐ/TW"),
}
POST_NAMES = {"chu_tich": PostKind.CHAIRMAN.label, "bi_thu": PostKind.SECRETARY.label}


@dataclass
class RegimeResult:
    """The commune's entry in one stored evaluation under the texts (one commune framework)."""

    framework_code: str
    evaluated_at: Any
    commune: dict[str, Any]

    @property
    def leaders(self) -> list[dict[str, Any]]:
        """The commune's leaders, each with the name of its regime and post added."""
        return [
            {
                **leader,
                "regime_name": REGIME_NAMES.get(leader.get("regime") or "", leader.get("regime") or "—"),
                "post_name": POST_NAMES.get(leader.get("post") or "", leader.get("post") or ""),
            }
            for leader in self.commune.get("leaders", [])
        ]


@dataclass
class LeaderPage:
    """The commune's accountable leaders' ratings and proposed consequences for a period."""

    evaluation_period: EvaluationPeriod | None
    commune_result: CommuneEvaluation | None
    leaders: list[LeaderEvaluation]
    consequences: dict[int | None, list[Consequence]]  # by person id (None: the commune)
    regime: list[RegimeResult] = field(default_factory=list)  # under the texts, when evaluated

    @property
    def commune_class_label(self) -> str:
        """The commune's class in the words of the framework that classified it."""
        if self.commune_result is None:
            return ""
        bands = framework_of(self.commune_result.framework_version).classification
        code = self.commune_result.classification
        return next((b.label.shown for b in bands if b.code == code), code)


def leader_periods(commune: Commune) -> list[PeriodSpan]:
    """Periods with leader evaluations (earlier rules or under the texts) of the commune's
    province, latest first (one query)."""
    rows = EvaluationPeriod.objects.filter(province_id=commune.province_id)
    codes = rows.filter(leader_evaluations__isnull=False) | rows.filter(regime_evaluations__isnull=False)
    return sort_periods(codes.order_by().values_list("code", flat=True).distinct())


def regime_results(row: EvaluationPeriod, commune: Commune) -> list[RegimeResult]:
    """The commune's entries in the period's stored evaluations under the texts (one query)."""
    out = []
    for evaluation in RegimeEvaluation.objects.filter(period=row).order_by("framework_code"):
        entry = next(
            (c for c in evaluation.content.get("communes", []) if c.get("unit_code") == commune.code), None
        )
        if entry is not None:
            out.append(RegimeResult(evaluation.framework_code, evaluation.evaluated_at, entry))
    return out


def leader_page(commune: Commune, period: PeriodSpan) -> LeaderPage:
    """The evaluation under the texts, the earlier ratings with their chain and the proposals of
    the period (5 queries)."""
    row = EvaluationPeriod.objects.filter(province_id=commune.province_id, code=period.code).first()
    if row is None:
        return LeaderPage(None, None, [], {})
    regime = regime_results(row, commune)
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
    return LeaderPage(row, result, leaders, dict(consequences), regime)
