"""Fixtures of the cross-app tests: API tokens of two provinces beside the named world."""

from __future__ import annotations

import pytest


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
