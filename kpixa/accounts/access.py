"""Permission-scoped access: which units a user sees, what a view demands, how personal data is masked.

Every view that reads tenant data goes through these helpers; none fetches a commune by bare
code or id. Views declare who may call them with ``@access(...)`` or ``@role_required(...)``;
both enforce the rule and record it on the view as ``kpixa_access``, which the generated
permission matrix (tests/test_permission_matrix.py) reads. See docs/security.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kpixa.accounts.models import COMMUNE_ROLES, PROVINCE_ROLES, ApiToken, Role, User
from kpixa.units.models import Commune, Province

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])

# Whom a request acts for: ``request.user`` (a user or the anonymous user), or no one.
Actor = User | AnonymousUser | None

# The policies a view can declare (docs/security.md, "Declaring a view's policy").
PUBLIC = "public"  # anyone, logged in or not
LOGIN = "login"  # any logged-in user
PROVINCE = "province"  # province admins and viewers (of the commune's province when the URL names one)
COMMUNE = "commune"  # any logged-in user whose scope covers the commune named in the URL
ADMIN = "admin"  # province admins (of the commune's province when the URL names one)
REPORT = "report"  # who may report values for the commune: its officers and its province's admins
TOKEN = "token"  # noqa: S105 - integration clients with an API token (API operations only)
POLICIES = (PUBLIC, LOGIN, PROVINCE, COMMUNE, ADMIN, REPORT, TOKEN)

# URL keyword arguments that name a tenant commune; a guarded view is checked against it.
COMMUNE_KWARGS = ("code", "commune_code")

# The request attribute holding the URL's commune once the guard has checked it (``checked_commune``).
CHECKED_COMMUNE_ATTR = "kpixa_checked_commune"

# The key under which an API operation declares its policy in the OpenAPI schema.
OPENAPI_ACCESS_KEY = "x-kpixa-access"


# --- scopes -------------------------------------------------------------------------------


def _is_authenticated(user: Actor) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def acting_user(request: HttpRequest) -> User:
    """The logged-in user acting through ``request`` (every view that changes state is behind a login)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def visible_communes(user: Actor) -> QuerySet[Commune]:
    """Return the communes whose tenant data ``user`` may read (none for anonymous users)."""
    communes = Commune.objects.select_related("province")
    if not _is_authenticated(user):
        return communes.none()
    if user.is_superuser:
        return communes.all()
    if user.role in PROVINCE_ROLES and user.province_id is not None:
        return communes.filter(province_id=user.province_id)
    if user.role in COMMUNE_ROLES and user.commune_id is not None:
        return communes.filter(pk=user.commune_id)
    return communes.none()


def visible_provinces(user: Actor) -> QuerySet[Province]:
    """Return the provinces whose province-wide tenant data ``user`` may read.

    Commune roles see none: a province-wide view shows their siblings' unpublished data.
    """
    if not _is_authenticated(user):
        return Province.objects.none()
    if user.is_superuser:
        return Province.objects.all()
    if user.role in PROVINCE_ROLES and user.province_id is not None:
        return Province.objects.filter(pk=user.province_id)
    return Province.objects.none()


def can_view_commune(user: Actor, commune: Commune) -> bool:
    """Return whether ``user`` may read ``commune``'s tenant data."""
    if not _is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    if user.role in PROVINCE_ROLES:
        return user.province_id is not None and user.province_id == commune.province_id
    if user.role in COMMUNE_ROLES:
        return user.commune_id is not None and user.commune_id == commune.pk
    return False


def can_manage_province(user: Actor, province: Province) -> bool:
    """Return whether ``user`` administers ``province`` (its province admin, or a superuser)."""
    if not _is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    return bool(user.role == Role.PROVINCE_ADMIN and user.province_id == province.pk)


def can_report_for(user: Actor, commune: Commune) -> bool:
    """Return whether ``user`` may report values for ``commune``: its officer or its province's admin."""
    if not _is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    if user.role == Role.COMMUNE_OFFICER:
        return user.commune_id is not None and user.commune_id == commune.pk
    return bool(user.role == Role.PROVINCE_ADMIN and user.province_id == commune.province_id)


def get_commune_or_404(user: Actor, code: str) -> Commune:
    """Return the commune with ``code`` if ``user`` may see it; raise Http404 otherwise.

    A commune outside the user's scope is indistinguishable from one that does not exist.
    """
    try:
        return visible_communes(user).get(code=code)
    except Commune.DoesNotExist:
        raise Http404(_("Không tìm thấy xã/phường.")) from None


def checked_commune(request: HttpRequest, code: str) -> Commune:
    """Return the commune ``code`` of the URL as the view's access guard already read and checked it
    for this request's user (no second query); else look it up like ``get_commune_or_404``."""
    commune = getattr(request, CHECKED_COMMUNE_ATTR, None)
    if isinstance(commune, Commune) and commune.code == code:
        return commune
    return get_commune_or_404(request.user, code)


def token_commune_or_404(token: ApiToken, code: str) -> Commune:
    """Return the commune with ``code`` if it belongs to ``token``'s province; raise Http404 otherwise."""
    try:
        return Commune.objects.select_related("province").get(code=code, province_id=token.province_id)
    except Commune.DoesNotExist:
        raise Http404(_("Không tìm thấy xã/phường.")) from None


# --- personal data ------------------------------------------------------------------------


def sees_personal_data(user: Actor, commune: Commune | None = None) -> bool:
    """Return whether citizens' personal data is shown unmasked to ``user`` (for ``commune`` if given).

    Province admins (of the commune's province) and the commune's own officers: yes.
    Viewers, leaders, other communes' staff and the public: no.
    """
    if not _is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    if user.role == Role.PROVINCE_ADMIN:
        return commune is None or user.province_id == commune.province_id
    if user.role == Role.COMMUNE_OFFICER:
        return commune is None or user.commune_id == commune.pk
    return False


def mask_name(name: str) -> str:
    """Keep the family name, reduce the rest to initials: "Nguyễn Văn An" -> "Nguyễn V*** A**"."""
    words = (name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + "**"
    middle = [word[0] + "***" for word in words[1:-1]]
    return " ".join([words[0], *middle, words[-1][0] + "**"])


def _mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    text = "".join((value or "").split())
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end :]


def mask_id_number(value: str) -> str:
    """Mask an identity number, keeping 4 leading and 2 trailing digits: "0641******34"."""
    return _mask_middle(value, 4, 2)


def mask_phone(value: str) -> str:
    """Mask a phone number, keeping 4 leading and 3 trailing digits: "0905***456"."""
    return _mask_middle(value, 4, 3)


# --- view decorators ----------------------------------------------------------------------


def _target_commune(kwargs: Mapping[str, object]) -> str | None:
    for name in COMMUNE_KWARGS:
        if name in kwargs:
            return str(kwargs[name])
    return None


def _role_allows(user: User, roles: tuple[str, ...]) -> bool:
    return bool(user.is_superuser or user.role in roles)


def _check_target(user: User, policy: str, code: str) -> Commune:
    """Return the commune named in the URL; raise Http404 when it is outside what ``policy`` lets
    ``user`` reach."""
    commune = get_commune_or_404(user, code)
    if policy == REPORT and not can_report_for(user, commune):
        raise PermissionDenied
    if policy == ADMIN and not can_manage_province(user, commune.province):
        raise PermissionDenied
    return commune


_POLICY_ROLES: dict[str, tuple[str, ...]] = {
    PROVINCE: tuple(PROVINCE_ROLES),
    ADMIN: (Role.PROVINCE_ADMIN,),
    REPORT: (Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER),
}


def _guard(policy: str, roles: tuple[str, ...] | None) -> Callable[[ViewFunc], ViewFunc]:
    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if policy != PUBLIC:
                if not _is_authenticated(request.user):
                    return redirect_to_login(request.get_full_path())
                if roles is not None and not _role_allows(request.user, roles):
                    raise PermissionDenied
                code = _target_commune(kwargs)
                if code is not None:
                    setattr(request, CHECKED_COMMUNE_ATTR, _check_target(request.user, policy, code))
            return view(request, *args, **kwargs)

        wrapped.kpixa_access = policy  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def access(policy: str) -> Callable[[ViewFunc], ViewFunc]:
    """Declare and enforce a view's access policy (one of ``POLICIES`` but ``token``).

    Anonymous users are sent to the login page; a logged-in user without the role gets 403; a
    commune named by a ``code``/``commune_code`` URL argument outside the user's scope gets 404.
    """
    if policy not in POLICIES or policy == TOKEN:
        raise ValueError(f"unknown page access policy {policy!r}")
    return _guard(policy, _POLICY_ROLES.get(policy))


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Let only logged-in users with one of ``roles`` (or superusers) through; declare ``roles:...``.

    A commune named in the URL must also be visible to the user.
    """
    unknown = set(roles) - set(Role.values)
    if not roles or unknown:
        raise ValueError(f"role_required needs known roles, got {roles!r}")
    return _guard("roles:" + ",".join(sorted(roles)), tuple(roles))


def api_access(policy: str) -> dict[str, str]:
    """Return ``openapi_extra`` that declares an API operation's policy in the OpenAPI schema.

    Usage: ``@router.post("/dossiers", auth=ApiTokenAuth(), openapi_extra=api_access("token"))``.
    The operation enforces it itself (its ``auth=`` and scoped queries); the matrix checks it.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown API access policy {policy!r}")
    return {OPENAPI_ACCESS_KEY: policy}


def declared_policy(view: object) -> str | None:
    """Return the access policy a URL callback declares (function or class-based), or None."""
    policy = getattr(view, "kpixa_access", None)
    if policy is None and hasattr(view, "view_class"):
        policy = getattr(view.view_class, "kpixa_access", None)
    return policy
