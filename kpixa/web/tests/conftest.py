"""Browser fixtures: Playwright driving Debian's Chromium (no browser download), screenshots for review."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("KPIXA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def screenshot(page: Any, name: str, width: dict[str, int] | None = None) -> Path:
    """Write a full-page screenshot under test-artifacts/screenshots/ (not committed) and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if width is not None:
        page.set_viewport_size(width)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, base_url: str, username: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache: the pages cache computed boards by the results' as-of time,
    and test databases reuse ids and fixed times from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
