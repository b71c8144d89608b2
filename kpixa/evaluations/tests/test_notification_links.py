"""The notifications of the lifecycle lead somewhere: a publication to the published ranking of the
period (every role may open it), a decided appeal to the commune's page of the period, where its
appeals and the appeal form are."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kpixa.accounts.models import Notification, NotificationKind, Role
from kpixa.evaluations.models import Appeal
from kpixa.evaluations.tests.conftest import Q3, published_q3, test_kpi  # noqa: F401

pytestmark = pytest.mark.django_db


def client_for(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_a_publication_links_the_published_ranking(world: Any, published_q3: Any) -> None:  # noqa: F811
    note = Notification.objects.get(
        kind=NotificationKind.RESULT_PUBLISHED, user=world.users[Role.COMMUNE_OFFICER]
    )
    assert note.link == f"/cong-khai/tinh/52/?period={Q3}"
    page = client_for(world, Role.COMMUNE_OFFICER).get("/accounts/notifications/").content.decode()
    assert f'href="/cong-khai/tinh/52/?period={Q3}"' in page


def test_a_decided_appeal_links_the_communes_appeal_page(world: Any, published_q3: Any) -> None:  # noqa: F811
    commune_page = f"/ky-danh-gia/xa/23872/{Q3}/"
    leader = client_for(world, Role.COMMUNE_LEADER)
    leader.post(
        commune_page + "khieu-nai/", {"framework": "test_kpi", "indicator": "1.2", "reason": "Đã thu đủ"}
    )
    appeal = Appeal.objects.get()
    admin = client_for(world, Role.PROVINCE_ADMIN)
    admin.post(f"/ky-danh-gia/khieu-nai/{appeal.pk}/khong-chap-nhan/", {"reason": "Không đủ căn cứ"})
    note = Notification.objects.get(
        kind=NotificationKind.APPEAL_DECIDED, user=world.users[Role.COMMUNE_LEADER]
    )
    assert note.link == commune_page
    assert leader.get(note.link).status_code == 200
