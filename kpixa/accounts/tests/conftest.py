"""Fixtures of the accounts tests: a superuser beside the shared named world, cheap hashing."""

from __future__ import annotations

import pytest

from conftest import PASSWORD

FAST_ARGON2 = "kpixa.accounts.tests.hashers.FastArgon2PasswordHasher"


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):  # type: ignore[no-untyped-def]
    """Hash new test passwords with a cheap Argon2 unless the test asks for ``real_hashers``.

    The hashers configured so far (the real Argon2, the world's fast fixture hashes) stay
    accepted behind it.
    """
    if "real_hashers" not in request.fixturenames:
        settings.PASSWORD_HASHERS = [FAST_ARGON2, *settings.PASSWORD_HASHERS]


@pytest.fixture
def real_hashers():  # type: ignore[no-untyped-def]
    """Keep the configured password hashers (for tests of the hashing itself)."""


@pytest.fixture
def superuser(world):  # type: ignore[no-untyped-def]
    from kpixa.accounts.models import User

    return User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.org")
