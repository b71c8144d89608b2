"""Another period is chosen from a list on the reporting pages, never by editing the address: the
list's form goes to the index, which sends each user to that period's page of their scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from kpixa.accounts.models import Role
from kpixa.reporting.views import pickable_periods

pytestmark = pytest.mark.django_db


def client_for(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_picker_offers_every_kind_of_period_begun() -> None:
    codes = [p.code for p in pickable_periods(date(2026, 2, 10))]
    assert codes[:6] == ["2026-02", "2026-01", "2026-Q1", "2026-H1", "2026", "2025-12"]
    assert {"2025-Q4", "2025-10", "2025-H2", "2025-H1", "2025", "2025-01"} <= set(codes)
    assert "2026-03" not in codes and "2026-Q2" not in codes and len(codes) == 2 + 1 + 1 + 1 + 19


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.COMMUNE_OFFICER, "/reporting/commune/23872/2025-Q4/"),
        (Role.PROVINCE_ADMIN, "/reporting/province/52/2025-Q4/"),
    ],
)
def test_the_index_sends_each_role_to_the_chosen_period(world: Any, role: str, target: str) -> None:
    client = client_for(world, role)
    page = client.get("/reporting/").content.decode()
    assert "sửa mã kỳ trong địa chỉ" not in page and '<select id="period" name="period">' in page
    response = client.get("/reporting/", {"period": "2025-q4"})
    assert response.status_code == 302 and response["Location"] == target


def test_a_province_admin_moves_a_communes_sheet_to_another_period(world: Any) -> None:
    client = client_for(world, Role.PROVINCE_ADMIN)
    sheet = client.get("/reporting/commune/23869/2025-Q3/").content.decode()
    assert 'name="commune" value="23869"' in sheet and 'value="2025-Q3" selected' in sheet
    response = client.get("/reporting/", {"period": "2025-12", "commune": "23869"})
    assert response["Location"] == "/reporting/commune/23869/2025-12/"
    assert client.get("/reporting/", {"period": "2025-12", "commune": "24121"}).status_code == 404  # foreign
