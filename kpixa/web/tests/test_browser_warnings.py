"""The early warning pages (kpixa/warnings) in real headless Chromium, at phone (390 px) and
desktop width; here, beside the other page tests, to share their one browser per session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from conftest import PASSWORD
from kpixa.dossiers.tests.conftest import catalogue  # noqa: F401
from kpixa.scoring.tests.conftest import frameworks  # noqa: F401
from kpixa.warnings import views
from kpixa.warnings.tests.test_queries import run, timelines
from kpixa.web.tests.conftest import DESKTOP, PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 3, 20, 9, 0).astimezone()


@pytest.fixture
def loaded(catalogue, frameworks, monkeypatch):  # type: ignore[no-untyped-def]  # noqa: F811
    run(timelines())
    monkeypatch.setattr(views, "_now", lambda request: NOW)
    return catalogue


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_commune_leader_lands_on_the_list_and_opens_a_dossier(
    live_server: Any, page: Any, loaded: Any
) -> None:
    login(page, live_server.url, "commune_leader", PASSWORD)
    page.goto(live_server.url + "/")
    assert page.url.endswith("/canh-bao/xa/23872/")
    assert page.locator("h1").inner_text() == "Việc cần làm — Xã Ia Dom"
    overdue = page.locator("ol.ew-list.overdue li")
    assert overdue.count() == 1 and "O1" in overdue.first.inner_text()
    assert page.locator("ol.ew-list.today li .ma").all_inner_texts() == ["O5"]
    assert page.locator("section[aria-labelledby=week] li .ma").all_inner_texts() == ["O2", "O3"]
    screenshot(page, "warnings-commune-desktop", DESKTOP)
    screenshot(page, "warnings-commune-phone", PHONE)
    assert _fits(page)
    with page.expect_navigation():
        page.locator("ol.ew-list.today li a").first.click()
    assert "/dossiers/motcua/O5/" in page.url


def test_the_province_sees_its_communes_at_risk_on_a_phone(live_server: Any, page: Any, loaded: Any) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(live_server.url + "/canh-bao/tinh/52/")
    assert page.locator("h1").inner_text() == "Cảnh báo sớm — Tỉnh Gia Lai"
    screenshot(page, "warnings-province-desktop", DESKTOP)
    screenshot(page, "warnings-province-phone", PHONE)
    assert _fits(page)
    page.goto(live_server.url + "/canh-bao/dang-ky/")
    page.get_by_label("Hồ sơ đến hạn trong 5 ngày làm việc tới").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu").click()
    assert page.get_by_label("Hồ sơ đến hạn trong 5 ngày làm việc tới").is_checked() is False
    screenshot(page, "warnings-subscriptions-phone", PHONE)
