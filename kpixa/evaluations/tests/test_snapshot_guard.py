"""Snapshots stay immutable, yet a transactional test that publishes one tears down cleanly."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from kpixa.accounts.models import Role
from kpixa.evaluations import guard
from kpixa.evaluations.models import Snapshot
from kpixa.evaluations.services import lifecycle
from kpixa.evaluations.tests.conftest import Q3, score


@pytest.fixture
def snapshot(world, test_kpi):  # two communes only: a smaller flush
    score(world, Q3, {world.commune: 80, world.sibling: 70})
    admin = world.users[Role.PROVINCE_ADMIN]
    lifecycle.close_period(admin, world.province, Q3)
    return lifecycle.publish_period(admin, world.province, Q3)


@pytest.mark.django_db(transaction=True)
def test_it_tears_down_a_transactional_test_holding_a_snapshot(snapshot):
    # The teardown flush (DELETE on SQLite, TRUNCATE on PostgreSQL) must pass the triggers.
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert not guard.is_unlocked()


@pytest.mark.django_db(transaction=True)
def test_it_flushes_snapshots_and_locks_them_again(snapshot):
    call_command("flush", interactive=False, verbosity=0)
    assert not Snapshot.objects.exists()
    assert not guard.is_unlocked()


@pytest.mark.parametrize("statement", ["UPDATE {t} SET sha256 = 'x'", "DELETE FROM {t}"])
def test_it_still_refuses_raw_update_and_delete(snapshot, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(t=Snapshot._meta.db_table))
    assert Snapshot.objects.get(pk=snapshot.pk).sha256 == snapshot.sha256


def test_it_refuses_truncate_on_postgresql(snapshot):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Snapshot._meta.db_table} CASCADE")
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_the_flush_permission_never_outlives_its_block(snapshot):
    with guard.snapshots_unlocked("default"):
        assert guard.is_unlocked()
    assert not guard.is_unlocked()


def test_the_flush_command_is_ours():
    from django.core.management import get_commands

    assert get_commands()["flush"] == "kpixa.evaluations"
