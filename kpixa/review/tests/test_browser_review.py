"""The review pages in real headless Chromium, with screenshots at phone and desktop widths:
a province admin assigns an owner and checks a commitment after confirming; the dashboard's
short lagging list; the commune's commitments and the leader page's owned indicators."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import PASSWORD
from kpixa.frameworks.models import FrameworkVersion
from kpixa.frameworks.services import assign_owner
from kpixa.units.models import PostKind
from kpixa.web.tests.conftest import DESKTOP, PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Any, name: str) -> None:
    screenshot(page, f"{name}-desktop", DESKTOP)
    screenshot(page, f"{name}-phone", PHONE)
    page.set_viewport_size(DESKTOP)


def test_a_province_admin_assigns_an_owner_and_checks_a_commitment(
    live_server: Any,
    page: Any,
    meetings: Any,
) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(live_server.url + "/giao-ban/tinh/52/chiu-trach-nhiem/?ngay=2025-09-30")
    assert "chỉ số chưa có người chịu trách nhiệm" in page.locator("#gaps").inner_text()
    page.select_option("#id_code", "2")
    page.select_option("#id_post", "chairman")
    page.fill("#id_start", "2025-01-01")
    page.click("main form[method=post] button[type=submit]")
    assert page.locator("#id_confirm").count() == 1  # not confirmed: nothing assigned
    assert "Đã giao" not in page.content()
    page.check("#id_confirm")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "Đã giao người chịu trách nhiệm." in page.content()
    page.goto(live_server.url + "/giao-ban/tinh/52/chiu-trach-nhiem/?ngay=2025-09-30")
    row = page.locator("tr", has_text="Tỷ lệ hồ sơ giải quyết đúng hạn")
    assert "Chủ tịch UBND" in row.inner_text()
    shoot(page, "review-owners")

    second = meetings.meetings[1]
    page.goto(f"{live_server.url}/giao-ban/tinh/52/{second.pk}/")
    carried = page.locator("section[aria-labelledby=carried-h]")
    assert "giảm" in carried.inner_text() and "tăng" in carried.inner_text()
    shoot(page, "review-meeting")
    with page.expect_navigation():
        carried.get_by_role("link", name="Đánh giá").first.click()
    page.check("input[value=kept]")
    page.check("#id_confirm")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "Đã ghi kết quả thực hiện cam kết." in page.content()
    assert "Đã thực hiện" in page.locator("section[aria-labelledby=carried-h]").inner_text()

    page.goto(live_server.url + "/tinh/52/?period=2025-09")
    lagging = page.locator("section[aria-labelledby=lag-h]")
    assert "Xã Ia Dom" in lagging.inner_text() and lagging.locator("svg").count() >= 1
    lagging.screenshot(
        path=str(screenshot(page, "review-lagging-desktop").with_name("review-lagging-section.png"))
    )
    screenshot(page, "review-lagging-phone", PHONE)


def test_the_commune_sees_its_commitments_and_its_leaders_owned_indicators(
    live_server: Any,
    page: Any,
    meetings: Any,
) -> None:
    version = FrameworkVersion.objects.get(code="dvc766", version="2025.4")
    assign_owner(None, version, meetings.province, "2", PostKind.CHAIRMAN, date(2025, 1, 1))
    login(page, live_server.url, "commune_leader", PASSWORD)
    page.goto(live_server.url + "/giao-ban/xa/23872/cam-ket/")
    assert "Giải quyết đúng hạn (23872)" in page.content()
    assert "(23869)" not in page.content()
    shoot(page, "review-commune")
    page.goto(live_server.url + "/xa/23872/lanh-dao/")
    owned = page.locator("section.owned")
    assert "Chủ tịch UBND: Siu Thị Lan" in owned.inner_text()  # owns group 2 from 2025-01-01
    assert "Thiếu người chịu trách nhiệm" in owned.inner_text()  # the other groups: gaps
    shoot(page, "review-leader-owned")
