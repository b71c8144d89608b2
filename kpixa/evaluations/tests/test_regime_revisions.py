"""An upheld appeal revises the evaluation under the texts the same way as the scores: the
commune's corrected total goes through the same rules again, the new snapshot revision carries
the result with each changed field listed, the stored evaluation follows, the other communes
stay as published (docs/scoring.md, "Evaluation under the texts")."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from kpixa.evaluations.models import RegimeEvaluation
from kpixa.evaluations.services import appeals, lifecycle
from kpixa.evaluations.tests import test_legal

YEAR = test_legal.YEAR
# Ia Dom 80 with all its inputs (tasks on time, 3 of 10 exceeded), Ia Dơk's Chairman reprimanded.
evaluated = test_legal.evaluated
year_row = test_legal.year_row


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def published(world: Any, evaluated: dict[str, Any]) -> Any:
    admin = world.users["province_admin"]
    lifecycle.close_period(admin, world.province, YEAR)
    return lifecycle.publish_period(admin, world.province, YEAR)


def uphold(world: Any, points: str) -> Any:
    appeal = appeals.file_appeal(
        world.users["commune_leader"], world.commune, YEAR, "test_kpi", "1.1", "Thiếu số liệu quý 4"
    )
    return appeals.uphold_appeal(world.users["province_admin"], appeal, "Đã đối chiếu", Decimal(points))


def commune_of(snapshot: Any, code: str) -> dict[str, Any]:
    return next(c for c in snapshot.content["regime_evaluations"]["test_kpi"] if c["unit_code"] == code)


def test_it_re_rates_the_commune_under_the_texts_in_the_new_revision(world, published):
    before = commune_of(published, world.commune.code)
    assert (before["total"], before["classification"]) == ("80.00", "tot")
    revision = uphold(world, "85")  # 70 → 85 points: the total becomes 95
    after = commune_of(revision, world.commune.code)
    assert (after["total"], after["classification"]) == ("95.00", "xuat_sac")
    fields = {(c["commune"], c["field"]): (c["before"], c["after"]) for c in revision.changes}
    assert fields[(world.commune.code, "regime.total")] == ("80.00", "95.00")
    assert fields[(world.commune.code, "regime.classification")] == ("tot", "xuat_sac")
    stored = RegimeEvaluation.objects.get(period__code=YEAR, framework_code="test_kpi")
    assert next(c for c in stored.content["communes"] if c["unit_code"] == world.commune.code) == after


def test_the_other_communes_stay_as_published(world, published):
    others = [copy.deepcopy(c) for c in published.content["regime_evaluations"]["test_kpi"]]
    revision = uphold(world, "85")
    for carried, was in zip(revision.content["regime_evaluations"]["test_kpi"], others, strict=True):
        if was["unit_code"] != world.commune.code:
            assert carried == was
    regime_changes = [c for c in revision.changes if c["field"].startswith("regime.")]
    assert regime_changes and all(c["commune"] == world.commune.code for c in regime_changes)


def test_the_published_revision_is_left_unchanged(world, published):
    kept = copy.deepcopy(published.content)
    uphold(world, "85")
    published.refresh_from_db()
    assert published.content == kept
