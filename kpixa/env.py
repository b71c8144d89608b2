"""Typed, read-once access to environment settings (see docs/settings.md).

Every setting the project reads from the environment goes through these helpers, so the
full list lives in one place and a bad value fails at start-up with a clear message.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    """Return the variable as a string, or ``default`` when unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable as a boolean: 1/true/yes/on are true, 0/false/no/off false."""
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer, or ``default`` when unset."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def require_in_production(production: bool, names: list[str]) -> None:
    """Stop the start with one message naming every required variable that is missing."""
    if not production:
        return
    missing = [name for name in names if os.environ.get(name, "").strip() == ""]
    if missing:
        raise ImproperlyConfigured(
            "KPIXA_MODE=production requires these environment variables: "
            + ", ".join(missing)
            + " (see docs/settings.md)"
        )
