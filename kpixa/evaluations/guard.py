"""Database guards of the append-only tables: published snapshots and the audit log.

The database itself refuses:

- any UPDATE of a snapshot or an audit entry;
- any DELETE (and, on PostgreSQL, TRUNCATE) of either, except inside ``allowed(FLUSH)``, which
  only the ``flush`` command enters (a whole-database reset, how transactional tests tear down);
- any INSERT of a snapshot, except inside ``allowed(SNAPSHOT_INSERT)``, which only the
  publication and appeal services of ``evaluations.services`` (``lifecycle``, ``appeals``) enter,
  in the transaction that also writes the audit entry recording the snapshot's SHA-256.

PostgreSQL: the triggers are django-pgtrigger ``Protect`` triggers declared on the models;
``allowed`` is ``pgtrigger.ignore`` of the named triggers, a transaction-local setting that the
app sets on its own connection in the current thread only. SQLite: the triggers of migrations
``accounts.0003`` and ``evaluations.0006`` call ``kpixa_guard(name)``, an SQL function that this
app registers on each of its connections and that answers 1 only inside ``allowed(name)``; a
connection opened by anything else (the ``sqlite3`` shell, another program) does not have the
function, so every guarded statement fails there.

A database owner can still drop a trigger or set the variable by hand: against that writer the
defence is detection (docs/security.md): the hash chain of the audit log, its heads published
outside the database, and the public pages showing only snapshots the chain records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

SNAPSHOT_INSERT = "snapshot_insert"
FLUSH = "flush"
SQLITE_FUNCTION = "kpixa_guard"

# The pgtrigger triggers each permission lifts (their names are in the models' Meta.triggers).
PG_TRIGGERS = {
    SNAPSHOT_INSERT: ["evaluations.Snapshot:snapshot_insert"],
    FLUSH: [
        "evaluations.Snapshot:snapshot_delete",
        "evaluations.Snapshot:snapshot_truncate",
        "accounts.AuditEntry:audit_delete",
        "accounts.AuditEntry:audit_truncate",
    ],
}


def _held(wrapper: Any) -> Counter[str]:
    held: Counter[str] | None = getattr(wrapper, "_kpixa_guard", None)
    if held is None:
        held = Counter()
        wrapper._kpixa_guard = held
    return held


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: give each new SQLite connection ``kpixa_guard(name)``."""
    if connection.vendor != "sqlite":
        return
    held = _held(connection)
    connection.connection.create_function(
        SQLITE_FUNCTION, 1, lambda name: 1 if held[name] > 0 else 0, deterministic=False
    )


@contextmanager
def allowed(permission: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within this block, on ``using`` and in this thread only, let ``permission`` through."""
    wrapper = connections[using]
    if wrapper.vendor == "postgresql":
        import pgtrigger

        with pgtrigger.ignore(*PG_TRIGGERS[permission], databases=[using]):
            yield
        return
    held = _held(wrapper)
    held[permission] += 1
    try:
        yield
    finally:
        held[permission] -= 1


@contextmanager
def snapshots_unlocked(using: str) -> Iterator[None]:
    """Within one transaction on ``using``: allow emptying snapshots and the audit log (flush)."""
    from django.db import transaction

    with transaction.atomic(using=using), allowed(FLUSH, using):
        yield


def is_unlocked(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this thread's connection may flush right now (never outside ``snapshots_unlocked``)."""
    wrapper = connections[using]
    if wrapper.vendor == "postgresql":
        import pgtrigger

        return any(pgtrigger.is_ignored(uri) for uri in PG_TRIGGERS[FLUSH])
    return _held(wrapper)[FLUSH] > 0
