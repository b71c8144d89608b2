"""Signals the units app declares for the layers above it (docs/architecture.md, "The layer rule").

Two questions only a higher layer can answer, asked from below:

- **Audit.** Every state change of the units app is audited, but the audit log belongs to
  ``accounts``, the layer above (its users are bound to provinces and communes). A change is
  reported through :func:`record_change` inside its transaction and accounts writes the entry
  in that same transaction, so both commit or roll back together.
- **Frozen periods.** Evaluation periods belong to ``evaluations``, near the top of the chain,
  but lower layers must know which periods are frozen: ``dossiers`` refuses a record that would
  turn late into on time in a closed period, ``reporting`` marks a value reported after the
  close, ``scoring`` neither recomputes nor refreshes frozen scores. They ask through
  :func:`frozen_periods`; evaluations answers.

The receivers are connected in the answering apps' ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any, NamedTuple, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

#: Sent by every state change of the units app, inside its transaction, with the fields of its
#: audit entry (``action``, ``actor``, ``object_type``, ``object_id``, ``province_code``,
#: ``before``, ``after``); accounts connects ``kpixa.accounts.audit.record`` to it.
changed = Signal()


def record_change(
    action: str,
    *,
    actor: AbstractBaseUser | None = None,
    object_type: str = "",
    object_id: str | int = "",
    province_code: str = "",
    before: Any = None,
    after: Any = None,
) -> None:
    """Have the change audited; refuse to go on unaudited when nothing records it."""
    answers = changed.send(
        sender=None,
        action=action,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        province_code=province_code,
        before=before,
        after=after,
    )
    if not answers:
        raise ImproperlyConfigured("units.signals.changed has no receiver: the audit log is not connected")


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
    answers = frozen_periods_asked.send(sender=None, province_ids=list(province_ids), code=code)
    return [period for _receiver, found in answers for period in cast(list[FrozenPeriod], found)]
