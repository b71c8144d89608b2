"""What a database owner can do and the app cannot prevent: switch a table's triggers off.

The tamper tests use it to rewrite history as such a writer would, then check that the rewrite is
detected (the hash chain, the published heads, the public pages' audited snapshots).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

TRIGGERS_OF = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"


@contextmanager
def triggers_off(table: str) -> Iterator[None]:
    """Within this block, ``table`` has no triggers (PostgreSQL: the session acts as a replica,
    which fires no ordinary trigger, as a superuser may; SQLite: they are dropped)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                cursor.execute("SET session_replication_role = origin")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)


def raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Run one statement on the test's connection; return its rows (if any)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []
