"""A committed import batch refreshes the stored scores it changes within seconds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kpixa.dossiers.services.importing import import_file, touched_by
from kpixa.dossiers.tests.conftest import PORTAL_SAMPLE
from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.scoring.models import IndicatorScore, RunKind, ScoreRun
from kpixa.scoring.services.scores import compute_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def dvc766(world: Any) -> None:
    path = next(p for p in shipped_files() if p.name == "dvc766.yaml")
    install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)


def progress_of(commune: Any, period: str) -> Any:
    return IndicatorScore.objects.get(commune=commune, period_code=period, indicator_code="2.1")


def test_it_refreshes_the_scores_a_batch_changes_after_commit(
    world: Any, catalogue: Any, dvc766: None, django_capture_on_commit_callbacks: Any
) -> None:
    compute_scores("dvc766", "2026-02", "52")
    assert progress_of(world.commune, "2026-02").denominator is None  # no dossiers yet
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_file(PORTAL_SAMPLE, source_system="dvcq")
    assert batch.created == 2
    refreshed = progress_of(world.commune, "2026-02")
    assert refreshed.denominator == 1  # the February dossier; the March one is not in the period
    assert ScoreRun.objects.filter(kind=RunKind.INCREMENTAL, period_code="2026-02").exists()


def test_it_finds_the_communes_and_days_a_batch_spans(world: Any, catalogue: Any) -> None:
    batch = import_file(PORTAL_SAMPLE, source_system="dvcq")
    communes, days = touched_by(batch.pk)
    assert communes == {world.commune.pk}
    assert date(2026, 2, 13) in days  # received and finished that day
    assert date(2026, 3, 2) in days  # the open land dossier counts until today
    assert max(days) == max(days | {date.today()})
