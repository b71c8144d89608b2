"""The audit log is append-only in the database itself, not only in the app.

PostgreSQL: django-pgtrigger triggers refuse UPDATE, DELETE and TRUNCATE of audit entries.
SQLite: triggers refuse UPDATE and DELETE (SQLite has no TRUNCATE). Only the ``flush`` command
(a whole-database reset, how transactional tests tear down) may empty the table.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from kpixa.accounts import audit
from kpixa.accounts.models import AuditEntry, User
from kpixa.evaluations import guard
from tests.security.tamper import raw

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def entries(db) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    return [audit.record("test.append_only", object_type="x", object_id=n, after={"n": n}) for n in range(3)]


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET reason = 'rewritten'",  # noqa: S608 - constants
        f"UPDATE {TABLE} SET after = NULL WHERE id = (SELECT MAX(id) FROM {TABLE})",  # noqa: S608
        f"DELETE FROM {TABLE}",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE id = (SELECT MAX(id) FROM {TABLE})",  # noqa: S608
    ],
)
def test_it_refuses_raw_update_and_delete(entries, statement) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(statement)
    assert AuditEntry.objects.count() == 3
    assert audit.verify_chain() == []


def test_it_refuses_truncate_on_postgresql(entries) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite empties a table with DELETE, refused above")
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(f"TRUNCATE {TABLE} CASCADE")
    assert AuditEntry.objects.count() == 3


def test_it_refuses_an_orm_update_and_delete(entries) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).delete()
    assert AuditEntry.objects.get(pk=entries[0].pk).reason == ""


def test_it_keeps_a_user_with_entries_from_being_deleted(db) -> None:  # type: ignore[no-untyped-def]
    from django.db.models import ProtectedError

    user = User.objects.create_user(username="h4_actor", password=None)
    audit.record("test.actor", actor=user)
    with pytest.raises(ProtectedError), transaction.atomic():
        user.delete()
    assert audit.verify_chain() == []


def test_the_old_unlock_table_is_gone(db) -> None:  # type: ignore[no-untyped-def]
    assert "evaluations_snapshot_unlock" not in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_only_the_flush_command_empties_it(entries) -> None:  # type: ignore[no-untyped-def]
    assert not guard.is_unlocked()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    assert not guard.is_unlocked()
    audit.record("test.after_flush")
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(f"DELETE FROM {TABLE}")  # noqa: S608 - a constant
