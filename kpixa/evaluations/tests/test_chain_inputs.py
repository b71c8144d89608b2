"""evaluate_period reads the law's inputs where they were entered: a, b, c from the tasks, d from
the civil servants rated "không hoàn thành", and the automatic "không hoàn thành" cases
(docs/rules.md, "Evaluation of communes and leaders")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from kpixa.evaluations.models import LeaderEvaluation, Period
from kpixa.evaluations.services import inputs
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.evaluations.tests.conftest import score
from kpixa.units.models import PostKind


def test_the_entered_inputs_replace_the_defaults_and_a_reprimand_fails_the_chairman(
    world: Any, test_kpi: Any, leaders: Any
) -> None:
    row = Period.objects.create(
        province=world.province, code="2025-H2", kind="half", start=date(2025, 7, 1), end=date(2025, 12, 31)
    )
    chairman = leaders[(world.commune.code, PostKind.CHAIRMAN)].person
    for kind, value, day in [
        ("tasks_assigned", "10", None),
        ("tasks_completed", "10", None),
        ("tasks_on_time", "6", None),
        ("subordinates_not_completed", "1", None),
        ("general_points", "28", None),
        ("organising", "90", None),
        ("uniting", "100", None),
        ("discipline", "khien_trach", date(2025, 9, 1)),
    ]:
        entry = inputs.Entry(world.commune, PostKind.CHAIRMAN, chairman, kind, value, day)
        inputs.set_input(row, entry)
    score(world, "2025-H2", {world.commune: 80, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")
    rated = LeaderEvaluation.objects.get(commune=world.commune, post=PostKind.CHAIRMAN)
    assert (rated.a_quantity, rated.c_timeliness, rated.d_unit_result) == (
        Decimal(100),
        Decimal(90),
        Decimal(50),
    )
    assert rated.total is not None
    assert rated.classification == "khong_hoan_thanh"
    assert "khoản 4 điểm c" in rated.explanation_vi
    untouched = LeaderEvaluation.objects.get(commune=world.sibling, post=PostKind.CHAIRMAN)
    assert untouched.d_unit_result == Decimal(75)  # no input: the earlier default stays
