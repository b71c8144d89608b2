"""Password spraying (many usernames, one password, one address) is throttled; a guessed password
on one username still is; other addresses are unaffected; behind a reverse proxy only the
configured header gives the client address (docs/security.md, "Login protection")."""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from conftest import FAST_HASHER, PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    """A failed login hashes the tried password with the first hasher, even for an unknown
    username; Argon2 there would make the dozens of attempts below take a minute."""
    settings.PASSWORD_HASHERS = [FAST_HASHER]


ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
SPRAYER, OTHER, PROXY = "198.51.100.7", "203.0.113.5", "10.0.0.2"
BEHIND_PROXY = {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR",), "AXES_IPWARE_PROXY_COUNT": 0}


def _post(client: Client, username: str, password: str, **meta: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}, **meta).status_code  # type: ignore[arg-type]


def _spray(client: Client, usernames: int, **meta: str) -> list[int]:
    """One wrong password tried on ``usernames`` different usernames; the status codes."""
    return [_post(client, f"canbo{n:03d}", "Matkhau@2025", **meta) for n in range(usernames)]


def test_it_locks_an_address_that_sprays_one_password_over_many_usernames(world: Any, settings: Any) -> None:
    limit = settings.KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT
    codes = _spray(Client(REMOTE_ADDR=SPRAYER), 30)
    assert codes[: limit - 1] == [200] * (limit - 1)
    assert codes[limit - 1 :] == [429] * (30 - limit + 1)
    # A real user's right password is refused from that address too, until the cool-off ends,
    # with a page that says why.
    locked = Client(REMOTE_ADDR=SPRAYER).post(LOGIN, {"username": "commune_officer", "password": PASSWORD})
    assert locked.status_code == 429
    assert "từ cùng một địa chỉ mạng" in locked.content.decode()


def test_it_keeps_other_addresses_free_while_one_is_locked(world: Any) -> None:
    _spray(Client(REMOTE_ADDR=SPRAYER), 30)
    assert _post(Client(REMOTE_ADDR=OTHER), "commune_officer", PASSWORD) == 302


def test_it_still_locks_one_usernames_wrong_passwords_from_one_address(world: Any, settings: Any) -> None:
    client = Client(REMOTE_ADDR=SPRAYER)
    codes = [_post(client, "commune_officer", f"doan-{n}") for n in range(settings.AXES_FAILURE_LIMIT)]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert _post(client, "commune_officer", PASSWORD) == 429
    assert _post(Client(REMOTE_ADDR=OTHER), "commune_officer", PASSWORD) == 302
    assert _post(Client(REMOTE_ADDR=SPRAYER), "commune_leader", PASSWORD) == 302


def test_it_does_not_let_a_sprayer_clear_the_address_count_with_an_own_login(
    world: Any, settings: Any
) -> None:
    limit = settings.KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT
    assert _spray(Client(REMOTE_ADDR=SPRAYER), limit - 2) == [200] * (limit - 2)
    assert _post(Client(REMOTE_ADDR=SPRAYER), "commune_leader", PASSWORD) == 302  # the sprayer's own account
    assert [_post(Client(REMOTE_ADDR=SPRAYER), f"khac{n}", "x") for n in range(2)] == [200, 429]


def test_it_ignores_a_forwarded_header_that_is_not_configured(world: Any, settings: Any) -> None:
    """By default the address is REMOTE_ADDR: a sprayer rotating X-Forwarded-For is still one address."""
    limit = settings.KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT
    forged = (f"192.0.2.{n}" for n in count(1))
    client = Client(REMOTE_ADDR=SPRAYER)
    codes = [_post(client, f"canbo{n}", "x", HTTP_X_FORWARDED_FOR=next(forged)) for n in range(limit)]
    assert codes[-1] == 429


@override_settings(**BEHIND_PROXY)
def test_it_reads_the_client_from_the_right_of_the_trusted_header_behind_a_proxy(
    world: Any, settings: Any
) -> None:
    """Behind one proxy that appends the peer's address, entries a client forges on the left of
    X-Forwarded-For change nothing: the sprayer is locked, another client is not."""
    limit = settings.KPIXA_LOGIN_ADDRESS_FAILURE_LIMIT
    proxy = Client(REMOTE_ADDR=PROXY)
    forged = (f"192.0.2.{n}" for n in count(1))
    codes = [
        _post(proxy, f"canbo{n}", "x", HTTP_X_FORWARDED_FOR=f"{next(forged)}, {SPRAYER}")
        for n in range(limit)
    ]
    assert codes == [200] * (limit - 1) + [429]
    assert _post(Client(REMOTE_ADDR=PROXY), "commune_officer", PASSWORD, HTTP_X_FORWARDED_FOR=SPRAYER) == 429
    assert _post(Client(REMOTE_ADDR=PROXY), "commune_officer", PASSWORD, HTTP_X_FORWARDED_FOR=OTHER) == 302


CHECK = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT, s.AXES_LOCKOUT_PARAMETERS)"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "('REMOTE_ADDR',) None"),
        ({"KPIXA_CLIENT_IP_HEADER": "X-Forwarded-For"}, "('HTTP_X_FORWARDED_FOR',) 0"),
        ({"KPIXA_CLIENT_IP_HEADER": "X-Real-IP", "KPIXA_TRUSTED_PROXIES": "2"}, "('HTTP_X_REAL_IP',) 1"),
    ],
)
def test_it_takes_the_client_address_from_the_configured_header_only(
    env: dict[str, str], expected: str
) -> None:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("KPIXA_CLIENT_IP_HEADER", "KPIXA_TRUSTED_PROXIES")
    }
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kpixa.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == f"{expected} [['username', 'ip_address'], 'ip_address']"
