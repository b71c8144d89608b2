"""The published-results page adds up: each indicator shows its own points beside what it adds to the
total ("Tính vào tổng", after N/A re-scaling), in the words of every other scorecard, and the shown
parts sum to the published total; snapshots carry the contributions, older ones are read with the
stored scores of the same run, and where neither holds them the page says so (docs/rules.md,
"Rates and points")."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kpixa.accounts.models import Role
from kpixa.evaluations import snapshots
from kpixa.evaluations.models import Period
from kpixa.evaluations.services import appeals, lifecycle
from kpixa.evaluations.tests.conftest import Q3, report_tasks, reported
from kpixa.scoring.models import IndicatorScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.web.labels import counted_sentence

pytestmark = pytest.mark.django_db
COMMUNE = f"/ky-danh-gia/xa/23872/{Q3}/"


def _score(world: Any, with_result: bool = False) -> None:
    """Ia Dom without a reported result (1.1 excluded: 1.2's 10 points count as 100), the others
    with one; with ``with_result`` Ia Dom reports 70 too (nothing re-scaled)."""
    values: dict[int, dict[str, Any]] = {
        world.commune.pk: {"budget_revenue": 100},
        world.sibling.pk: {"result": 70, "budget_revenue": 100},
    }
    if with_result:
        values[world.commune.pk]["result"] = 70
    compute_scores("test_kpi", Q3, "52", providers=reported(values))
    report_tasks(world, Q3, [world.commune, world.sibling], {})


def _publish(world: Any) -> Any:
    admin = world.users[Role.PROVINCE_ADMIN]
    lifecycle.close_period(admin, world.province, Q3)
    return lifecycle.publish_period(admin, world.province, Q3)


def _page(world: Any) -> str:
    client = Client()
    client.force_login(world.users[Role.COMMUNE_LEADER])
    response = client.get(COMMUNE)
    assert response.status_code == 200
    return response.content.decode()


def _shown(page: str) -> tuple[Decimal, list[Decimal]]:
    total = re.search(r'data-total="([^"]+)"', page)
    assert total is not None
    parts = [Decimal(v) for v in re.findall(r'data-counted="([^"]+)"', page)]
    return Decimal(total.group(1)), parts


def test_the_shown_parts_add_up_to_the_published_total_with_the_reason(world: Any, test_kpi: Any) -> None:
    _score(world)
    snapshot = _publish(world)
    ia_dom = snapshots.find_unit(snapshot.content, "test_kpi", "23872")
    assert ia_dom is not None
    assert {i["code"]: (i["contribution"], i["contribution_max"]) for i in ia_dom["indicators"]} == {
        "1.1": ("0.00", "0.00"),
        "1.2": ("100.00", "100.00"),
    }
    page = _page(world)
    total, parts = _shown(page)
    assert total == Decimal(ia_dom["total"]) == Decimal(100) and sum(parts) == total
    # The raw points beside the re-scaled ones, with the sentence every scorecard prints.
    assert "Tính vào tổng" in page and "Điểm / tối đa" in page
    assert "10 / 10</td>" in page and "100 / 100</td>" in page
    assert counted_sentence(Decimal(100)) in " ".join(page.split())


def test_a_revision_moves_the_contribution_with_the_points(world: Any, test_kpi: Any) -> None:
    _score(world, with_result=True)
    _publish(world)
    leader, admin = world.users[Role.COMMUNE_LEADER], world.users[Role.PROVINCE_ADMIN]
    appeal = appeals.file_appeal(leader, world.commune, Q3, "test_kpi", "1.1", "Thiếu số liệu")
    revision = appeals.uphold_appeal(admin, appeal, "Đã đối chiếu", Decimal("85"))
    unit = snapshots.find_unit(revision.content, "test_kpi", "23872")
    assert unit is not None
    row = next(i for i in unit["indicators"] if i["code"] == "1.1")
    assert Decimal(row["points"]) == Decimal(row["contribution"]) == Decimal(85)
    assert sum(Decimal(i["contribution"]) for i in unit["indicators"]) == Decimal(unit["total"])
    total, parts = _shown(_page(world))
    assert total == Decimal(unit["total"]) == Decimal(95) and sum(parts) == total


def _without_contributions(content: dict[str, Any]) -> dict[str, Any]:
    """``content`` as a snapshot published before indicators carried their contribution."""
    for unit in content["units"]:
        for row in unit["indicators"]:
            row.pop("contribution"), row.pop("contribution_max")
    return content


def test_an_older_snapshot_is_read_with_the_stored_scores_of_the_same_run(
    world: Any, test_kpi: Any, django_assert_num_queries: Any
) -> None:
    _score(world)
    lifecycle.close_period(world.users[Role.PROVINCE_ADMIN], world.province, Q3)
    period = Period.objects.get(province=world.province, code=Q3)
    content = _without_contributions(snapshots.build_content(period))
    with django_assert_num_queries(1):  # the stored scores of the period
        (unit,) = snapshots.counted_units(content, world.commune.pk, "23872")
    assert unit.stored and unit.rescaled
    assert [(i["code"], i["counted"], i["counted_max"]) for i in unit.indicators] == [
        ("1.1", "0.00", "0.00"),
        ("1.2", "100.00", "100.00"),
    ]
    # Moved by a revision as the total was: still the sum.
    revised, _changes = snapshots.revise(content, "test_kpi", "23869", "1.1", Decimal("80"), None)
    (sibling,) = snapshots.counted_units(revised, world.sibling.pk, "23869")
    shown = sum(Decimal(i["counted"]) for i in sibling.indicators)
    assert shown == Decimal(sibling.unit["total"]) == Decimal("90.00")


def test_without_stored_contributions_the_page_says_so_and_shows_no_sum(world: Any, test_kpi: Any) -> None:
    _score(world)
    IndicatorScore.objects.update(contribution=None, contribution_max=None)  # scored before they were
    _publish(world)
    page = _page(world)
    assert "không lưu điểm tính vào tổng" in page and "Không lưu" in page
    assert re.findall(r'data-counted="([^"]+)"', page) == []


def test_results_scored_before_contributions_get_them_where_nothing_was_rescaled(
    world: Any, test_kpi: Any
) -> None:
    """The scoring migration 0004 fills what is certain and leaves re-scaled results NULL (their
    pages say "not stored"); nothing is recomputed."""
    from django.apps import apps

    fill = importlib.import_module("kpixa.scoring.migrations.0004_fill_contributions_not_rescaled")
    _score(world)  # Ia Dom re-scaled (1.1 excluded), Ia Dơk not
    before = set(IndicatorScore.objects.values_list("pk", "points"))
    IndicatorScore.objects.update(contribution=None, contribution_max=None)
    assert fill.fill_not_rescaled(apps) == 1
    rows = IndicatorScore.objects.filter(commune__in=[world.commune, world.sibling])
    assert list(
        rows.order_by("commune__code", "indicator_code").values_list(
            "commune__code", "indicator_code", "contribution", "contribution_max"
        )
    ) == [
        ("23869", "1.1", Decimal("63.00"), Decimal("90.00")),
        ("23869", "1.2", Decimal("10.00"), Decimal("10.00")),
        ("23872", "1.1", None, None),  # excluded: 0 points, 1.2's 10 counted as 100
        ("23872", "1.2", None, None),
    ]
    assert set(IndicatorScore.objects.values_list("pk", "points")) == before  # nothing recomputed
    assert fill.fill_not_rescaled(apps) == 0  # once filled, nothing left that is certain
