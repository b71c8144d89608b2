"""The audit hash chain stays one chain when many transactions write entries at once.

Each writer used to read the last entry's hash and append after it; two transactions reading the
same head forked the chain, and ``verify_audit`` then reported honest use as tampering. Entries
are now appended under one lock (PostgreSQL: a transaction-level advisory lock taken before the
head is read; SQLite: the IMMEDIATE write transaction), so the chain cannot fork.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, transaction

from kpixa.accounts import audit
from kpixa.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, WRITES = 8, 15


def _together(jobs: list[Callable[[], None]]) -> list[BaseException]:
    """Run ``jobs`` in threads released at the same moment; return what they raised."""
    start, errors = threading.Barrier(len(jobs)), []

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _write(n: int, i: int) -> None:
    with transaction.atomic():
        AuditEntry.objects.count()  # the transaction has begun before the entry is chained
        audit.record("test.concurrent", object_type="thread", object_id=f"{n}.{i}", after={"i": i})


def _writer(n: int) -> Callable[[], None]:
    def write() -> None:
        for i in range(WRITES):
            for attempt in range(200):
                try:
                    _write(n, i)
                    break
                except OperationalError:
                    # SQLite's shared-cache test database refuses a second writer at once instead
                    # of waiting ("table is locked"); the whole transaction is retried, as a
                    # client would. PostgreSQL never gets here: its writers wait for the lock.
                    if connection.vendor != "sqlite" or attempt == 199:
                        raise
                    time.sleep(0.005)

    return write


def test_it_keeps_one_chain_under_concurrent_writers() -> None:
    errors = _together([_writer(n) for n in range(THREADS)])
    assert errors == []
    assert AuditEntry.objects.count() == THREADS * WRITES
    assert audit.verify_chain() == []


def test_it_chains_each_entry_to_the_one_before_it_by_id() -> None:
    _together([_writer(n) for n in range(4)])
    rows = list(AuditEntry.objects.order_by("id").values_list("prev_hash", "hash"))
    assert all(prev == before for (prev, _), (_, before) in zip(rows[1:], rows[:-1], strict=True))
    assert len({prev for prev, _ in rows}) == len(rows)  # no two entries share a predecessor
