"""The append-only, hash-chained audit log: every state change writes one entry here.

Each entry's hash covers its content and the previous entry's hash, so an edited or deleted
entry breaks the chain from that point on (``verify_chain`` finds it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from kpixa.accounts.models import AuditEntry, User

GENESIS = "0" * 64
# The advisory lock key of the chain's head (any constant unique to this lock in the database).
CHAIN_LOCK = 0x6B70697861_0001


def _canonical(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database stores."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """Return the SHA-256 of an entry's canonical JSON content chained to ``prev_hash``."""
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "province_code": entry.province_code,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
    }


def _lock_chain() -> None:
    """Serialise appends until the caller's transaction ends, so no two entries share a head.

    PostgreSQL: a transaction-level advisory lock, taken before the head is read (a row lock on
    the last entry is not enough: under READ COMMITTED a waiter wakes up holding the old head, and
    the chain forks). SQLite: every write transaction is BEGIN IMMEDIATE (``transaction_mode`` in
    settings), so the database has one writer at a time already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def record(
    action: str,
    *,
    actor: User | None = None,
    actor_label: str = "",
    object_type: str = "",
    object_id: str | int = "",
    province_code: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry chained to the last one and return it.

    Runs inside the caller's transaction when there is one, so the entry commits or rolls
    back together with the change it describes.
    """
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").only("hash").first()
        prev_hash = last.hash if last else GENESIS
        now = timezone.now()
        label = actor_label or (actor.get_username() if actor is not None else "system")
        entry = AuditEntry(
            at=now.replace(microsecond=now.microsecond // 1000 * 1000),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            province_code=province_code,
            before=_canonical(before),
            after=_canonical(after),
            reason=reason,
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(_hashed_fields(entry), prev_hash)
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainBreak:
    """Where the audit chain stops being consistent, and why."""

    entry_id: int
    reason: str


def verify_chain(entries: Iterable[AuditEntry] | None = None) -> list[ChainBreak]:
    """Return every inconsistency in the chain (an empty list means the log is intact)."""
    rows = entries if entries is not None else AuditEntry.objects.order_by("id").iterator()
    breaks: list[ChainBreak] = []
    prev_hash = GENESIS
    for entry in rows:
        if entry.prev_hash != prev_hash:
            breaks.append(ChainBreak(entry.pk, "prev_hash does not match the previous entry"))
        if entry_hash(_hashed_fields(entry), entry.prev_hash) != entry.hash:
            breaks.append(ChainBreak(entry.pk, "content does not match its hash"))
        prev_hash = entry.hash
    return breaks
