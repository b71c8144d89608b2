"""The one headless Chromium of a test session and a fresh page per test.

Registered once, by the project's root conftest.py, so every app's page tests share one browser
per session (a second session browser in the same worker makes Playwright's synchronous API fail
in every later page test of that worker).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from kpixa.web.tests.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium shared by the session; skipped with a reason when Chromium is absent."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized page (own cookies) in Vietnamese."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    yield context.new_page()
    context.close()
