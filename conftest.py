"""Shared test fixtures: a small named world (two provinces, three communes, one user per role)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from kpixa.web.tests.browser import browser, page  # noqa: F401  (one session browser for every app)

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would refuse database access from it although nothing runs concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class World:
    """The named test world: Gia Lai with three communes, a sibling province, one user per role."""

    province: object
    other_province: object
    commune: object  # Xã Ia Dom (23872)
    sibling: object  # Xã Ia Dơk (23869), another commune of the same province
    third: object
    foreign: object  # a commune of the other province
    users: dict[str, object]


PASSWORD = "correct-horse-42"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(autouse=True)
def _accept_fast_test_hashes(settings) -> None:  # type: ignore[no-untyped-def]
    """Keep Argon2 first (new passwords use it) and accept the fixtures' fast hashes too."""
    if FAST_HASHER not in settings.PASSWORD_HASHERS:
        settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, FAST_HASHER]


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Give each test worker its own run-time folder: job progress files are named by batch id,
    and two workers (or two runs) each with a batch 1 in its own database must not share one."""
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "var"


@pytest.fixture(autouse=True)
def _fresh_cache() -> object:
    """Start and end every test with an empty cache: sessions and page bodies live there, and a
    test database is rolled back between tests while the per-process cache is not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> object:
    """End every test in the default language: a request in English leaves English active in
    the test's thread (the locale middleware), which would change the next test's messages."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def _fast_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD, salt="kpixatests", hasher="md5")


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    from kpixa.accounts.models import Role, User
    from kpixa.units.models import Commune, CommuneKind, Province

    gia_lai = Province.objects.create(code="52", name="Tỉnh Gia Lai", kind="tỉnh")
    dak_lak = Province.objects.create(code="66", name="Tỉnh Đắk Lắk", kind="tỉnh")
    ia_dom = Commune.objects.create(code="23872", name="Xã Ia Dom", kind=CommuneKind.XA, province=gia_lai)
    ia_nan = Commune.objects.create(code="23869", name="Xã Ia Dơk", kind=CommuneKind.XA, province=gia_lai)
    quy_nhon = Commune.objects.create(
        code="21553", name="Phường Quy Nhơn Bắc", kind=CommuneKind.PHUONG, province=gia_lai
    )
    foreign = Commune.objects.create(
        code="24121", name="Phường Buôn Ma Thuột", kind=CommuneKind.PHUONG, province=dak_lak
    )
    users: dict[str, object] = {}
    for role, province, commune in [
        (Role.PROVINCE_ADMIN, gia_lai, None),
        (Role.PROVINCE_VIEWER, gia_lai, None),
        (Role.COMMUNE_LEADER, gia_lai, ia_dom),
        (Role.COMMUNE_OFFICER, gia_lai, ia_dom),
    ]:
        # A precomputed fast hash: Argon2 is the real hasher, but hashing four users per test
        # would cost seconds across the suite. Logging in upgrades the hash as in production.
        users[str(role)] = User.objects.create(
            username=str(role),
            password=_fast_hash(),
            role=role,
            province=province,
            commune=commune,
            is_staff=role == Role.PROVINCE_ADMIN,
        )
    return World(gia_lai, dak_lak, ia_dom, ia_nan, quy_nhon, foreign, users)
