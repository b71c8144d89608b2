"""Demo step: score the demo dossiers of Gia Lai for July–December 2025 (idempotent)."""

from __future__ import annotations

from kpixa.scoring.services import compute_scores

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
    """Compute and store both frameworks for every demo period (recomputing replaces, never duplicates)."""
    for framework in DEMO_FRAMEWORKS:
        for period in DEMO_PERIODS:
            compute_scores(framework, period, DEMO_PROVINCE, triggered_by="demo")
