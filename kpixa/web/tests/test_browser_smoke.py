"""The login page in real headless Chromium, at desktop and phone width."""

from typing import Any

import pytest

from conftest import PASSWORD, World
from kpixa.web.tests.conftest import PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_through_the_form_in_chromium(live_server: Any, page: Any, world: World) -> None:
    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    screenshot(page, "login-desktop")
    screenshot(page, "login-phone", PHONE)
    login(page, live_server.url, "province_admin", PASSWORD)
    assert "province_admin" in page.content() or "Quản trị" in page.content()
    assert page.url == live_server.url + "/tinh/52/"  # the home page sends province roles to their dashboard
