from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kpixa.accounts import audit
from kpixa.accounts.models import AuditEntry
from tests.security.tamper import triggers_off


@pytest.fixture
def chain(db):  # type: ignore[no-untyped-def]
    return [audit.record(f"test.{n}", object_type="x", object_id=n, after={"n": n}) for n in range(4)]


def _raw(sql: str, params: list[Any]) -> None:
    """Tamper as the database's owner would: with the append-only triggers switched off."""
    with triggers_off(AuditEntry._meta.db_table), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_reports_an_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert "4 entries verified" in capsys.readouterr().out


def test_it_names_an_entry_edited_behind_its_back(chain, capsys):
    table = AuditEntry._meta.db_table
    _raw(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.forged", chain[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"#{chain[1].pk}"):
        call_command("verify_audit")
    assert "content does not match its hash" in capsys.readouterr().err


def test_it_names_the_entry_after_a_deleted_one(chain, capsys):
    table = AuditEntry._meta.db_table
    _raw(f"DELETE FROM {table} WHERE id = %s", [chain[2].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"#{chain[3].pk}"):
        call_command("verify_audit")
    assert "prev_hash" in capsys.readouterr().err


def test_it_exits_non_zero_from_the_command_line(chain):
    from django.core.management import ManagementUtility

    table = AuditEntry._meta.db_table
    _raw(f"UPDATE {table} SET after = %s WHERE id = %s", ['{"n": 99}', chain[0].pk])  # noqa: S608
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert exited.value.code != 0
