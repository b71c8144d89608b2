"""Answers to the signals lower layers send (connected in apps.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from kpixa.scoring.services.scores import refresh_after_batch


def refresh_on_batch(
    sender: Any, *, communes: Collection[int], days: Collection[date], **kwargs: Any
) -> None:
    """A dossier batch committed (kpixa.dossiers.signals.batch_committed): refresh the scores it changes."""
    refresh_after_batch(set(communes), set(days))
