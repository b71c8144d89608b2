"""Snapshots stay immutable, but a whole-database flush may empty them (SQLite and PostgreSQL).

UPDATE is always refused. DELETE (and, on PostgreSQL, TRUNCATE) is refused unless the one-row
table ``evaluations_snapshot_unlock`` holds a row. That table is not a Django model, so
``flush`` never empties it, and only the ``flush`` command (``evaluations.guard``) inserts the
row, inside the flush's own transaction, and removes it again before committing. Test
teardowns of ``TransactionTestCase`` / ``django_db(transaction=True)`` flush through that
command, so they can never trip over a snapshot. See docs/reporting.md, "Snapshots".
"""

from typing import Any

from django.db import migrations

MESSAGE = "published snapshots are immutable"

SQLITE = [
    "CREATE TABLE IF NOT EXISTS evaluations_snapshot_unlock (id INTEGER PRIMARY KEY CHECK (id = 1));",
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_delete;",
    "CREATE TRIGGER evaluations_snapshot_no_delete BEFORE DELETE ON evaluations_snapshot "
    "WHEN NOT EXISTS (SELECT 1 FROM evaluations_snapshot_unlock) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_delete;",
    "CREATE TRIGGER evaluations_snapshot_no_delete BEFORE DELETE ON evaluations_snapshot "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    "DROP TABLE IF EXISTS evaluations_snapshot_unlock;",
]
POSTGRES = [
    "CREATE TABLE IF NOT EXISTS evaluations_snapshot_unlock (id integer PRIMARY KEY CHECK (id = 1));",
    "CREATE OR REPLACE FUNCTION evaluations_snapshot_immutable() RETURNS trigger AS $$ "
    "BEGIN "
    "IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM evaluations_snapshot_unlock) THEN RETURN OLD; END IF; "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
    "END; $$ LANGUAGE plpgsql;",
    "CREATE OR REPLACE FUNCTION evaluations_snapshot_no_truncate() RETURNS trigger AS $$ "
    "BEGIN "
    "IF EXISTS (SELECT 1 FROM evaluations_snapshot_unlock) THEN RETURN NULL; END IF; "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
    "END; $$ LANGUAGE plpgsql;",
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_truncate ON evaluations_snapshot;",
    "CREATE TRIGGER evaluations_snapshot_no_truncate BEFORE TRUNCATE ON evaluations_snapshot "
    "FOR EACH STATEMENT EXECUTE FUNCTION evaluations_snapshot_no_truncate();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_truncate ON evaluations_snapshot;",
    "DROP FUNCTION IF EXISTS evaluations_snapshot_no_truncate();",
    "CREATE OR REPLACE FUNCTION evaluations_snapshot_immutable() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END; "
    "$$ LANGUAGE plpgsql;",
    "DROP TABLE IF EXISTS evaluations_snapshot_unlock;",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0003_snapshot_immutable_trigger")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
