"""A database guard: published snapshots refuse UPDATE and DELETE (SQLite and PostgreSQL)."""

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER evaluations_snapshot_no_update BEFORE UPDATE ON evaluations_snapshot "
    "BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;",
    "CREATE TRIGGER evaluations_snapshot_no_delete BEFORE DELETE ON evaluations_snapshot "
    "BEGIN SELECT RAISE(ABORT, 'published snapshots are immutable'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_update;",
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_delete;",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION evaluations_snapshot_immutable() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'published snapshots are immutable' USING ERRCODE = 'integrity_constraint_violation'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER evaluations_snapshot_immutable BEFORE UPDATE OR DELETE ON evaluations_snapshot "
    "FOR EACH ROW EXECUTE FUNCTION evaluations_snapshot_immutable();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS evaluations_snapshot_immutable ON evaluations_snapshot;",
    "DROP FUNCTION IF EXISTS evaluations_snapshot_immutable();",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0002_lifecycle_snapshots_appeals")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
