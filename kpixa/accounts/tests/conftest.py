"""Fixtures of the accounts tests: a superuser beside the shared named world, cheap hashing."""

from __future__ import annotations

import pytest

from conftest import PASSWORD

FAST_HASHERS = ["kpixa.accounts.tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):  # type: ignore[no-untyped-def]
    """Hash test passwords with a cheap Argon2 unless the test asks for ``real_hashers``."""
    if "real_hashers" not in request.fixturenames:
        settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def real_hashers():  # type: ignore[no-untyped-def]
    """Keep the configured password hashers (for tests of the hashing itself)."""


@pytest.fixture
def superuser(world):  # type: ignore[no-untyped-def]
    from kpixa.accounts.models import User

    return User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.org")
