"""Bearer-token authentication of integration clients for the JSON API (django-ninja)."""

from __future__ import annotations

import hmac

from django.http import HttpRequest
from ninja.security import HttpBearer

from kpixa.accounts.models import ApiToken
from kpixa.accounts.services import TOKEN_SCHEME, hash_secret


def parse_key(key: str) -> tuple[str, str] | None:
    """Split ``kpx_<prefix>_<secret>`` into (prefix, secret); None when it is not of that form."""
    scheme, _, rest = key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not prefix or not secret:
        return None
    return prefix, secret


def token_for_key(key: str) -> ApiToken | None:
    """Return the live (not revoked) token whose key is ``key``, or None."""
    parts = parse_key(key)
    if parts is None:
        return None
    prefix, secret = parts
    token = ApiToken.objects.select_related("province").filter(prefix=prefix, revoked_at=None).first()
    if token is None or not hmac.compare_digest(token.key_hash, hash_secret(secret)):
        return None
    return token


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer kpx_<prefix>_<secret>``: authenticates an integration client.

    On success ``request.auth`` and ``request.api_token`` are the ApiToken (bound to one
    province); a missing, malformed, unknown or revoked key gives 401.
    """

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = token_for_key(token)
        if api_token is not None:
            request.api_token = api_token  # type: ignore[attr-defined]
        return api_token
