"""``evaluate --framework F --period P --province CODE``: communes and leaders under the texts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.evaluations.services import legal
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.scoring.versions import ScoringError


class Command(BaseCommand):
    help = (
        "Evaluate the province's communes and their leaders for a period from the framework's totals "
        "and the entered inputs (Decree 335, Regulation 366, Regulation 377, the province's policy)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--province", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            stored = legal.evaluate(options["framework"], options["period"], options["province"])
        except (EvaluationError, ScoringError) as exc:
            raise CommandError(str(exc)) from exc
        communes = stored.content["communes"]
        leaders = sum(len(c["leaders"]) for c in communes)
        proposals = sum(
            len(c["consequences"]) + sum(len(x["consequences"]) for x in c["leaders"]) for c in communes
        )
        self.stdout.write(
            f"{stored.period.code} {stored.framework_code}: {len(communes)} communes, "
            f"{leaders} leaders, {proposals} proposals"
        )
