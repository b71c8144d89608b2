"""A dossier counted late in a closed period cannot turn on time afterwards, unless the change
comes through an appeal (docs/security.md, "Late turned on time after the period closed").

Even the official system's own token is refused once the province closed the period: the
record goes to quarantine with its reason and nothing changes. The province's administrator
can still correct it while deciding the commune's appeal (``appeal_corrections.correct_through_appeal``).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from kpixa.dossiers.models import Dossier, DossierVersion, Rejection
from kpixa.dossiers.services import appeal_corrections, authority
from kpixa.evaluations.models import Appeal, AppealStatus
from kpixa.evaluations.services import lifecycle
from tests.security.authority_support import OFFICIAL, add_procedure, late_record, moved_due, post, state

pytestmark = pytest.mark.django_db
MARCH = "2026-03"


@pytest.fixture
def late(client, world, api_keys):  # type: ignore[no-untyped-def]
    add_procedure()
    assert post(client, [late_record()], api_keys["token_52"]).json()["results"][0]["status"] == "created"
    return world


def _close(world) -> None:  # type: ignore[no-untyped-def]
    lifecycle.close_period(world.users["province_admin"], world.province, MARCH)


def test_it_lets_an_open_period_be_corrected(client, late, api_keys) -> None:  # type: ignore[no-untyped-def]
    assert post(client, [moved_due()], api_keys["token_52"]).json()["results"][0]["status"] == "updated"
    assert Dossier.objects.get().on_time is True


def test_it_refuses_late_to_on_time_after_the_period_closed(client, late, api_keys) -> None:  # type: ignore[no-untyped-def]
    _close(late)
    before = state()
    answer = post(client, [moved_due()], api_keys["token_52"]).json()
    result = answer["results"][0]
    assert result["status"] == "rejected" and answer["counts"]["updated"] == 0
    assert "trễ hạn trong kỳ 2026-03 đã khóa số liệu" in result["reasons"][0]
    rejection = Rejection.objects.get()  # quarantined with its reason, like other rejections
    assert rejection.record_key == "HS-TRE-1" and rejection.reason_vi == result["reasons"][0]
    assert state() == before


def test_it_refuses_an_overdue_open_dossier_turning_within_its_deadline(client, world, api_keys) -> None:  # type: ignore[no-untyped-def]
    """Still open at the end of March and overdue there: moving its due date is the same bend."""
    add_procedure()
    open_late = late_record("HS-MO-1", TrangThaiHoSo="2", NgayKetThucXuLy=None)
    open_late = {k: v for k, v in open_late.items() if v is not None}
    post(client, [open_late], api_keys["token_52"])
    _close(world)
    moved = open_late | {"NgayHenTra": "20260415170000"}
    result = post(client, [moved], api_keys["token_52"]).json()["results"][0]
    assert result["status"] == "rejected" and "đã khóa số liệu" in result["reasons"][0]


def test_it_accepts_other_changes_after_the_close(client, late, api_keys) -> None:  # type: ignore[no-untyped-def]
    _close(late)
    still_late = late_record(NgayHenTra="20260309170000")
    assert post(client, [still_late], api_keys["token_52"]).json()["results"][0]["status"] == "updated"
    assert Dossier.objects.get().on_time is False and DossierVersion.objects.count() == 1


def _appeal(world) -> Appeal:  # type: ignore[no-untyped-def]
    admin = world.users["province_admin"]
    snapshot = lifecycle.publish_period(admin, world.province, MARCH)
    return Appeal.objects.create(
        snapshot=snapshot,
        commune=world.commune,
        framework_code="khung",
        indicator_code="DUNG_HAN",
        reason="Ngày hẹn trả nhập sai trên hệ thống một cửa.",
        filed_by=world.users["commune_leader"],
        filed_at=timezone.now(),
    )


def test_it_accepts_the_change_through_an_appeal(late) -> None:  # type: ignore[no-untyped-def]
    _close(late)
    appeal = _appeal(late)
    batch = appeal_corrections.correct_through_appeal(
        late.users["province_admin"], appeal, OFFICIAL, [moved_due()]
    )
    assert (batch.updated, batch.rejected, batch.appeal_id) == (1, 0, appeal.pk)
    assert Dossier.objects.get().on_time is True
    version = DossierVersion.objects.get()
    assert version.batch_id == batch.pk and version.changes["on_time"] == [False, True]


def test_it_refuses_the_change_through_a_rejected_appeal(late) -> None:  # type: ignore[no-untyped-def]
    _close(late)
    appeal = _appeal(late)
    Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.REJECTED)
    appeal.refresh_from_db()
    with pytest.raises(authority.AuthorityError):
        appeal_corrections.correct_through_appeal(
            late.users["province_admin"], appeal, OFFICIAL, [moved_due()]
        )
    assert Dossier.objects.get().on_time is False


def test_it_refuses_an_appeal_correction_by_the_commune_itself(late) -> None:  # type: ignore[no-untyped-def]
    _close(late)
    appeal = _appeal(late)
    with pytest.raises(authority.AuthorityError):
        appeal_corrections.correct_through_appeal(
            late.users["commune_leader"], appeal, OFFICIAL, [moved_due()]
        )
    assert Dossier.objects.get().on_time is False
