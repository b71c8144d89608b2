"""``compute_scores --framework F --period P [--province CODE]``: score and store one period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.versions import ScoringError


class Command(BaseCommand):
    help = "Compute and store the scores of a framework for a period (one province or all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework code, e.g. dvc766")
        parser.add_argument("--period", required=True, help="2025-07, 2025-Q3, 2025-H2, 2025 or 2025-YTD-10")
        parser.add_argument("--province", default=None, help="province code (default: every province)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = compute_scores(options["framework"], options["period"], options["province"])
        except ScoringError as exc:
            raise CommandError(str(exc)) from exc
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
        self.stdout.write(
            f"{run.framework_version} {run.period_code}: {run.communes_count} communes, "
            f"{run.indicator_scores_count} indicator scores in {seconds:.2f} s (run {run.pk})"
        )
