"""Fixtures of the units tests: the real reference list loaded, a fake one, people and tenures."""

from __future__ import annotations

from datetime import date

import pytest

from kpixa.units.models import Commune, Person, PostKind, Tenure
from kpixa.units.services import CommuneRow, Divisions, LoadSummary, ProvinceRow, load_units


@pytest.fixture
def loaded(db) -> LoadSummary:  # type: ignore[no-untyped-def]
    """All 34 provinces and 3,321 communes of the installed package."""
    return load_units()


def fake_divisions(version: str = "fake-1", **renames: str) -> Divisions:
    """A tiny reference list: Hà Nội with three wards; ``renames`` maps a code to a new name."""
    names = {"00004": "Phường Ba Đình", "00008": "Phường Ngọc Hà", "00025": "Phường Giảng Võ"}
    names.update({code.lstrip("c"): name for code, name in renames.items()})
    return Divisions(
        version,
        [ProvinceRow("01", "Thành phố Hà Nội", "thành phố trung ương")],
        [CommuneRow(code, name, "phuong", "01") for code, name in names.items()],
    )


@pytest.fixture
def person(world) -> Person:  # type: ignore[no-untyped-def]
    return Person.objects.create(full_name="Ksor Y Nam", province=world.province)


def make_tenure(commune: Commune, post: str, name: str, start: date, end: date | None = None) -> Tenure:
    """Create a tenure directly (tests only: services validate and audit)."""
    person = Person.objects.create(full_name=name, province=commune.province)
    return Tenure.objects.create(commune=commune, post=post, person=person, start=start, end=end)


@pytest.fixture
def leaders(world) -> dict[str, Tenure]:  # type: ignore[no-untyped-def]
    """Ia Dom: a Secretary all along, a Chairman replaced on 15/10/2025; Ia Nan: only a Secretary."""
    return {
        "secretary": make_tenure(world.commune, PostKind.SECRETARY, "Rơ Châm H'Bia", date(2025, 7, 1)),
        "chairman_1": make_tenure(
            world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1), date(2025, 10, 14)
        ),
        "chairman_2": make_tenure(world.commune, PostKind.CHAIRMAN, "Đinh Văn Thương", date(2025, 10, 15)),
        "deputy": make_tenure(world.commune, PostKind.VICE_CHAIRMAN, "Nguyễn Văn Hùng", date(2025, 7, 1)),
        "sibling": make_tenure(world.sibling, PostKind.SECRETARY, "Ksor Y Nam", date(2025, 7, 1)),
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """The world's users are created with Argon2 otherwise, which costs seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
