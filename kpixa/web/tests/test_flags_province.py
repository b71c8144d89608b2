"""The province's flags page: per commune late steps, hours over, dossiers made late and the
pass-around share, ranked; per department the delay caused, ranked; opened on the latest month
with dossiers when no period is asked for (docs/flags.md, "Review")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kpixa.accountability import queries
from kpixa.accountability.services import detect_period
from kpixa.accountability.tests.test_pass import bounced, load, normal
from kpixa.dossiers.tests.conftest import catalogue, fast_passwords  # noqa: F401
from kpixa.scoring.engine.periods import parse_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(catalogue: Any, tmp_path: Path) -> Any:  # noqa: F811
    load(tmp_path, [bounced(), normal()])
    detect_period("52", "2026-03")
    return catalogue


def admin_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["province_admin"])
    return client


def test_it_counts_each_commune_and_ranks_them(flagged: Any) -> None:
    span = parse_period("2026-03")
    lines = queries.commune_lines("52", span.start, span.end)
    assert [line.code for line in lines][0] == "23872"  # the only commune with a pass-around
    ia_dom = lines[0]
    assert (ia_dom.dossiers, ia_dom.pass_around, ia_dom.share_percent) == (2, 1, 50.0)
    assert ia_dom.late_steps == 2 and ia_dom.hours_over > 0 and ia_dom.made_late_by_staff == 1
    others = [line for line in lines if line.code != "23872"]
    assert others and all(line.dossiers == 0 and line.made_late == 0 for line in others)
    by_hours = queries.commune_lines("52", span.start, span.end, "hours_over")
    assert by_hours[0].code == "23872"


def test_it_ranks_the_departments_of_the_province(flagged: Any) -> None:
    span = parse_period("2026-03")
    lines = queries.province_departments("52", span.start, span.end)
    assert lines and lines[0].commune_code == "23872"
    land = next(x for x in lines if x.line.department == "Địa chính - Xây dựng")
    assert land.line.late_steps >= 1 and land.line.passed_back == 1
    assert [x.line.overrun_hours for x in lines] == sorted(
        (x.line.overrun_hours for x in lines), reverse=True
    )
    assert len(queries.province_departments("52", span.start, span.end, limit=1)) == 1


def test_the_page_opens_on_the_latest_month_with_dossiers(
    flagged: Any, django_assert_num_queries: Any
) -> None:
    client = admin_client(flagged)
    url = reverse("web:flags_province", args=["52"])
    client.get(url)
    with django_assert_num_queries(15):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'value="2026-03"' in body  # not the current month, which has no data
    assert "HS-BOUNCE" in body
    assert 'id="ranking"' in body and 'id="departments"' in body
    assert "Địa chính - Xây dựng" in body and "50%" in body
    ordered = client.get(url, {"order": "late_steps"}).content.decode()
    assert 'aria-current="true">Bước xử lý quá hạn<' in ordered
    commune = client.get(reverse("web:flags_commune", args=["23872"])).content.decode()
    assert 'value="2026-03"' in commune and "HS-BOUNCE" in commune


def test_an_empty_province_opens_on_the_current_month(world: Any) -> None:
    page = admin_client(world).get(reverse("web:flags_province", args=["52"]))
    assert page.status_code == 200
    assert "Không có bước xử lý quá hạn hay hồ sơ bị đùn đẩy trong kỳ." in page.content.decode()
