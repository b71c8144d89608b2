"""Signals the dossiers app declares for the layers above it (docs/architecture.md, "The layer rule")."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.dispatch import Signal

#: Sent once a batch of dossiers has committed, with ``batch_id``, ``communes`` (the ids of the
#: communes whose rollups it changed) and ``days`` (the changed days): scoring refreshes the
#: stored scores those read. Sent after the commit, so a receiver's failure never undoes it.
batch_committed = Signal()

#: Sent with ``appeal_id`` to ask the owner of appeals (evaluations) what a correction sent
#: through that appeal may change: ``(commune id, period start, period end)``, or None when
#: the appeal is rejected or unknown.
appeal_scope_asked = Signal()

AppealScope = tuple[int, date, date]


def appeal_scope(appeal_id: int) -> AppealScope | None:
    """(commune, period start, period end) a correction through the appeal may change, or None."""
    for _receiver, scope in appeal_scope_asked.send(sender=None, appeal_id=appeal_id):
        if scope is not None:
            return cast(AppealScope, scope)
    return None
