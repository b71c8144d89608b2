"""Snapshots: the guards move to django-pgtrigger (PostgreSQL) and to ``kpixa_guard`` (SQLite).

The old unlock table let any writer who inserted one row delete snapshots; it is dropped. Now
UPDATE is always refused; DELETE/TRUNCATE only inside ``guard.allowed(FLUSH)`` (the ``flush``
command); INSERT only inside ``guard.allowed(SNAPSHOT_INSERT)`` (publication and upheld appeals).
PostgreSQL: the pgtrigger triggers of ``Snapshot.Meta.triggers``, lifted by ``pgtrigger.ignore``.
SQLite: the triggers below ask ``kpixa_guard(name)``, an SQL function only this app's connections
have (``kpixa.evaluations.guard``).
"""

import importlib
from typing import Any

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

MESSAGE = "published snapshots are immutable"
INSERT_MESSAGE = "snapshots are created only by publication or an upheld appeal"
SQLITE = [
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_delete;",
    "DROP TABLE IF EXISTS evaluations_snapshot_unlock;",
    "CREATE TRIGGER evaluations_snapshot_no_delete BEFORE DELETE ON evaluations_snapshot "
    "WHEN kpixa_guard('flush') IS NOT 1 "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    "CREATE TRIGGER evaluations_snapshot_no_insert BEFORE INSERT ON evaluations_snapshot "
    "WHEN kpixa_guard('snapshot_insert') IS NOT 1 "
    f"BEGIN SELECT RAISE(ABORT, '{INSERT_MESSAGE}'); END;",
]
POSTGRES = [
    "DROP TRIGGER IF EXISTS evaluations_snapshot_immutable ON evaluations_snapshot;",
    "DROP TRIGGER IF EXISTS evaluations_snapshot_no_truncate ON evaluations_snapshot;",
    "DROP FUNCTION IF EXISTS evaluations_snapshot_immutable();",
    "DROP FUNCTION IF EXISTS evaluations_snapshot_no_truncate();",
    "DROP TABLE IF EXISTS evaluations_snapshot_unlock;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS evaluations_snapshot_no_insert;"]


def _previous(name: str) -> Any:
    return importlib.import_module(f"kpixa.evaluations.migrations.{name}")


def forwards(apps: Any, schema_editor: Any) -> None:
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    """Back to migration 0004's guards (the unlock table)."""
    vendor = schema_editor.connection.vendor
    statements = SQLITE_REVERSE if vendor == "sqlite" else []
    if vendor == "postgresql":
        statements = _previous("0003_snapshot_immutable_trigger").POSTGRES
    for sql in statements + getattr(_previous("0004_snapshot_unlock_for_flush"), vendor.upper(), []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0005_collective_tasks_quota_groups_leader_framework"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        pgtrigger.migrations.AddTrigger(
            model_name="snapshot",
            trigger=pgtrigger.compiler.Trigger(
                name="snapshot_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot insert rows from % table', TG_TABLE_NAME;",
                    hash="1c8b9777ad39bf3bf7a28047d3f18df4f45c7f83",
                    operation="INSERT",
                    pgid="pgtrigger_snapshot_insert_80192",
                    table="evaluations_snapshot",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="snapshot",
            trigger=pgtrigger.compiler.Trigger(
                name="snapshot_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="cdcdbcd4be5bab85193504658ad0f11cc09b7ebd",
                    operation="UPDATE",
                    pgid="pgtrigger_snapshot_update_8d478",
                    table="evaluations_snapshot",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="snapshot",
            trigger=pgtrigger.compiler.Trigger(
                name="snapshot_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;",
                    hash="cb702bdc39915cafc0b6a2d0d51d2fa06e5c0823",
                    operation="DELETE",
                    pgid="pgtrigger_snapshot_delete_f1b72",
                    table="evaluations_snapshot",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="snapshot",
            trigger=pgtrigger.compiler.Trigger(
                name="snapshot_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;",
                    hash="0287f159d1cce4511a6de12be0fb4a5118d846cb",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_snapshot_truncate_7c268",
                    table="evaluations_snapshot",
                    when="BEFORE",
                ),
            ),
        ),
    ]
