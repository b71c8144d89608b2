"""The demo province: Gia Lai (52) with its communes, leaders, users, frameworks and dossiers.

Every step is idempotent, so ``make run`` can run it again and reuse what is there.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from kpixa.accounts.models import Role, User
from kpixa.env import env_int
from kpixa.units.models import Commune, Province

DEMO_PROVINCE = "52"
DEMO_COMMUNE = "23872"  # Xã Ia Dom
DEMO_PASSWORD = "demo"  # noqa: S105 - printed on purpose, demo mode only


@dataclass(frozen=True)
class DemoLogin:
    """One demo account as printed by ``seed_demo``."""

    username: str
    role: str
    unit: str


def demo_logins() -> list[DemoLogin]:
    """Return the demo accounts (the same four whatever the data)."""
    return [
        DemoLogin("province_admin", str(Role.PROVINCE_ADMIN.label), "Tỉnh Gia Lai"),
        DemoLogin("province_viewer", str(Role.PROVINCE_VIEWER.label), "Tỉnh Gia Lai"),
        DemoLogin("leader_iadom", str(Role.COMMUNE_LEADER.label), "Xã Ia Dom"),
        DemoLogin("officer_iadom", str(Role.COMMUNE_OFFICER.label), "Xã Ia Dom"),
    ]


def login_url() -> str:
    """The demo's login address on the port ``make run`` serves on (``PORT``, 8000 by default)."""
    return f"http://127.0.0.1:{env_int('PORT', 8000)}/accounts/login/"


def _optional(module: str, name: str) -> Callable[..., object] | None:
    """Return ``module.name`` when that part of the platform exists, else None.

    Only a missing module or function means "not there"; an error inside it propagates.
    """
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), name, None)


@transaction.atomic
def seed_demo_users() -> None:
    """Create (or reset) the four demo users of Gia Lai and Xã Ia Dom."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    commune = Commune.objects.get(code=DEMO_COMMUNE)
    specs = [
        ("province_admin", Role.PROVINCE_ADMIN, None, "Nguyễn Văn", "Minh", True),
        ("province_viewer", Role.PROVINCE_VIEWER, None, "Trần Thị", "Bình", False),
        ("leader_iadom", Role.COMMUNE_LEADER, commune, "Rơ Châm", "Hùng", False),
        ("officer_iadom", Role.COMMUNE_OFFICER, commune, "Siu", "H'Lan", False),
    ]
    grant = _optional("kpixa.accounts.services", "grant_province_admin_permissions")
    for username, role, unit, last, first, staff in specs:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "province": province,
                "commune": unit,
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if staff and grant is not None:
            grant(user)


def seed_demo(stdout_write: Callable[[str], None] = print) -> None:
    """Seed every part of the demo that is installed, then print the logins."""
    if not settings.DEMO_MODE:
        raise RuntimeError("seed_demo runs only in demo mode (KPIXA_MODE=demo)")
    steps: list[tuple[str, str, str]] = [
        ("kpixa.units.demo", "seed_units_demo", "Đơn vị, nhóm tương đồng, lãnh đạo"),
        ("kpixa.frameworks.demo", "seed_frameworks_demo", "Bộ chỉ số"),
        ("kpixa.dossiers.demo", "seed_dossiers_demo", "Hồ sơ thủ tục hành chính"),
        ("kpixa.reporting.demo", "seed_reporting_demo", "Số liệu báo cáo và minh chứng"),
        ("kpixa.scoring.demo", "seed_scores_demo", "Điểm số"),
        ("kpixa.evaluations.demo", "seed_evaluations_demo", "Đánh giá, xếp loại"),
        ("kpixa.review.demo", "seed_review_demo", "Người chịu trách nhiệm chỉ số, họp giao ban"),
    ]
    for module, name, label in steps:
        step = _optional(module, name)
        if step is not None:
            stdout_write(f"… {label}")
            step()
    seed_demo_users()
    if (warnings_step := _optional("kpixa.warnings.demo", "seed_warnings_demo")) is not None:
        warnings_step()  # after the users, so that today's early-warning digest reaches them too
    stdout_write("")
    stdout_write(f"Demo logins (password: demo) — {login_url()}")
    for login in demo_logins():
        stdout_write(f"  {login.username:<16} {login.role:<20} {login.unit}")
