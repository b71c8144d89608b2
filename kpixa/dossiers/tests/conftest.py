"""Fixtures of the dossiers tests: the sample alias of Xã Ia Dom, a small catalogue, record builders."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

DOCS_SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"
# A copy of the national portal's sync payload sample the project was specified with.
PORTAL_SAMPLE = DOCS_SAMPLES / "portal-sync-sample.json"
IA_DOM_ALIAS = "000.00.21.H52"


@pytest.fixture(autouse=True)
def fast_passwords(settings):  # type: ignore[no-untyped-def]
    """Argon2 makes the named world take seconds to create; these tests do not test hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(world):  # type: ignore[no-untyped-def]
    """The sample alias of Xã Ia Dom and three procedures (same-day with cut-off, days, hours)."""
    from kpixa.dossiers.models import Procedure
    from kpixa.units.models import UnitAlias

    UnitAlias.objects.create(system="", alias=IA_DOM_ALIAS, commune=world.commune)
    Procedure.objects.create(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        limit_value=0,
        limit_unit="ngay_lam_viec",
        cutoff_hour=15,
        field_code="HOTICH",
    )
    Procedure.objects.create(
        code="1.004227",
        name="Đăng ký biến động quyền sử dụng đất",
        limit_value=10,
        limit_unit="ngay_lam_viec",
        fee_bearing=True,
        e2e_eligible=True,
    )
    Procedure.objects.create(
        code="2.000908",
        name="Chứng thực bản sao",
        limit_value=1,
        limit_unit="ngay_lam_viec",
        cutoff_hour=15,
        e2e_eligible=True,
    )
    Procedure.objects.create(code="1.000001", name="Thủ tục theo giờ", limit_value=8, limit_unit="gio")
    return world


def base_record(ma: str | None = "HS-1", **fields: Any) -> dict[str, Any]:
    """A bare hoSo record of Xã Ia Dom received Tue 3 Mar 2026 09:00, due Fri 6 Mar 17:00."""
    rec: dict[str, Any] = {
        "MaHoSo": ma,
        "MaTTHC": "1.004227",
        "DonViXuLy": "23872",
        "KenhThucHien": "2",
        "NgayNopHoSo": "20260303083000",
        "NgayTiepNhan": "20260303090000",
        "NgayHenTra": "20260306170000",
        "TrangThaiHoSo": "4",
    }
    rec.update(fields)
    return {k: v for k, v in rec.items() if v is not None}


def sample_payload() -> list[dict[str, Any]]:
    """The shared sample sync payload (two dossiers of the alias 000.00.21.H52)."""
    return copy.deepcopy(json.loads(PORTAL_SAMPLE.read_text(encoding="utf-8")))
