"""The one way past the snapshot triggers: a whole-database flush (migration ``evaluations.0004``).

Snapshots refuse UPDATE always, and DELETE/TRUNCATE unless ``evaluations_snapshot_unlock`` holds
a row. Only ``snapshots_unlocked`` inserts it (used by the ``flush`` command alone), inside the
flush's transaction, and deletes it again before that transaction commits, so no other
statement ever sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

UNLOCK_TABLE = "evaluations_snapshot_unlock"


def _has_guard(using: str) -> bool:
    return UNLOCK_TABLE in connections[using].introspection.table_names()


@contextmanager
def snapshots_unlocked(using: str) -> Iterator[None]:
    """Within one transaction on ``using``: allow deleting snapshots, then lock them again.

    Does nothing on a database without the guard (not migrated yet, or another vendor).
    """
    if not _has_guard(using):
        yield
        return
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {UNLOCK_TABLE} (id) VALUES (1)")  # noqa: S608 - a constant
        yield
        cursor.execute(f"DELETE FROM {UNLOCK_TABLE}")  # noqa: S608 - a constant


def is_unlocked(using: str = "default") -> bool:
    """Whether the unlock row exists (it must never outlive a flush)."""
    if not _has_guard(using):
        return False
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {UNLOCK_TABLE}")  # noqa: S608 - a constant
        return bool(cursor.fetchone()[0])
