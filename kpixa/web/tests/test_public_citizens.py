"""What a citizen needs on the public pages: their commune found by name without diacritics (no
script), each indicator's target with the reason it is "Chưa đạt", and a 404 naming the published
periods when the address asks for one that is not published."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kpixa.web.tests.conftest import PHONE, screenshot
from kpixa.web.tests.helpers import client_for
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

RANKING = "/cong-khai/tinh/52/"
CARD = "/cong-khai/xa/23872/"


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/cong-khai/xa/\d+/\?period=[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("query", ["ia dom", "IA DOM", "Ia Dom", "xa ia dom", "  ia   dom "])
def test_a_citizen_finds_the_commune_with_or_without_diacritics(scored: Any, query: str) -> None:
    html = client_for(scored, None).get(RANKING, {"q": query}).content.decode()
    assert _names(html) == ["Xã Ia Dom"]
    assert "1 trên 3 xã/phường khớp." in html


def test_the_search_is_a_plain_form_and_an_empty_query_lists_everyone(scored: Any) -> None:
    html = client_for(scored, None).get(RANKING).content.decode()
    assert re.search(r'<form method="get"[^>]*role="search"', html)
    assert len(_names(html)) == 3
    assert "dơk" in client_for(scored, None).get(RANKING, {"q": "ia dok"}).content.decode().lower()
    none = client_for(scored, None).get(RANKING, {"q": "không có xã này"}).content.decode()
    assert _names(none) == [] and "Không có xã/phường nào khớp" in none


def test_the_public_scorecard_shows_targets_and_why_an_indicator_is_not_met(scored: Any) -> None:
    from kpixa.scoring.models import IndicatorScore

    missed = IndicatorScore.objects.filter(
        commune=scored.commune, period_code="2025-Q2", framework_version__code="dvc766", status="chua_dat"
    ).exclude(target=None)
    html = client_for(scored, None).get(CARD, {"period": "2025-Q2"}).content.decode()
    assert "Chỉ tiêu (%)" in html
    assert missed.exists()
    row = missed.first()
    assert row is not None and row.target is not None
    target = f"{row.target.normalize():f}".replace(".", ",")
    assert f"thấp hơn chỉ tiêu {target}%" in html or f"cao hơn chỉ tiêu tối đa {target}%" in html


@pytest.mark.parametrize(
    "url",
    [RANKING + "?period=2025-Q3", RANKING + "?period=1999-Q9", CARD + "?period=2025-Q3", CARD + "?period=x"],
)
def test_a_period_not_published_answers_404_with_the_published_ones(scored: Any, url: str) -> None:
    response = client_for(scored, None).get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Kỳ chưa được công bố" in html
    assert "?period=2025-Q2" in html  # the one published period, linked


def test_a_published_period_still_answers(scored: Any) -> None:
    assert client_for(scored, None).get(RANKING + "?period=2025-Q2").status_code == 200
    assert client_for(scored, None).get(CARD + "?period=2025-q2").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_search_works_in_a_phone_browser(live_server: Any, page: Any, scored: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + RANKING)
    page.fill("#q", "ia dom")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("table.ranking tbody tr").count() == 1
    screenshot(page, "public-search-phone")
    page.goto(live_server.url + CARD + "?period=2025-Q2")
    screenshot(page, "public-scorecard-targets-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "public-scorecard-targets-desktop")
    response = page.goto(live_server.url + RANKING + "?period=2025-Q3")
    assert response is not None and response.status == 404
    screenshot(page, "public-not-published-desktop")
