"""Published snapshots cannot be forged in the database, and a forgery that gets in is not shown.

Revisions are created only by publication and upheld appeals (``evaluations.services.lifecycle``,
``services.appeals``), which record each snapshot's SHA-256 in the audit chain. The database
refuses any other INSERT, any UPDATE, and any DELETE outside a whole-database flush (the old
unlock table, which any writer could fill, is gone). A database owner who switches the triggers
off can still insert a row: public pages show only revisions a publication entry records, and
``verify_audit`` names it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import timezone

from kpixa.evaluations import snapshots
from kpixa.evaluations.models import Snapshot
from kpixa.evaluations.queries import latest_snapshot
from kpixa.evaluations.services import appeals
from kpixa.evaluations.tests.conftest import Q3, published_q3, score, test_kpi  # noqa: F401
from tests.security.tamper import raw, triggers_off

TABLE = Snapshot._meta.db_table
PAGE = f"/cong-khai/tinh/52/?framework=test_kpi&period={Q3}"


def _forged(published: Snapshot) -> tuple[dict[str, Any], str]:
    """Revision 1's content with Quy Nhơn Bắc (60, third) made first, and its honest SHA-256."""
    content = json.loads(json.dumps(published.content))
    for unit in content["units"]:
        if unit["commune_name"].endswith("Quy Nhơn Bắc"):
            unit["total"], unit["rank"] = "99.00", 1
    return content, snapshots.content_hash(content)


def _insert_forged(published: Snapshot) -> str:
    content, sha256 = _forged(published)
    raw(
        f"INSERT INTO {TABLE} (period_id, revision, content, sha256, previous_id, changes, "  # noqa: S608
        "explanation_vi, created_at, created_by_id) VALUES (%s, 2, %s, %s, %s, '[]', %s, %s, NULL)",
        [published.period_id, json.dumps(content), sha256, published.pk, "Điều chỉnh", timezone.now()],
    )
    return sha256


@pytest.fixture
def published(world: Any, published_q3: Snapshot) -> Snapshot:  # noqa: F811
    return published_q3


def test_it_refuses_a_raw_insert_of_a_forged_revision(published) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError), transaction.atomic():
        _insert_forged(published)
    assert list(Snapshot.objects.values_list("revision", flat=True)) == [1]


def test_it_refuses_an_orm_insert_outside_publication(published) -> None:  # type: ignore[no-untyped-def]
    content, sha256 = _forged(published)
    row = Snapshot(
        period=published.period, revision=2, content=content, sha256=sha256, created_at=timezone.now()
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        row.save()
    assert Snapshot.objects.count() == 1


def test_a_forged_unlock_row_no_longer_lets_a_delete_through(published) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("INSERT INTO evaluations_snapshot_unlock (id) VALUES (1)")
    for statement in (f"DELETE FROM {TABLE}", f"UPDATE {TABLE} SET sha256 = 'x'"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(statement)
    assert Snapshot.objects.get().sha256 == published.sha256


def test_the_publication_path_leaves_no_permission_behind(published, world) -> None:  # type: ignore[no-untyped-def]
    # The guard was lifted for the publication's own INSERT only: a later raw INSERT in the same
    # connection (and transaction) is refused again.
    with pytest.raises(DatabaseError), transaction.atomic():
        _insert_forged(published)


def test_a_forged_revision_that_gets_in_is_not_shown_and_is_reported(published, capsys) -> None:  # type: ignore[no-untyped-def]
    with triggers_off(TABLE):  # a database owner's insert
        forged = _insert_forged(published)
    assert Snapshot.objects.filter(sha256=forged).exists()
    latest = latest_snapshot(published.period.province, Q3)
    assert latest is not None and latest.pk == published.pk
    html = Client().get(PAGE).content.decode()
    assert "Bản công bố lần 1" in html and "lần 2" not in html
    assert published.sha256[:12] in html and forged[:12] not in html
    assert "99" not in html.split("<table", 1)[1].split("</table>", 1)[0]
    national = Client().get(f"/?period={Q3}").content.decode()
    assert forged[:12] not in national
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "no publication in the audit log records it" in capsys.readouterr().err


def test_a_forged_revision_is_not_what_communes_see_or_appeal_against(published, world) -> None:  # type: ignore[no-untyped-def]
    from kpixa.evaluations import queries

    with triggers_off(TABLE):
        _insert_forged(published)
    shown = queries.latest_snapshot(world.province, Q3)
    assert shown is not None and shown.pk == published.pk
    leader = world.users["commune_leader"]
    appeal = appeals.file_appeal(leader, world.commune, Q3, "test_kpi", "1.1", "Thiếu số liệu")
    assert appeal.snapshot_id == published.pk


def test_a_deleted_or_altered_snapshot_is_reported(published, capsys) -> None:  # type: ignore[no-untyped-def]
    with triggers_off(TABLE):
        content = json.dumps(_forged(published)[0])
        raw(f"UPDATE {TABLE} SET content = %s WHERE id = %s", [content, published.pk])  # noqa: S608
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "content does not match its SHA-256" in capsys.readouterr().err
    with triggers_off(TABLE):
        raw(f"DELETE FROM {TABLE}")  # noqa: S608
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "is missing" in capsys.readouterr().err


def test_an_upheld_appeal_is_shown_because_the_chain_records_it(published, world) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    leader = world.users["commune_leader"]
    leader.commune = world.sibling
    leader.save()
    appeal = appeals.file_appeal(leader, world.sibling, Q3, "test_kpi", "1.1", "Thiếu số liệu tháng 9")
    revision = appeals.uphold_appeal(world.users["province_admin"], appeal, "Đã đối chiếu", Decimal(85))
    latest = latest_snapshot(world.province, Q3)
    assert latest is not None and latest.pk == revision.pk and latest.audit_hash  # type: ignore[attr-defined]
    assert "Bản công bố lần 2" in Client().get(PAGE).content.decode()
    call_command("verify_audit")
