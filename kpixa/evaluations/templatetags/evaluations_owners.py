"""Template filters showing the indicators an evaluation or a proposal cites with their owner."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import template

from kpixa.evaluations import owner_citations

register = template.Library()


@register.filter
def owner_line(item: Mapping[str, Any]) -> str:
    """One cited indicator with its owner in the active language ("Chỉ số 2.3 — phụ trách: …")."""
    return owner_citations.line_text(item)


@register.filter
def iso_datetime(value: str | None) -> datetime | None:
    """A stored ISO date-time (as an evaluation's content keeps it) for the ``date`` filter."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
