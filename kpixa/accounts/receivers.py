"""Answers to the signals lower layers send (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from kpixa.accounts import audit
from kpixa.accounts.models import User


def record_units_change(sender: Any, *, action: str, actor: User | None, **entry: Any) -> None:
    """Write the audit entry of a change the units app reports (kpixa.units.signals.changed)."""
    entry.pop("signal", None)
    audit.record(action, actor=actor, **entry)
