from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from kpixa.accounts import services
from kpixa.accounts.audit import verify_chain
from kpixa.accounts.models import ApiToken, AuditEntry, Role, User
from kpixa.accounts.tokens import ApiTokenAuth, parse_key, token_for_key


def test_it_creates_a_commune_user_and_audits_it(world):
    admin = world.users["province_admin"]
    user = services.create_user(
        username="officer2",
        password="s3cret-pass!",
        role=Role.COMMUNE_OFFICER,
        commune=world.sibling,
        actor=admin,
    )
    assert (user.province_id, user.commune_id, user.is_staff) == (world.province.pk, world.sibling.pk, False)
    assert user.check_password("s3cret-pass!")
    entry: Any = AuditEntry.objects.get(action="accounts.user.create")
    assert (entry.actor_id, entry.province_code, entry.object_id) == (admin.pk, "52", str(user.pk))
    assert entry.after["role"] == "commune_officer"
    assert "password" not in entry.after
    assert verify_chain() == []


def test_it_refuses_users_outside_the_admins_province(world):
    with pytest.raises(PermissionDenied):
        services.create_user(
            username="x",
            password=None,
            role=Role.COMMUNE_LEADER,
            commune=world.foreign,
            actor=world.users["province_admin"],
        )
    with pytest.raises(PermissionDenied):
        services.create_user(
            username="x",
            password=None,
            role=Role.PROVINCE_VIEWER,
            province=world.province,
            actor=world.users["province_viewer"],
        )
    assert not User.objects.filter(username="x").exists()


def test_it_refuses_to_create_superusers(world):
    with pytest.raises(ValueError):
        services.create_user(
            username="x",
            password=None,
            role=Role.PROVINCE_ADMIN,
            province=world.province,
            actor=world.users["province_admin"],
            is_superuser=True,
        )


def test_it_refuses_an_inconsistent_scope(world):
    with pytest.raises(ValidationError):
        services.create_user(
            username="x",
            password=None,
            role=Role.PROVINCE_VIEWER,
            province=None,
            actor=User.objects.create_superuser(username="root", password="x"),
        )


def test_it_makes_a_new_province_admin_staff_with_permissions(world):
    user = services.create_user(
        username="admin2",
        password=None,
        role=Role.PROVINCE_ADMIN,
        province=world.province,
        actor=world.users["province_admin"],
    )
    assert user.is_staff and not user.is_superuser
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("accounts.add_user")
    assert user.has_perm("accounts.view_auditentry")
    assert not user.has_perm("accounts.delete_user")


def test_it_changes_a_role_with_before_and_after(world):
    leader = world.users["commune_leader"]
    services.set_role(
        leader,
        Role.PROVINCE_VIEWER,
        province=world.province,
        actor=world.users["province_admin"],
        reason="chuyển",
    )
    leader.refresh_from_db()
    assert (leader.role, leader.commune_id) == ("province_viewer", None)
    entry: Any = AuditEntry.objects.get(action="accounts.user.set_role")
    assert entry.before["role"] == "commune_leader" and entry.after["role"] == "province_viewer"
    assert entry.reason == "chuyển"


def test_it_refuses_to_move_a_user_into_another_province(world):
    with pytest.raises(PermissionDenied):
        services.set_role(
            world.users["commune_leader"],
            Role.COMMUNE_LEADER,
            commune=world.foreign,
            actor=world.users["province_admin"],
        )


def test_it_collects_province_admin_permissions_from_apps():
    names = services.province_admin_permission_names()
    assert "accounts.add_user" in names
    assert names == sorted(set(names))


def test_it_grants_and_audits_permissions(world):
    viewer = world.users["province_viewer"]
    granted = services.grant_province_admin_permissions(viewer, actor=world.users["province_admin"])
    assert "accounts.change_user" in granted
    assert AuditEntry.objects.filter(action="accounts.user.grant_permissions").count() == 1


# --- API tokens ------------------------------------------------------------------------------


@pytest.fixture
def issued(world):  # type: ignore[no-untyped-def]
    return services.issue_api_token(
        "Một cửa Gia Lai", "motcua-52", world.province, actor=world.users["province_admin"]
    )


def test_it_issues_a_token_and_stores_only_a_hash(issued):
    token, key = issued
    assert key.startswith(f"kpx_{token.prefix}_")
    secret = key.split("_", 2)[2]
    assert len(secret) >= 40
    assert secret not in token.key_hash and token.key_hash == services.hash_secret(secret)
    entry: Any = AuditEntry.objects.get(action="accounts.token.issue")
    assert "key_hash" not in entry.after and entry.province_code == "52"


def test_it_gives_every_token_a_unique_prefix(world):
    actor = world.users["province_admin"]
    prefixes = {services.issue_api_token("t", "s", world.province, actor=actor)[0].prefix for _ in range(5)}
    assert len(prefixes) == 5


def test_it_refuses_tokens_for_another_province(world):
    with pytest.raises(PermissionDenied):
        services.issue_api_token("x", "x", world.other_province, actor=world.users["province_admin"])


def test_it_authenticates_a_bearer_key(issued):
    token, key = issued
    request = RequestFactory().post("/api/v1/x", headers={"Authorization": f"Bearer {key}"})
    assert ApiTokenAuth()(request) == token
    assert getattr(request, "api_token", None) == token


@pytest.mark.parametrize(
    "mangle",
    [
        lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),
        lambda k: k + "x",
        lambda k: "kpx_ffffffff_" + k.split("_", 2)[2],
        lambda k: k.replace("kpx", "abc"),
        lambda k: "",
        lambda k: "kpx__",
    ],
)
def test_it_rejects_wrong_keys(issued, mangle):
    _, key = issued
    assert token_for_key(mangle(key)) is None


def test_it_rejects_revoked_tokens_and_audits_the_revocation(issued, world):
    token, key = issued
    services.revoke_api_token(token, actor=world.users["province_admin"], reason="lộ khóa")
    assert token_for_key(key) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    services.revoke_api_token(token, actor=world.users["province_admin"])  # idempotent
    assert AuditEntry.objects.filter(action="accounts.token.revoke").count() == 1


def test_it_parses_keys_whose_secret_contains_underscores():
    assert parse_key("kpx_ab12cd34_se_cr_et") == ("ab12cd34", "se_cr_et")
    assert parse_key("Bearer kpx") is None


def test_it_includes_the_other_apps_permissions(world):
    import importlib

    names = services.province_admin_permission_names()
    for app in ("units", "workdays"):
        try:
            module = importlib.import_module(f"kpixa.{app}.admin")
        except ImportError:
            continue
        for item in getattr(module, "PROVINCE_ADMIN_PERMISSIONS", []):
            assert (item if isinstance(item, str) else ".".join(item)) in names
