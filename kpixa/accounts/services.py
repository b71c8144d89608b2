"""State changes of accounts: users and roles, API tokens, permissions. Each one is audited."""

from __future__ import annotations

import hashlib
import importlib
import secrets
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kpixa.accounts import audit
from kpixa.accounts.access import can_manage_province
from kpixa.accounts.models import ApiToken, Role, User
from kpixa.accounts.signals import api_token_issuing
from kpixa.units.models import Commune, Province

TOKEN_SCHEME = "kpx"  # noqa: S105 - the public key prefix, not a secret

# What a province admin needs in the Django admin for accounts itself; other apps add theirs in
# ``<app>/admin.py`` as ``PROVINCE_ADMIN_PERMISSIONS = [("app_label", "codename"), ...]`` (or
# "app_label.codename" strings).
PROVINCE_ADMIN_PERMISSIONS = [
    ("accounts", "view_user"),
    ("accounts", "add_user"),
    ("accounts", "change_user"),
    ("accounts", "view_apitoken"),
    ("accounts", "add_apitoken"),
    ("accounts", "change_apitoken"),
    ("accounts", "view_auditentry"),
]

USER_AUDIT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "province_id",
    "commune_id",
    "is_active",
    "is_staff",
    "is_superuser",
)


def user_snapshot(user: User) -> dict[str, Any]:
    """Return the audited fields of ``user`` (never the password hash)."""
    return {name: getattr(user, name) for name in USER_AUDIT_FIELDS}


def province_code_of(user: User) -> str:
    """Return the code of the province ``user`` is scoped to, or "" when none."""
    return user.province.code if user.province is not None else ""


def _check_actor_scope(actor: User, province: Province | None) -> None:
    """Refuse unless ``actor`` is a superuser or the admin of ``province``."""
    if actor.is_superuser:
        return
    if province is None or not can_manage_province(actor, province):
        raise PermissionDenied("actor does not administer this province")


def _apply_scope(user: User, role: str, province: Province | None, commune: Commune | None) -> None:
    user.role = role
    user.commune = commune
    user.province = commune.province if commune is not None else province
    user.is_staff = user.is_superuser or role == Role.PROVINCE_ADMIN


def create_user(
    *,
    username: str,
    password: str | None,
    role: str,
    actor: User,
    province: Province | None = None,
    commune: Commune | None = None,
    **fields: Any,
) -> User:
    """Create a user with ``role`` scoped to ``province`` or ``commune``, audited; return it.

    Raises ValidationError when the scope does not fit the role, PermissionDenied when ``actor``
    does not administer the target province. Superusers are never created here.
    """
    if {"is_superuser", "is_staff", "user_permissions", "groups"} & fields.keys():
        raise ValueError("create_user sets staff status and permissions from the role")
    _check_actor_scope(actor, commune.province if commune is not None else province)
    user = User(username=username, **fields)
    _apply_scope(user, role, province, commune)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    with transaction.atomic():
        user.save()
        if role == Role.PROVINCE_ADMIN:
            _grant(user)
        audit.record(
            "accounts.user.create",
            actor=actor,
            object_type="accounts.User",
            object_id=user.pk,
            province_code=province_code_of(user),
            after=user_snapshot(user),
        )
    return user


def set_role(
    user: User,
    role: str,
    *,
    actor: User,
    province: Province | None = None,
    commune: Commune | None = None,
    reason: str = "",
) -> User:
    """Give ``user`` a new role and scope, audited with before and after; return the user.

    A province admin may only move users of his or her province within that province.
    """
    _check_actor_scope(actor, user.province)
    _check_actor_scope(actor, commune.province if commune is not None else province)
    before = user_snapshot(user)
    _apply_scope(user, role, province, commune)
    user.full_clean()
    with transaction.atomic():
        user.save()
        if role == Role.PROVINCE_ADMIN:
            _grant(user)
        audit.record(
            "accounts.user.set_role",
            actor=actor,
            object_type="accounts.User",
            object_id=user.pk,
            province_code=province_code_of(user),
            before=before,
            after=user_snapshot(user),
            reason=reason,
        )
    return user


# --- permissions --------------------------------------------------------------------------


def province_admin_permission_names() -> list[str]:
    """Return every "app_label.codename" a province admin needs, from each app's admin module."""
    names = [_permission_name(item) for item in PROVINCE_ADMIN_PERMISSIONS]
    for config in apps.get_app_configs():
        if not config.name.startswith("kpixa.") or config.label == "accounts":
            continue
        try:
            module = importlib.import_module(f"{config.name}.admin")
        except ImportError:
            continue
        names.extend(_permission_name(item) for item in getattr(module, "PROVINCE_ADMIN_PERMISSIONS", []))
    return sorted(set(names))


def _permission_name(item: str | tuple[str, str]) -> str:
    """Accept ``"app_label.codename"`` or ``("app_label", "codename")``; return the dotted form."""
    return item if isinstance(item, str) else ".".join(item)


def _permissions(names: list[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, _, codename = name.partition(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def _grant(user: User) -> list[str]:
    perms = _permissions(province_admin_permission_names())
    user.user_permissions.add(*perms)
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms)


def grant_province_admin_permissions(user: User, *, actor: User | None = None) -> list[str]:
    """Give a province admin the Django model permissions the admin site needs; return their names.

    Permissions named by an app but not (yet) in the database are skipped.
    """
    with transaction.atomic():
        granted = _grant(user)
        audit.record(
            "accounts.user.grant_permissions",
            actor=actor,
            object_type="accounts.User",
            object_id=user.pk,
            province_code=province_code_of(user),
            after={"permissions": granted},
        )
    return granted


# --- API tokens ---------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    """Return the stored form of a token secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


def token_snapshot(token: ApiToken) -> dict[str, Any]:
    """Return the audited fields of ``token`` (never its hash)."""
    return {
        "name": token.name,
        "system": token.system,
        "province_id": token.province_id,
        "prefix": token.prefix,
        "revoked_at": token.revoked_at,
    }


def issue_api_token(name: str, system: str, province: Province, actor: User) -> tuple[ApiToken, str]:
    """Create an API token for an integration client of ``province``; return it and its key.

    The key ``kpx_<prefix>_<secret>`` is returned once and never stored: only the prefix and
    the SHA-256 of the secret are.
    """
    _check_actor_scope(actor, province)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        # the system the token may write is registered as official (kpixa.dossiers.receivers)
        api_token_issuing.send(sender=ApiToken, system=system, name=name, province=province)
        token = ApiToken.objects.create(
            name=name, system=system, province=province, prefix=_new_prefix(), key_hash=hash_secret(secret)
        )
        audit.record(
            "accounts.token.issue",
            actor=actor,
            object_type="accounts.ApiToken",
            object_id=token.pk,
            province_code=province.code,
            after=token_snapshot(token),
        )
    return token, f"{TOKEN_SCHEME}_{token.prefix}_{secret}"


def revoke_api_token(token: ApiToken, actor: User, reason: str = "") -> ApiToken:
    """Revoke ``token`` (idempotent), audited; return it. Revoked tokens are kept for history."""
    _check_actor_scope(actor, token.province)
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        before = token_snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            "accounts.token.revoke",
            actor=actor,
            object_type="accounts.ApiToken",
            object_id=token.pk,
            province_code=token.province.code,
            before=before,
            after=token_snapshot(token),
            reason=reason,
        )
    return token
