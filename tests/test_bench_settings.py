"""The benchmark header shows PostgreSQL's settings as SHOW would."""

from __future__ import annotations

import pytest

from bench.database import _pretty


@pytest.mark.parametrize(
    ("setting", "unit", "shown"),
    [
        ("16384", "8kB", "128MB"),
        ("786432", "8kB", "6GB"),
        ("1024", "MB", "1GB"),
        ("16384", "MB", "16GB"),
        ("300", "s", "5min"),
        ("1800", "s", "30min"),
        ("45", "s", "45s"),
        ("4096", "kB", "4MB"),
        ("65536", "kB", "64MB"),
        ("1000", "kB", "1000kB"),
        ("on", None, "on"),
    ],
)
def test_it_renders_settings_like_show(setting: str, unit: str | None, shown: str) -> None:
    assert _pretty(setting, unit) == shown
