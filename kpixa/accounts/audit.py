"""The append-only, hash-chained audit log: every state change writes one entry here.

Each entry's hash covers its content and the previous entry's hash, so an edited or deleted
entry breaks the chain from that point on (``verify_chain`` finds it). Entries are appended one
at a time (``_lock_chain``), and the database refuses to update or delete them (triggers, see
``kpixa.evaluations.guard``).

A writer who can bypass the triggers could still rewrite an entry and recompute every later
hash: the chain would look intact. So the chain is anchored outside the database: each
publication of results (a snapshot) records its SHA-256 in an audit entry, and that entry is a
**published head** (``published_heads``): its id and hash, signed with ``KPIXA_AUDIT_HMAC_KEY``
when set, shown on the public pages and downloadable as JSON. Anyone who keeps a copy can later
run ``verify_audit --against <copy>`` (``verify_against``): a rewritten history no longer has
those hashes. See docs/security.md, "The audit log".
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
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


# --- published heads: the chain's anchor outside the database ------------------------------------

# The actions that publish results, and the key of ``after`` holding the snapshot's SHA-256.
PUBLISHING_ACTIONS = {"evaluations.publish": "sha256", "evaluations.appeal_upheld": "revision_sha256"}


def sign_head(entry_id: int, entry_hash: str) -> str:
    """HMAC-SHA256 of ``<id>:<hash>`` with ``KPIXA_AUDIT_HMAC_KEY``; empty when no key is set."""
    key = getattr(settings, "KPIXA_AUDIT_HMAC_KEY", "")
    if not key:
        return ""
    message = f"{entry_id}:{entry_hash}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class PublishedHead:
    """One audit entry that published results: the chain up to it is public."""

    id: int
    hash: str
    signature: str
    published_at: str
    action: str
    province_code: str
    snapshot_sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hash": self.hash,
            "signature": self.signature,
            "published_at": self.published_at,
            "action": self.action,
            "province": self.province_code,
            "snapshot_sha256": self.snapshot_sha256,
        }


def published_heads(province_code: str | None = None) -> list[PublishedHead]:
    """Every published head, oldest first (of one province when given; 1 query)."""
    rows = AuditEntry.objects.filter(action__in=PUBLISHING_ACTIONS).order_by("id")
    if province_code is not None:
        rows = rows.filter(province_code=province_code)
    return [
        PublishedHead(
            entry.pk,
            entry.hash,
            sign_head(entry.pk, entry.hash),
            entry.at.isoformat(),
            entry.action,
            entry.province_code,
            str((entry.after or {}).get(PUBLISHING_ACTIONS[entry.action], "")),
        )
        for entry in rows.only("id", "hash", "at", "action", "province_code", "after")
    ]


def verify_against(heads: Iterable[Mapping[str, Any]]) -> list[ChainBreak]:
    """Compare the log with heads published earlier (e.g. a downloaded copy of ``published_heads``).

    Each head must still be in the log with the same hash; with ``KPIXA_AUDIT_HMAC_KEY`` set, a
    signed head must carry this server's signature (a copy cannot be forged to accuse the log).
    Run ``verify_chain`` as well: it proves that the entries up to each head still hash to it.
    """
    wanted = [(int(h["id"]), str(h["hash"]), str(h.get("signature") or ""), h) for h in heads]
    stored = dict(AuditEntry.objects.filter(pk__in=[w[0] for w in wanted]).values_list("pk", "hash"))
    keyed = bool(getattr(settings, "KPIXA_AUDIT_HMAC_KEY", ""))
    breaks: list[ChainBreak] = []
    for entry_id, entry_hash, signature, head in wanted:
        if keyed and signature and not hmac.compare_digest(signature, sign_head(entry_id, entry_hash)):
            breaks.append(ChainBreak(entry_id, "the published head's signature is not this server's"))
        elif entry_id not in stored:
            breaks.append(ChainBreak(entry_id, "a published head is missing from the log"))
        elif stored[entry_id] != entry_hash:
            when = head.get("published_at", "")
            breaks.append(
                ChainBreak(entry_id, f"hash differs from the head published {when}: history was rewritten")
            )
    return breaks
