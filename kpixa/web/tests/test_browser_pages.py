"""The pages in real headless Chromium: each role sees its own, drill-down to a late dossier's
timeline, the language switch, and screenshots of the main pages at desktop and phone width."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD
from kpixa.web.tests.conftest import DESKTOP, PHONE, login, screenshot
from kpixa.web.tests.scored import LATE_DOSSIERS, scored_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status_of(page: Any, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return int(response.status)


@pytest.mark.parametrize("role", ["province_admin", "province_viewer"])
def test_it_shows_province_roles_their_province_and_nothing_more(
    live_server: Any, page: Any, scored: Any, role: str
) -> None:
    login(page, live_server.url, role, PASSWORD)
    page.goto(live_server.url + "/cua-toi/")
    assert page.url.endswith("/tinh/52/")
    assert page.locator("h1").inner_text() == "Bảng điều khiển Tỉnh Gia Lai"
    assert page.locator("table.ranking tbody tr").count() == 3
    assert status_of(page, live_server.url + "/tinh/66/") == 404
    assert status_of(page, live_server.url + "/xa/24121/") == 404
    assert status_of(page, live_server.url + "/xa/23869/") == 200


@pytest.mark.parametrize("role", ["commune_leader", "commune_officer"])
def test_it_shows_commune_roles_their_commune_and_nothing_more(
    live_server: Any, page: Any, scored: Any, role: str
) -> None:
    login(page, live_server.url, role, PASSWORD)
    page.goto(live_server.url + "/cua-toi/")
    assert page.url.endswith("/canh-bao/xa/23872/")  # their list for today (early warning)
    assert "Việc cần làm — Xã Ia Dom" in page.locator("h1").inner_text()
    assert status_of(page, live_server.url + "/tinh/52/") == 403
    assert status_of(page, live_server.url + "/xa/23869/") == 404
    assert status_of(page, live_server.url + "/xa/23872/lanh-dao/") == 200


def test_it_drills_down_from_a_scorecard_to_a_late_dossiers_timeline(
    live_server: Any, page: Any, scored: Any
) -> None:
    login(page, live_server.url, "province_viewer", PASSWORD)
    page.goto(live_server.url + "/xa/23872/?period=2025-Q3")
    screenshot(page, "scorecard-desktop")
    screenshot(page, "scorecard-phone", PHONE)
    page.set_viewport_size(DESKTOP)
    with page.expect_navigation():
        page.get_by_role("link", name="30 trễ hạn").click()
    assert "outcome=late" in page.url
    assert page.locator("tbody tr").count() == LATE_DOSSIERS
    screenshot(page, "dossiers-desktop")
    screenshot(page, "dossiers-phone", PHONE)
    with page.expect_navigation():
        page.locator("tbody tr a").first.click()
    assert "/dossiers/MCDT/H52.23872-250801-0000/" in page.url
    assert "H52.23872-250801-0000" in page.locator("h1").inner_text()


def test_it_switches_the_language_with_the_keyboard(live_server: Any, page: Any, scored: Any) -> None:
    page.goto(live_server.url + "/cong-khai/tinh/52/")
    assert page.locator("html").get_attribute("lang") == "vi"
    button = page.get_by_role("button", name="English")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/cong-khai/tinh/52/")
    assert page.get_by_role("button", name="Tiếng Việt").count() == 1


SCREENSHOT_PAGES = {
    "dashboard": "/tinh/52/?period=2025-Q3",
    "scorecard": "/xa/23872/?period=2025-Q3",
    "dossiers": "/xa/23872/ho-so/?indicator=2.1&outcome=late&period=2025-Q3",
    "leaders": "/xa/23872/lanh-dao/?period=2025-Q3",
    "national": "/quoc-gia/",
    "public-ranking": "/cong-khai/tinh/52/",
    "public-scorecard": "/cong-khai/xa/23872/",
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_writes_screenshots_of_the_main_pages(
    live_server: Any, page: Any, scored: Any, language: str
) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for name, url in SCREENSHOT_PAGES.items():
        page.set_viewport_size(DESKTOP)
        assert status_of(page, live_server.url + url) == 200
        assert page.locator("html").get_attribute("lang") == language
        screenshot(page, f"{name}-{language}-desktop")
        path = screenshot(page, f"{name}-{language}-phone", PHONE)
        assert path.exists()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, (name, width)  # wide tables scroll inside their box


def test_it_shows_where_the_keyboard_focus_is(live_server: Any, page: Any, scored: Any) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(live_server.url + "/tinh/52/?period=2025-Q3")
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        tag, outline = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.tagName, s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0]; }"
        )
        seen.add(tag)
        assert outline >= 2, (tag, outline)
    assert {"A", "BUTTON", "SELECT"} <= seen
