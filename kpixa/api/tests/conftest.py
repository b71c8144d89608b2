"""Fixtures of the API tests: a token of Gia Lai (52); WSGI calls that keep the test transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """The named world hashes one password per user; these tests do not test hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_key(world: Any) -> str:
    """The plaintext key of an integration token bound to province 52 (Gia Lai)."""
    from kpixa.accounts.models import User
    from kpixa.accounts.services import issue_api_token

    root = User.objects.create_superuser(username="apitest_root", password=None)
    _token, key = issue_api_token("Một cửa Gia Lai", "motcua-gialai", world.province, actor=root)
    return key


@pytest.fixture
def wsgi_calls(db: Any) -> Iterator[None]:
    """Keep the test's connection open across WSGI calls, as Django's test client does.

    The WSGI handler closes "old" connections at each request's start and end, which would
    end the test transaction that keeps the tests isolated.
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)
