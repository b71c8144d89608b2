"""The audit log is append-only in the database: UPDATE, DELETE and TRUNCATE are refused.

PostgreSQL: django-pgtrigger triggers (``AuditEntry.Meta.triggers``). SQLite: the triggers below,
whose DELETE guard asks ``kpixa_guard('flush')``, an SQL function only this app's connections have
(``kpixa.evaluations.guard``); only the ``flush`` command sets it. The actor becomes PROTECT: it is
part of each entry's hashed content, so a user with entries can be deactivated, never deleted.
"""

from typing import Any

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

MESSAGE = "the audit log is append-only"
SQLITE = [
    "CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    "CREATE TRIGGER accounts_auditentry_no_delete BEFORE DELETE ON accounts_auditentry "
    "WHEN kpixa_guard('flush') IS NOT 1 "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS accounts_auditentry_no_delete;",
]


def _sqlite(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_notification"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
                verbose_name="người thực hiện",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditentry",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="14ad380a717724cadda7bad05b0d604f76a47167",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_update_dc39e",
                    table="accounts_auditentry",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditentry",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;",
                    hash="229c3f1094ae92b6fd246b685bcc5a23b3af20e7",
                    operation="DELETE",
                    pgid="pgtrigger_audit_delete_abe37",
                    table="accounts_auditentry",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditentry",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;",
                    hash="d4ac1022c1e58abb33ee6e1410827e7b368b9170",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_audit_truncate_b7f4f",
                    table="accounts_auditentry",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(_sqlite(SQLITE), _sqlite(SQLITE_REVERSE)),
    ]
