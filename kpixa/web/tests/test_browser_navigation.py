"""The header menu and the confirmations in real headless Chromium: each role walks its menu from its
landing page (every link answers, none 403/404/500), the phone menu opens without script, and an
irreversible action runs only after a second click on a confirmation stating its effect."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD
from kpixa.evaluations.models import Period
from kpixa.web.tests.conftest import DESKTOP, PHONE, login, screenshot
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("anonymous", "province_admin", "province_viewer", "commune_leader", "commune_officer", "root")


def _menu_links(page: Any) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "nav#site-menu a", "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_walks_its_menu_without_a_broken_link(
    live_server: Any, page: Any, scored: Any, role: str
) -> None:
    if role == "root":
        from kpixa.accounts.models import User

        User.objects.create_superuser("root", password=PASSWORD)
    if role != "anonymous":
        login(page, live_server.url, role, PASSWORD)
    start = "/tinh/52/" if role == "root" else "/"  # a superuser's menu follows the province on screen
    response = page.goto(live_server.url + start)
    assert response is not None and response.status == 200
    landing = page.url
    links = _menu_links(page)
    assert links, role
    screenshot(page, f"menu-{role}-desktop")
    page.set_viewport_size(PHONE)
    assert not page.locator("nav#site-menu").is_visible()  # folded behind the "Danh mục" button
    page.get_by_text("Danh mục").click()
    assert page.locator("nav#site-menu").is_visible()
    screenshot(page, f"menu-{role}-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, (role, width)
    page.set_viewport_size(DESKTOP)
    broken = []
    for label, href in links:
        reply = page.goto(live_server.url + href)
        status = reply.status if reply is not None else 0
        if status >= 400:
            broken.append((label, href, status))
    assert not broken, f"{role} from {landing}: {broken}"


def test_closing_a_period_asks_first_and_states_the_effect(live_server: Any, page: Any, scored: Any) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(live_server.url + "/ky-danh-gia/tinh/52/2025-Q3/")
    confirm = page.get_by_role("button", name="Xác nhận khóa số liệu")
    assert not confirm.is_visible()
    page.get_by_text("Khóa số liệu…").click()
    assert confirm.is_visible()
    assert "không được tính vào kỳ này" in page.locator(".confirm-box").inner_text()
    screenshot(page, "confirm-close-desktop")
    screenshot(page, "confirm-close-phone", PHONE)
    assert not Period.objects.filter(province=scored.province, code="2025-Q3", state="closed").exists()
    with page.expect_navigation():
        confirm.click()
    assert Period.objects.get(province=scored.province, code="2025-Q3").state == "closed"
    page.get_by_text("Công bố kết quả…").click()
    assert "trang công khai" in page.locator(".confirm-box").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận công bố").click()
    assert Period.objects.get(province=scored.province, code="2025-Q3").state == "published"


def test_q4_can_be_closed_from_the_periods_list(live_server: Any, page: Any, scored: Any) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(live_server.url + "/ky-danh-gia/tinh/52/")
    codes = page.locator("tbody th[scope=row] a").all_inner_texts()
    assert {"2025-07", "2025-09", "2025-Q3", "2025-H1"} <= set(codes)
    screenshot(page, "periods-desktop")
    screenshot(page, "periods-phone", PHONE)
