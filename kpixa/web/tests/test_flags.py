"""The accountability flags pages: the province's review list with filters and ranking, the
commune's own flags, the audited review (docs/flags.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kpixa.accountability.models import AccountabilityFlag
from kpixa.accountability.services import detect_period
from kpixa.accountability.tests.test_pass import bounced, load, normal
from kpixa.accounts.models import AuditEntry
from kpixa.dossiers.tests.conftest import catalogue, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(catalogue: Any, tmp_path: Path) -> Any:  # noqa: F811
    load(tmp_path, [bounced(), normal()])
    detect_period("52", "2026-03")
    return catalogue


def client_for(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_it_lists_the_province_flags_with_the_ranking(
    flagged: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(flagged, "province_admin")
    url = reverse("web:flags_province", args=["52"])
    with django_assert_max_num_queries(14):
        page = client.get(url, {"period": "2026-03", "kind": "pass_around"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "HS-BOUNCE" in body and "HS-OK" not in body
    assert "Bộ phận một cửa → Địa chính - Xây dựng → Tư pháp - Hộ tịch" in body
    assert 'id="ranking"' in body and "50%" in body
    assert reverse("web:flags_review", args=[AccountabilityFlag.objects.get(kind="pass_around").pk]) in body
    empty = client.get(url, {"period": "2026-03", "commune": "23869"}).content.decode()
    assert "HS-BOUNCE" not in empty


def test_it_shows_the_commune_its_own_flags_only(flagged: Any) -> None:
    leader = client_for(flagged, "commune_leader")
    own = leader.get(reverse("web:flags_commune", args=["23872"]), {"period": "2026-03"})
    assert own.status_code == 200
    body = own.content.decode()
    assert "HS-BOUNCE" in body and "Địa chính - Xây dựng" in body
    assert "xem-xet" not in body  # a commune does not review its own flags
    assert leader.get(reverse("web:flags_commune", args=["23869"])).status_code == 404
    assert leader.get(reverse("web:flags_province", args=["52"])).status_code == 403


def test_it_records_a_review_by_the_province_admin_only(flagged: Any) -> None:
    flag = AccountabilityFlag.objects.get(kind="pass_around")
    url = reverse("web:flags_review", args=[flag.pk])
    viewer = client_for(flagged, "province_viewer")
    assert viewer.post(url, {"status": "dismissed", "note": "x"}).status_code == 403
    admin = client_for(flagged, "province_admin")
    answer = admin.post(url, {"status": "confirmed", "note": "Đã xác minh với bộ phận địa chính"})
    assert answer.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "confirmed" and flag.reviewed_by == flagged.users["province_admin"]
    assert AuditEntry.objects.filter(action="accountability.review_flag", province_code="52").count() == 1
    refused = admin.post(url, {"status": "dismissed", "note": ""}, follow=True)
    assert "Cần ghi chú" in refused.content.decode()
    flag.refresh_from_db()
    assert flag.status == "confirmed"
