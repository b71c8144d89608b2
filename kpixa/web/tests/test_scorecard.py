"""The commune scorecard (kpixa/web/pages/scorecard.py) through Django's test client: what it shows, who
may see it, and how many queries it costs."""

from __future__ import annotations

from typing import Any

import pytest

from kpixa.web.tests.helpers import assert_csp_clean, client_for, page, rescore_august_from_the_dossiers
from kpixa.web.tests.scored import LATE_DOSSIERS, scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_shows_each_indicator_with_fraction_points_status_and_links(scored: Any) -> None:
    html = page(client_for(scored, "commune_leader"), "/xa/23872/?period=2025-Q3")
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in html
    assert "70 / 100" in " ".join(html.split()) or ">70</a>" in html
    assert "30 trễ hạn" in html
    assert "/xa/23872/ho-so/?indicator=2.1&amp;outcome=late&amp;period=2025-Q3" in html
    assert "Chưa đạt" in html  # the status in words, not colour alone
    assert_csp_clean(html)


def test_it_answers_the_scorecard_in_a_fixed_number_of_queries(
    scored: Any, django_assert_num_queries: Any
) -> None:
    client = client_for(scored, "province_viewer")
    client.get("/xa/23872/?period=2025-Q2")
    # user, commune (read once, by the access check), runs with the versions, unit, lines, and
    # the count of dossiers without a due time (the data-quality note), the menu's unread count
    with django_assert_num_queries(7):
        client.get("/xa/23872/?period=2025-Q3")
    with django_assert_num_queries(4):  # the body is cached under the runs' as-of time
        client.get("/xa/23872/?period=2025-Q3")


def test_it_never_shows_a_cached_scorecard_older_than_the_stored_results(scored: Any) -> None:
    client = client_for(scored, "province_viewer")
    assert "28 trễ hạn" in page(client, "/xa/23872/?period=2025-08")  # the fixture's 72 of 100
    rescore_august_from_the_dossiers(scored)
    html = page(client, "/xa/23872/?period=2025-08")
    assert "28 trễ hạn" not in html and f"{LATE_DOSSIERS} trễ hạn" in html


def test_it_explains_each_indicator_and_the_classification_bands(scored: Any) -> None:
    html = page(client_for(scored, "commune_leader"), "/xa/23872/?period=2025-Q3")
    assert html.count("<summary>Cách tính</summary>") >= 10  # one per indicator with a stored result
    assert "từ 90 điểm" in html  # the framework's bands, in its own numbers
    assert "Xu hướng chỉ số 2.1" in html


def test_it_keeps_commune_roles_to_their_own_commune(scored: Any) -> None:
    client = client_for(scored, "commune_officer")
    page(client, "/xa/23869/", 404)
    page(client, "/xa/23869/ho-so/", 404)
    page(client, "/xa/23869/lanh-dao/", 404)
