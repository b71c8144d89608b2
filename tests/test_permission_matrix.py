"""The generated permission matrix: every page and API operation × every role × own/sibling/foreign unit.

Endpoints are discovered, not listed: every URL pattern of the project (admin internals, static
files and the language switch aside) and every operation of the OpenAPI schema. Each one must
declare an access policy (docs/security.md): a page view through ``@access(...)`` /
``@role_required(...)`` (or ``kpixa_access`` on a class-based view), an API operation through
``openapi_extra=api_access(...)``. An endpoint without one fails here, so a new endpoint
cannot ship without saying who may call it. The expected outcome of each call is computed from
the declared policy by the rules below, independently of the code that enforces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kpixa.accounts.access import COMMUNE_KWARGS, OPENAPI_ACCESS_KEY, POLICIES, declared_policy
from kpixa.api.api import api

# Policies of endpoints whose views cannot carry the attribute (third-party views), or whose
# owners have not declared one yet. Prefer declaring on the view; keep this list short.
FALLBACK_PAGE_POLICIES = {
    "web:home": "public",
    "api:openapi-json": "public",
    "api:openapi-view": "public",
}
FALLBACK_API_POLICIES = {
    "GET /api/v1/health": "public",
}

# Sample values of URL arguments that do not name a unit; an argument missing here is filled
# with a placeholder and its endpoint may answer 404 where access is allowed.
SAMPLE_KWARGS: dict[str, str] = {"year": "2026", "period": "2026-H1", "half": "1"}
PROVINCE_KWARGS = ("province_code",)
SKIPPED_NAMESPACES = {"admin"}
# ninja's API root only exists to compute the API's prefix: it always answers 404.
SKIPPED_VIEWS = {"ninja.openapi.views.default_home"}
SKIPPED_MODULES = (
    "django.views.i18n",
    "django.views.static",
    "django.contrib.staticfiles",
    "ninja.operation",
)

USER_ROLES = ("province_admin", "province_viewer", "commune_leader", "commune_officer")
TOKEN_ROLES = ("token_52", "token_66")
ROLES = ("anonymous", *USER_ROLES, *TOKEN_ROLES)
TARGETS = {"own": ("23872", "52"), "sibling": ("23869", "52"), "foreign": ("24121", "66")}

# Which user roles each policy admits (before the unit named in the URL is considered).
POLICY_ROLES = {
    "public": set(USER_ROLES),
    "login": set(USER_ROLES),
    "commune": set(USER_ROLES),
    "province": {"province_admin", "province_viewer"},
    "admin": {"province_admin"},
    "report": {"province_admin", "commune_officer"},
    "token": set(),
}


@dataclass
class Endpoint:
    """One page or API operation to call, with its declared policy and how to build its URL."""

    label: str
    kind: str  # "page" or "api"
    route: str  # with {name} placeholders
    method: str
    policy: str | None
    kwargs: list[str] = field(default_factory=list)

    @property
    def targeted(self) -> bool:
        return any(k in COMMUNE_KWARGS or k in PROVINCE_KWARGS for k in self.kwargs)

    @property
    def lenient(self) -> bool:
        """Whether some argument was filled with a placeholder (a 404 may then mean 'no such row')."""
        known = (*COMMUNE_KWARGS, *PROVINCE_KWARGS, *SAMPLE_KWARGS)
        return any(k not in known for k in self.kwargs)

    def url(self, target: str | None) -> str:
        commune, province = TARGETS[target or "own"]
        values = {name: SAMPLE_KWARGS.get(name, "1") for name in self.kwargs}
        values.update(dict.fromkeys(COMMUNE_KWARGS, commune) | dict.fromkeys(PROVINCE_KWARGS, province))
        return self.route.format(**{k: values[k] for k in self.kwargs})


# --- discovery -------------------------------------------------------------------------------

CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _skipped(pattern: URLPattern, namespace: str) -> bool:
    view = getattr(pattern.callback, "func", pattern.callback)  # unwrap functools.partial (ninja)
    module = getattr(view, "__module__", "") or ""
    if f"{module}.{getattr(view, '__name__', '')}" in SKIPPED_VIEWS:
        return True
    return namespace.split(":")[0] in SKIPPED_NAMESPACES or module.startswith(SKIPPED_MODULES)


def _page(pattern: URLPattern, prefix: str, namespace: str) -> Endpoint:
    raw = prefix + str(pattern.pattern)
    if raw.startswith("^") or "(?P" in raw:
        pytest.fail(f"cannot build a URL for regex pattern {raw!r}: use path() converters")
    name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or raw)
    policy = declared_policy(pattern.callback) or FALLBACK_PAGE_POLICIES.get(name)
    route = "/" + CONVERTER.sub(r"{\1}", raw)
    return Endpoint(name, "page", route, "GET", policy, CONVERTER.findall(raw))


def page_endpoints(patterns: Any = None, prefix: str = "", namespace: str = "") -> list[Endpoint]:
    """Walk the URL configuration recursively and return every page endpoint."""
    found: list[Endpoint] = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            found += page_endpoints(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif not _skipped(pattern, namespace):
            found.append(_page(pattern, prefix, namespace))
    return found


def api_endpoints(ninja_api: Any = api) -> list[Endpoint]:
    """Return every operation of the OpenAPI schema."""
    found = []
    for path, operations in ninja_api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            policy = operation.get(OPENAPI_ACCESS_KEY) or FALLBACK_API_POLICIES.get(label)
            kwargs = re.findall(r"{(\w+)}", path)
            found.append(Endpoint(label, "api", path, method.upper(), policy, kwargs))
    return found


ENDPOINTS = page_endpoints() + api_endpoints()


# --- expectations ----------------------------------------------------------------------------


def _roles_of(policy: str) -> set[str]:
    if policy.startswith("roles:"):
        return set(policy.removeprefix("roles:").split(","))
    return POLICY_ROLES[policy]


def expected_allowed(policy: str, role: str, target: str | None) -> bool:
    """Whether ``role`` may reach an endpoint with ``policy`` for the unit ``target``."""
    if policy == "public":
        return True
    if policy == "token":
        return role in TOKEN_ROLES and (target is None or role == f"token_{TARGETS[target][1]}")
    if role not in _roles_of(policy):
        return False
    if target is None or target == "own":
        return True
    return target == "sibling" and role.startswith("province_")


def _valid_policy(policy: str | None) -> bool:
    if policy is None:
        return False
    if policy.startswith("roles:"):
        return bool(_roles_of(policy)) and _roles_of(policy) <= set(USER_ROLES)
    return policy in POLICIES


# --- calls -----------------------------------------------------------------------------------


def _client(role: str, world: Any, keys: dict[str, str]) -> Client:
    if role in TOKEN_ROLES:
        return Client(headers={"Authorization": f"Bearer {keys[role]}"})
    client = Client()
    if role in USER_ROLES:
        client.force_login(world.users[role])
    return client


def _call(client: Client, endpoint: Endpoint, url: str) -> Any:
    if endpoint.kind == "api":
        if endpoint.method == "GET":
            return client.get(url)
        return client.generic(endpoint.method, url, "{}", content_type="application/json")
    response = client.get(url)
    return client.post(url) if response.status_code == 405 else response


def _denied(endpoint: Endpoint, response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return endpoint.kind == "page" and location.startswith(settings.LOGIN_URL)


def _mismatch(endpoint: Endpoint, role: str, target: str | None, response: Any) -> str | None:
    assert endpoint.policy is not None
    allowed = expected_allowed(endpoint.policy, role, target)
    denied = _denied(endpoint, response)
    if allowed and denied and not (endpoint.lenient and response.status_code == 404):
        return f"{role} → {target or '-'}: expected access, got {response.status_code}"
    if not allowed and not denied:
        return f"{role} → {target or '-'}: expected refusal, got {response.status_code}"
    return None


# --- tests -----------------------------------------------------------------------------------


def test_it_discovers_the_known_endpoints():
    labels = {e.label for e in ENDPOINTS}
    assert {"web:home", "accounts:login", "accounts:logout", "GET /api/v1/health"} <= labels


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.label)
def test_it_has_an_access_policy(endpoint):
    if not _valid_policy(endpoint.policy):
        pytest.fail(
            f"new endpoint {endpoint.label} ({endpoint.route}) has no access policy "
            f"(got {endpoint.policy!r}); declare one as docs/security.md explains"
        )


def matrix_problems(endpoint: Endpoint, world: Any, keys: dict[str, str]) -> list[str]:
    """Call ``endpoint`` as every role for every target; return each answer the policy does not allow."""
    targets: list[str | None] = list(TARGETS) if endpoint.targeted else [None]
    mismatches = []
    for role in ROLES:
        client = _client(role, world, keys)
        for target in targets:
            response = _call(client, endpoint, endpoint.url(target))
            mismatches.append(_mismatch(endpoint, role, target, response))
    return [m for m in mismatches if m]


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if _valid_policy(e.policy)], ids=lambda e: e.label)
def test_it_enforces_the_access_policy(endpoint, world, api_keys):
    problems = matrix_problems(endpoint, world, api_keys)
    assert not problems, f"{endpoint.label} (policy {endpoint.policy}):\n" + "\n".join(problems)


# --- the rules themselves ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "role", "target", "allowed"),
    [
        ("commune", "commune_leader", "own", True),
        ("commune", "commune_leader", "sibling", False),
        ("commune", "province_viewer", "sibling", True),
        ("commune", "province_viewer", "foreign", False),
        ("commune", "anonymous", "own", False),
        ("commune", "token_52", "own", False),
        ("report", "commune_officer", "own", True),
        ("report", "commune_leader", "own", False),
        ("admin", "province_viewer", None, False),
        ("roles:commune_officer", "commune_officer", "sibling", False),
        ("token", "token_52", "sibling", True),
        ("token", "token_66", "own", False),
        ("token", "token_66", "foreign", True),
        ("token", "province_admin", None, False),
        ("public", "anonymous", "foreign", True),
    ],
)
def test_it_derives_expectations_from_the_policy(policy, role, target, allowed):
    assert expected_allowed(policy, role, target) is allowed


# --- the matrix catches what it should (sample endpoints in tests/matrix_urls.py) --------------


@pytest.fixture
def samples(settings):  # type: ignore[no-untyped-def]
    from tests import matrix_urls

    settings.ROOT_URLCONF = "tests.matrix_urls"
    found = page_endpoints(matrix_urls.urlpatterns) + api_endpoints(matrix_urls.api)
    return {e.label: e for e in found}


def test_it_flags_an_endpoint_without_policy(samples):
    assert samples["undeclared"].policy is None
    assert samples["GET /api/open"].policy is None
    assert samples["scorecard"].policy == "commune"


@pytest.mark.parametrize("label", ["scorecard", "report", "ranking", "GET /api/communes/{code}/ping"])
def test_it_passes_correctly_scoped_endpoints(samples, world, api_keys, label):
    assert matrix_problems(samples[label], world, api_keys) == []


def test_it_catches_a_page_that_leaks_other_communes(samples, world, api_keys):
    problems = matrix_problems(samples["leaky"], world, api_keys)
    assert "commune_leader → sibling: expected refusal, got 200" in problems
    assert "province_admin → foreign: expected refusal, got 200" in problems
    assert "anonymous → own: expected refusal, got 200" in problems


def test_it_catches_an_api_operation_that_leaks_another_province(samples, world, api_keys):
    problems = matrix_problems(samples["GET /api/communes/{code}/leak"], world, api_keys)
    assert problems == [
        "token_52 → foreign: expected refusal, got 200",
        "token_66 → own: expected refusal, got 200",
        "token_66 → sibling: expected refusal, got 200",
    ]


# --- the admin: every registered model × every role × own/foreign/national row -----------------
#
# The admin's pages are not URL patterns with a policy: they are generated per registered model.
# The matrix calls, for every model, its changelist and add pages and the change and delete pages
# of a sample row of the province-52 roles' own province, of another province and of no province
# (tests/admin_samples.py), as every role, and checks the answers against these rules:
#
# - anonymous users and the roles without admin access (viewer, commune roles) are refused
#   everywhere (redirected to the admin's login);
# - a province admin never reaches a row of another province (change, delete: refused), never
#   writes a national row or a national model (change page read-only, delete refused, add refused
#   when the model has no province-owned row), and his changelists never name another province or
#   link to its rows (list filters included);
# - ``province_admin`` (with the permissions the project grants) may view, add, change and delete
#   exactly what those permissions say, on rows of his province;
# - ``province_admin_all`` (granted every permission there is, as a misconfigured site might) is
#   still confined to his province: the scoping does not rest on permissions alone.

ADMIN_ROLES = (
    "anonymous",
    "province_admin",
    "province_admin_all",
    "province_viewer",
    "commune_leader",
    "commune_officer",
    "superuser",
)
ADMIN_TARGETS = ("own", "foreign", "national")
FOREIGN_PROVINCE_NAME = "Tỉnh Đắk Lắk"


def _admin_models() -> list[Any]:
    from django.contrib import admin

    return sorted(admin.site._registry, key=lambda m: m._meta.label)


ADMIN_MODELS = _admin_models()


@pytest.fixture
def admin_users(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission

    from kpixa.accounts.models import Role, User
    from kpixa.accounts.services import grant_province_admin_permissions

    users = dict(world.users)
    grant_province_admin_permissions(users["province_admin"])
    everything = User.objects.create(
        username="province_admin_all", role=Role.PROVINCE_ADMIN, province=world.province, is_staff=True
    )
    everything.user_permissions.add(*Permission.objects.all())
    users["province_admin_all"] = everything
    users["superuser"] = User.objects.create(username="matrix_super", is_superuser=True, is_staff=True)
    return users


def _granted(user: Any, model: Any) -> set[str]:
    meta = model._meta
    return {
        a
        for a in ("view", "add", "change", "delete")
        if user.has_perm(f"{meta.app_label}.{a}_{meta.model_name}")
    }


def _admin_url(model: Any, view: str, obj: Any = None) -> str:
    from django.urls import reverse

    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    return reverse(name, args=[obj.pk] if obj is not None else [])


def _admin_refused(response: Any) -> bool:
    if response.status_code in (403, 404):
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith("/admin/login/") or location.rstrip("/") == "/admin"  # login, or "no such row"


def admin_expectation(role: str, view: str, target: str | None, granted: set[str], kinds: set[str]) -> str:
    """``"allowed"``, ``"refused"``, ``"read-only"`` or ``"any"`` for ``role`` on one admin page.

    ``granted``: the role's model permissions (view/add/change/delete); ``kinds``: which sample
    rows the model has (a model without ``own`` is national).
    """
    if role not in ("province_admin", "province_admin_all", "superuser"):
        return "refused"
    exact = role == "province_admin"
    if role == "superuser":
        return "allowed" if view in ("changelist", "change") else "any"
    sees = bool(granted & {"view", "change"})
    if view == "changelist":
        if not sees:
            return "refused"
        return "allowed" if "own" in kinds else "any"
    if view == "add":
        if "add" not in granted or "own" not in kinds:
            return "refused"
        return "allowed" if exact else "any"
    if target == "foreign" or not sees:
        return "refused"
    if target == "national":
        return "refused" if view == "delete" else "read-only"
    if view == "delete":
        return ("allowed" if "delete" in granted else "refused") if exact else "any"
    return ("allowed" if "change" in granted else "read-only") if exact else "any"


def _admin_mismatch(expected: str, response: Any) -> str | None:
    refused = _admin_refused(response)
    if expected == "refused":
        return None if refused else f"expected refusal, got {response.status_code}"
    if expected == "any":
        return None
    if refused or response.status_code != 200:
        return None if expected == "read-only" and refused else f"expected access, got {response.status_code}"
    context = response.context_data or {}
    writable = bool(context.get("has_change_permission", False))
    if expected == "read-only" and writable:
        return "expected a read-only page, got an editable one"
    return None


def admin_problems(model: Any, samples: dict[str, Any], users: dict[str, Any]) -> list[str]:
    """Call every admin page of ``model`` as every role; return each answer the rules do not allow."""
    problems = []
    kinds = set(samples)
    foreign = samples.get("foreign")
    foreign_url = _admin_url(model, "change", foreign) if foreign is not None else None
    for role in ADMIN_ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        granted = _granted(users[role], model) if role != "anonymous" else set()
        calls: list[tuple[str, str | None]] = [("changelist", None), ("add", None)]
        calls += [
            (view, target) for view in ("change", "delete") for target in ADMIN_TARGETS if target in kinds
        ]
        for view, target in calls:
            obj = samples[target] if target is not None else None
            response = client.get(_admin_url(model, view, obj))
            expected = admin_expectation(role, view, target, granted, kinds)
            problem = _admin_mismatch(expected, response)
            if problem:
                problems.append(f"{role} {view} {target or '-'}: {problem}")
            if view == "changelist" and role.startswith("province_admin") and response.status_code == 200:
                body = response.content.decode()
                if foreign_url and foreign_url in body:
                    problems.append(f"{role} changelist links to another province's row")
                if FOREIGN_PROVINCE_NAME in body:
                    problems.append(f"{role} changelist names another province")
    return problems


def test_it_has_sample_rows_for_every_admin_model():
    from tests.admin_samples import SAMPLES

    missing = [m._meta.label for m in ADMIN_MODELS if m._meta.label not in SAMPLES]
    assert not missing, (
        f"new admin model(s) {missing} have no sample rows: add them to tests/admin_samples.py"
    )


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_it_confines_the_admin_to_the_province(model, world, admin_users):
    from tests.admin_samples import SAMPLES

    if model._meta.label not in SAMPLES:
        pytest.fail(f"{model._meta.label} has no sample rows in tests/admin_samples.py")
    problems = admin_problems(model, SAMPLES[model._meta.label](world), admin_users)
    assert not problems, f"admin of {model._meta.label}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("role", "view", "target", "granted", "kinds", "expected"),
    [
        ("commune_officer", "changelist", None, {"view"}, {"own"}, "refused"),
        ("province_admin", "add", None, {"add", "view"}, {"national"}, "refused"),
        ("province_admin", "add", None, {"add", "view"}, {"own", "foreign"}, "allowed"),
        ("province_admin", "change", "foreign", {"view", "change"}, {"own", "foreign"}, "refused"),
        ("province_admin", "change", "national", {"view", "change"}, {"national"}, "read-only"),
        ("province_admin", "delete", "national", {"delete", "view"}, {"own", "national"}, "refused"),
        ("province_admin", "change", "own", {"view"}, {"own", "foreign"}, "read-only"),
        ("province_admin_all", "change", "own", {"view", "change"}, {"own"}, "any"),
        ("superuser", "change", "foreign", set(), {"own", "foreign"}, "allowed"),
    ],
)
def test_it_derives_admin_expectations(role, view, target, granted, kinds, expected):
    assert admin_expectation(role, view, target, granted, kinds) == expected
