"""Fixtures of the cross-app tests: API tokens of two provinces beside the named world, cheap hashing."""

from __future__ import annotations

import pytest

FAST_HASHERS = ["kpixa.accounts.tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Hash the world's passwords with a cheap Argon2: these tests are about access, not hashing."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def api_keys(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Plaintext keys of one integration token per province: ``token_52`` and ``token_66``."""
    from kpixa.accounts.models import User
    from kpixa.accounts.services import issue_api_token

    root = User.objects.create_superuser(username="matrix_root", password=None)
    keys = {}
    for province in (world.province, world.other_province):
        _, keys[f"token_{province.code}"] = issue_api_token("Một cửa", "motcua", province, actor=root)
    return keys
