"""What the source-authority and history tests share: Xã Ia Dom's catalogue, a late official
dossier, API posts and the state of a dossier that must not change."""

from __future__ import annotations

import json
from typing import Any

IA_DOM = "23872"
URL = "/api/v1/dossiers"
OFFICIAL = "motcua"  # the system of the provincial tokens (tests/conftest.py, api_keys)


def add_procedure() -> None:
    from kpixa.dossiers.models import Procedure

    Procedure.objects.get_or_create(
        code="1.004227", defaults={"name": "Đăng ký biến động", "limit_value": 10}
    )


def late_record(key: str = "HS-TRE-1", **fields: Any) -> dict[str, Any]:
    """A dossier of Xã Ia Dom received Tue 3 Mar 2026, due Fri 6 Mar, finished Tue 10 Mar: late."""
    return {
        "MaHoSo": key,
        "MaTTHC": "1.004227",
        "DonViXuLy": IA_DOM,
        "KenhThucHien": "1",
        "NgayNopHoSo": "20260303083000",
        "NgayTiepNhan": "20260303090000",
        "NgayHenTra": "20260306170000",
        "NgayKetThucXuLy": "20260310100000",
        "TrangThaiHoSo": "4",
        **fields,
    }


def moved_due(key: str = "HS-TRE-1") -> dict[str, Any]:
    """The same dossier with its NgayHenTra moved after its end: it would become on time."""
    return late_record(key, NgayHenTra="20260312170000")


def post(client: Any, payload: Any, key: str) -> Any:
    return client.post(
        URL, json.dumps(payload), content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )


def state(system: str = OFFICIAL, key: str = "HS-TRE-1") -> tuple[Any, ...]:
    """What must not change when a write is refused: the row, its versions, the rollups."""
    from kpixa.dossiers.models import Dossier, DossierVersion, Rollup

    row = Dossier.objects.filter(source_system=system, ma_ho_so=key).values_list(
        "due_at", "on_time", "version_hash", "batch_id"
    )
    rollups = sorted(Rollup.objects.filter(value__gt=0).values_list("commune_id", "day", "measure", "value"))
    return list(row), DossierVersion.objects.count(), rollups
