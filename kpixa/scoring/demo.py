"""Demo step: score the demo dossiers of Gia Lai for July–December 2025 (idempotent)."""

from __future__ import annotations

from kpixa.scoring.services.scores import compute_scores, frozen_provinces
from kpixa.units.models import Province

DEMO_PROVINCE = "52"
# dvc766 first: the example KPI framework reads its total.
DEMO_FRAMEWORKS = ("dvc766", "kpi_xa_example")
DEMO_PERIODS = (
    *(f"2025-{m:02d}" for m in range(7, 13)),
    "2025-Q3",
    "2025-Q4",
    "2025-H2",
)


def seed_scores_demo() -> None:
    """Compute and store both frameworks for every open demo period.

    Recomputing replaces, never duplicates; a period the evaluations demo has closed or
    published is frozen and left as it is, so running the demo again changes nothing there.
    """
    province_id = Province.objects.get(code=DEMO_PROVINCE).pk
    for framework in DEMO_FRAMEWORKS:
        for period in DEMO_PERIODS:
            if frozen_provinces(period, {province_id}):
                continue
            compute_scores(framework, period, DEMO_PROVINCE, triggered_by="demo")
