from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from kpixa.accounts import audit, services
from kpixa.accounts.models import ApiToken, AuditEntry, Role, User
from kpixa.scoring.tests.conftest import frameworks  # noqa: F401

NEW_PASSWORD = "Rung-xanh-2026!"


@pytest.fixture
def admin_client(world, client):  # type: ignore[no-untyped-def]
    """A logged-in province admin of Gia Lai with the permissions the accounts app grants."""
    user = world.users["province_admin"]
    services.grant_province_admin_permissions(user)
    client.force_login(user)
    return client


@pytest.fixture
def root_client(superuser, client):  # type: ignore[no-untyped-def]
    client.force_login(superuser)
    return client


def _add_user(client, **fields):  # type: ignore[no-untyped-def]
    data = {
        "username": "moi",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return client.post("/admin/accounts/user/add/", {**data, **fields})


def test_it_lists_only_users_of_the_admins_province(
    world, admin_client, superuser, django_assert_max_num_queries
):
    User.objects.create_user(
        username="dak_lak_viewer", role=Role.PROVINCE_VIEWER, province=world.other_province
    )
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/accounts/user/")
    names = {u.username for u in response.context["cl"].result_list}
    assert names == {"province_admin", "province_viewer", "commune_leader", "commune_officer"}


def test_it_creates_a_commune_user_in_the_admins_province(world, admin_client):
    response = _add_user(admin_client, role=Role.COMMUNE_OFFICER, commune=world.sibling.pk, is_superuser="on")
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="moi")
    assert (user.province_id, user.commune_id, user.is_superuser, user.is_staff) == (
        world.province.pk,
        world.sibling.pk,
        False,
        False,
    )
    entry: Any = AuditEntry.objects.get(action="admin.add")
    assert entry.after["role"] == "commune_officer" and "password" not in entry.after
    assert entry.province_code == "52"


def test_it_refuses_a_commune_of_another_province(world, admin_client):
    response = _add_user(admin_client, role=Role.COMMUNE_OFFICER, commune=world.foreign.pk)
    assert response.status_code == 200
    assert "commune" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="moi").exists()


def test_it_refuses_a_province_role_without_province(world, admin_client):
    response = _add_user(admin_client, role=Role.PROVINCE_VIEWER)
    assert "province" in response.context["adminform"].form.errors


def test_it_hides_superuser_fields_from_province_admins(world, admin_client, superuser):
    response = admin_client.get(f"/admin/accounts/user/{world.users['commune_leader'].pk}/change/")
    assert "is_superuser" not in response.context["adminform"].form.fields
    assert "user_permissions" not in response.context["adminform"].form.fields
    assert admin_client.get(f"/admin/accounts/user/{superuser.pk}/change/").status_code == 302  # not found


def test_it_cannot_be_used_to_grant_superuser_status(world, admin_client):
    viewer = world.users["province_viewer"]
    response = admin_client.post(
        f"/admin/accounts/user/{viewer.pk}/change/",
        {
            "username": "province_viewer",
            "role": Role.PROVINCE_VIEWER,
            "province": world.province.pk,
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert not viewer.is_superuser and not viewer.is_staff
    changed: Any = AuditEntry.objects.get(action="admin.change")
    assert changed.before["role"] == "province_viewer"


def test_it_grants_permissions_to_a_new_province_admin(world, admin_client):
    response = _add_user(admin_client, role=Role.PROVINCE_ADMIN, province=world.province.pk)
    assert response.status_code == 302
    user = User.objects.get(username="moi")
    assert user.is_staff and user.has_perm("accounts.change_user")


def test_it_shows_a_new_tokens_key_once(world, admin_client):
    response = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"name": "Một cửa", "system": "motcua", "province": world.province.pk},
        follow=True,
    )
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(f"kpx_{token.prefix}_" in m for m in shown)
    assert AuditEntry.objects.filter(action="accounts.token.issue").count() == 1
    page = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert f"kpx_{token.prefix}_" not in page


def test_it_revokes_tokens_with_an_action(world, admin_client):
    token, _ = services.issue_api_token("a", "b", world.province, actor=world.users["province_admin"])
    response = admin_client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_scopes_tokens_to_the_admins_province(world, admin_client, superuser):
    services.issue_api_token("foreign", "x", world.other_province, actor=superuser)
    assert list(admin_client.get("/admin/accounts/apitoken/").context["cl"].result_list) == []


# --- audit log -------------------------------------------------------------------------------


@pytest.fixture
def entries(world):  # type: ignore[no-untyped-def]
    audit.record("test.one", object_type="x", object_id=1, province_code="52", after={"tên": "Ia Dom"})
    audit.record("test.two", object_type="x", object_id=2, province_code="66")
    return list(AuditEntry.objects.all())


@pytest.mark.parametrize("path", ["add/", "{pk}/delete/"])
def test_it_refuses_to_add_or_delete_audit_entries_even_for_superusers(entries, root_client, path):
    assert root_client.get("/admin/accounts/auditentry/" + path.format(pk=entries[0].pk)).status_code == 403


def test_it_refuses_to_change_audit_entries_even_for_superusers(entries, root_client):
    url = f"/admin/accounts/auditentry/{entries[0].pk}/change/"
    response = root_client.get(url)
    assert response.status_code == 200 and "_save" not in response.content.decode()
    assert root_client.post(url, {"action": "changed"}).status_code == 403
    assert AuditEntry.objects.get(pk=entries[0].pk).action == "test.one"


def test_it_filters_audit_entries(entries, root_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = root_client.get("/admin/accounts/auditentry/?action=test.two")
    assert [e.action for e in response.context["cl"].result_list] == ["test.two"]
    response = root_client.get("/admin/accounts/auditentry/?province_code=52")
    assert [e.action for e in response.context["cl"].result_list] == ["test.one"]


def test_it_shows_province_admins_their_provinces_entries_only(entries, admin_client):
    actions = {e.action for e in admin_client.get("/admin/accounts/auditentry/").context["cl"].result_list}
    assert "test.two" not in actions and "test.one" in actions


def test_it_exports_audit_entries_as_csv(entries, root_client):
    response = root_client.post(
        "/admin/accounts/auditentry/",
        {"action": "export_csv", "_selected_action": [e.pk for e in entries]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["id", "at", "actor_label", "action"]
    assert [r[3] for r in rows[1:]] == ["test.one", "test.two"]
    assert '"tên": "Ia Dom"' in rows[1][8]


def test_it_audits_a_password_change_by_an_admin(world, admin_client):
    officer = world.users["commune_officer"]
    response = admin_client.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    entry: Any = AuditEntry.objects.get(action="accounts.user.password_change")
    assert (entry.object_id, entry.province_code, entry.after) == (str(officer.pk), "52", None)


def test_it_refuses_password_changes_outside_the_province(world, admin_client, superuser):
    response = admin_client.post(
        f"/admin/accounts/user/{superuser.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 404
    superuser.refresh_from_db()
    assert not superuser.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_permissions_are_named_in_the_active_language(root_client, world):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission
    from django.utils import translation

    from kpixa.accounts.admin import permission_label

    add_user = Permission.objects.get(codename="add_user", content_type__app_label="accounts")
    assert "người dùng" in add_user.name  # as Django stored it
    with translation.override("en"):
        assert permission_label(add_user) == "Accounts | user | Can add user"
    with translation.override("vi"):
        assert permission_label(add_user).endswith("Có thể thêm người dùng")
    root_client.cookies["django_language"] = "en"
    page = root_client.get(f"/admin/accounts/user/{world.users['commune_officer'].pk}/change/")
    assert page.status_code == 200
    assert "Can add user" in page.content.decode() and "Can add người dùng" not in page.content.decode()


@pytest.mark.django_db
def test_the_groups_page_names_permissions_in_the_active_language(root_client, world):  # type: ignore[no-untyped-def]
    from kpixa.web.tests.test_english import VIETNAMESE

    root_client.cookies["django_language"] = "en"
    page = root_client.get("/admin/auth/group/add/").content.decode()
    assert "Accounts | user | Can add user" in page
    assert "Can add người dùng" not in page
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", page)
    assert options and not [o for o in options if VIETNAMESE.search(o)]
    root_client.cookies["django_language"] = "vi"
    page = root_client.get("/admin/auth/group/add/").content.decode()
    assert "Có thể thêm người dùng" in page and "Can add người dùng" not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("frameworks")
def test_the_framework_versions_list_names_them_in_the_active_language(root_client):  # type: ignore[no-untyped-def]
    from kpixa.frameworks.models import FrameworkVersion

    version = FrameworkVersion.objects.filter(code="dvc766").exclude(name_en="").first()
    assert version is not None
    root_client.cookies["django_language"] = "en"
    page = root_client.get("/admin/frameworks/frameworkversion/").content.decode()
    assert version.name_en in page and version.name not in page
    root_client.cookies["django_language"] = "vi"
    page = root_client.get("/admin/frameworks/frameworkversion/").content.decode()
    assert version.name in page
