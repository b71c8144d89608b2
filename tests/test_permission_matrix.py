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
