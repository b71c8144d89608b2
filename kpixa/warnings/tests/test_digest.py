"""The daily digest: one per person and day (also when two runs meet), unsubscribe per kind, e-mail."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from kpixa.accounts.models import AuditEntry, Notification, NotificationKind
from kpixa.warnings import services
from kpixa.warnings.models import DigestKind, DigestSent
from kpixa.warnings.tests.test_queries import AS_OF, run, timelines

NOW = datetime(2026, 3, 20, 9, 0).astimezone()


@pytest.fixture
def loaded(catalogue, frameworks):  # type: ignore[no-untyped-def]
    run(timelines())
    leader = catalogue.users["commune_leader"]
    leader.email = "chu.tich@iadom.example.vn"
    leader.save()
    return catalogue


def _digests(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=NotificationKind.EARLY_WARNING))


@pytest.mark.django_db
def test_it_sends_one_digest_per_person_and_day(loaded, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_warnings(AS_OF, province_codes=["52"], now=NOW)
    leader = loaded.users["commune_leader"]
    [note] = _digests(leader)
    assert "O1" in note.message_vi and "O5" in note.message_vi  # overdue and due today, by code
    assert note.link == "/canh-bao/xa/23872/"
    assert first.sent >= 2  # the commune's leader and officer at least
    [message] = [m for m in mail.outbox if "chu.tich@iadom.example.vn" in m.to]
    assert "?bo=due_today" in message.body
    second = services.send_warnings(AS_OF, province_codes=["52"], now=NOW)
    assert second.sent == 0 and second.already == first.sent
    assert len(_digests(leader)) == 1
    assert DigestSent.objects.filter(user=leader, day=AS_OF).count() == 1
    assert AuditEntry.objects.filter(action="warnings.send").count() == 2


@pytest.mark.django_db
def test_unsubscribed_kinds_are_left_out(loaded):  # type: ignore[no-untyped-def]
    leader = loaded.users["commune_leader"]
    services.set_subscriptions(leader, [DigestKind.CLASS_AT_RISK, DigestKind.REPORTED_DUE])
    assert services.opted_out(leader) == {DigestKind.DUE_TODAY, DigestKind.DUE_WEEK}
    assert AuditEntry.objects.filter(action="warnings.subscriptions").count() == 1
    services.send_warnings(AS_OF, province_codes=["52"], now=NOW)
    for note in _digests(leader):
        assert "O1" not in note.message_vi and "O5" not in note.message_vi
    officer = loaded.users["commune_officer"]
    assert "O1" in _digests(officer)[0].message_vi


@pytest.mark.django_db
def test_nothing_is_sent_to_someone_unsubscribed_from_everything(loaded):  # type: ignore[no-untyped-def]
    leader = loaded.users["commune_leader"]
    services.set_subscriptions(leader, [])
    result = services.send_warnings(AS_OF, province_codes=["52"], now=NOW)
    assert _digests(leader) == [] and result.nothing >= 1
    assert not DigestSent.objects.filter(user=leader).exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_digest_once(loaded):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def go() -> None:
        try:
            barrier.wait()
            services.send_warnings(AS_OF, province_codes=["52"], now=NOW)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for user in loaded.users.values():
        assert len(_digests(user)) <= 1
    assert len(_digests(loaded.users["commune_leader"])) == 1
