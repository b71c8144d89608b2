"""Signals the units app declares for the layers above it (docs/architecture.md, "The layer rule").

Evaluation periods belong to ``evaluations``, near the top of the chain, but lower layers must
know which periods are frozen: ``dossiers`` refuses a record that would turn late into on time
in a closed period, ``reporting`` marks a value reported after the close, ``scoring`` neither
recomputes nor refreshes frozen scores. They ask through :func:`frozen_periods`; the owner of
the periods answers by connecting a receiver to :data:`frozen_periods_asked`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import NamedTuple, cast

from django.dispatch import Signal


class FrozenPeriod(NamedTuple):
    """A province's evaluation period that left the "open" state: its scores are frozen."""

    province_id: int
    code: str
    start: date
    end: date


#: Sent with ``province_ids`` (a list of ids) and ``code`` (a period code, or None for every
#: period); each receiver returns the list of :class:`FrozenPeriod` it knows of among them.
frozen_periods_asked = Signal()


def frozen_periods(province_ids: Collection[int], code: str | None = None) -> list[FrozenPeriod]:
    """The frozen periods of ``province_ids`` (only the period ``code`` when given)."""
    if not province_ids:
        return []
    answers = frozen_periods_asked.send(sender=FrozenPeriod, province_ids=list(province_ids), code=code)
    return [period for _receiver, found in answers for period in cast(list[FrozenPeriod], found)]
