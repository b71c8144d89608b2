"""Answers to the signals lower layers send (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from kpixa.dossiers.services.authority import register_official
from kpixa.units.models import Province


def register_token_system(sender: Any, *, system: str, name: str, province: Province, **kwargs: Any) -> None:
    """An API token writes its source system: register that system as official."""
    register_official(system, name, province)
