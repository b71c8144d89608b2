from __future__ import annotations

import pytest
from django.test import Client

from kpixa.accounts import audit
from kpixa.accounts.models import NotificationKind, Role
from kpixa.accounts.notifications import notify, unread_count


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.fixture
def entries(world):
    admin = world.users[Role.PROVINCE_ADMIN]
    audit.record("reporting.approve", actor=admin, province_code="52", after={"v": 1})
    audit.record("reporting.reject", actor=admin, province_code="52", reason="=HYPERLINK(1)")
    audit.record("frameworks.install", actor=admin, province_code="52")
    audit.record("reporting.approve", actor_label="someone66", province_code="66")


def test_the_audit_page_shows_only_the_admins_province_and_filters(world, entries):
    client = client_for(world, Role.PROVINCE_ADMIN)
    page = client.get("/accounts/audit/").content.decode()
    assert "frameworks.install" in page and "someone66" not in page
    filtered = client.get("/accounts/audit/", {"action": "reporting."}).content.decode()
    assert "reporting.reject" in filtered and "frameworks.install" not in filtered
    assert "Không có mục nào" in client.get("/accounts/audit/", {"actor": "nobody"}).content.decode()


def test_the_audit_csv_exports_the_selection_with_formulas_defused(world, entries):
    response = client_for(world, Role.PROVINCE_ADMIN).get("/accounts/audit.csv", {"action": "reporting."})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Disposition"].startswith("attachment")
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 3 and "'=HYPERLINK(1)" in text and "someone66" not in text


@pytest.mark.parametrize("role", [Role.PROVINCE_VIEWER, Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER])
def test_the_audit_page_is_for_province_admins(world, role):
    assert client_for(world, role).get("/accounts/audit/").status_code == 403


def test_notifications_list_and_mark_read(world):
    officer = world.users[Role.COMMUNE_OFFICER]
    notify([officer, officer], NotificationKind.VALUE_REJECTED, "Số liệu bị trả lại", "/reporting/")
    assert unread_count(officer) == 1
    client = client_for(world, Role.COMMUNE_OFFICER)
    assert "Số liệu bị trả lại" in client.get("/accounts/notifications/").content.decode()
    client.post("/accounts/notifications/read/")
    assert unread_count(officer) == 0
    assert (
        "Số liệu bị trả lại"
        not in client_for(world, Role.COMMUNE_LEADER).get("/accounts/notifications/").content.decode()
    )


def test_notify_refuses_unknown_kinds(world):
    with pytest.raises(ValueError):
        notify([world.users[Role.COMMUNE_OFFICER]], "nonsense", "x")
