"""What the ingest security tests share: a catalogue, record builders, threads that start
together, and the check that the incrementally kept rollups equal a rebuild from the rows."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

IA_DOM_ALIAS = "000.00.21.H52"
URL = "/api/v1/dossiers"


def add_catalogue(world: Any) -> None:
    """The sample alias of Xã Ia Dom and two procedures (one fee-bearing)."""
    from kpixa.dossiers.models import Procedure
    from kpixa.units.models import UnitAlias

    UnitAlias.objects.get_or_create(system="", alias=IA_DOM_ALIAS, commune=world.commune)
    Procedure.objects.create(code="1.004227", name="Đăng ký biến động", limit_value=10, fee_bearing=True)
    Procedure.objects.create(code="2.000908", name="Chứng thực bản sao", limit_value=1, cutoff_hour=15)


def record(n: int) -> dict[str, Any]:
    """Dossier ``n`` of Xã Ia Dom: receipt days, procedures and outcomes vary with ``n``."""
    day = 2 + n % 20
    finished = (
        {"TrangThaiHoSo": "4", "NgayKetThucXuLy": f"202603{day + 3 + n % 7:02d}100000"} if n % 3 else {}
    )
    return {
        "MaHoSo": f"SEC-{n:05d}",
        "MaTTHC": "1.004227" if n % 2 else "2.000908",
        "DonViXuLy": "23872",
        "KenhThucHien": str(1 + n % 3),
        "NgayNopHoSo": f"202603{day:02d}083000",
        "NgayTiepNhan": f"202603{day:02d}090000",
        "NgayHenTra": f"202603{day + 4:02d}170000",
        "TrangThaiHoSo": "2",
        **finished,
    }


def records(start: int, stop: int) -> list[dict[str, Any]]:
    return [record(n) for n in range(start, stop)]


def post(client: Any, payload: Any, key: str, url: str = URL) -> Any:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {key}"})


def together(tasks: list[Callable[[], Any]], timeout: float = 300) -> list[Any]:
    """Run ``tasks`` in threads released at the same moment; return their results (or the
    exception each raised), in order. Each thread closes its own database connection."""
    barrier = threading.Barrier(len(tasks))
    results: list[Any] = [None] * len(tasks)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = tasks[i]()
        except Exception as exc:  # reported to the test, which asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is still running"
    return results


def rollup_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    from kpixa.dossiers.models import ProcedureRollup, Rollup

    return {
        "rollups": sorted(
            Rollup.objects.filter(value__gt=0).values_list("commune_id", "day", "measure", "value")
        ),
        "procedures": sorted(
            ProcedureRollup.objects.filter(dossiers__gt=0).values_list(
                "commune_id", "procedure__code", "month", "dossiers", "paid_online"
            )
        ),
    }


def assert_rollups_equal_rebuild() -> dict[str, list[tuple[Any, ...]]]:
    """The rollups kept by the imports must be exactly what a rebuild from the rows gives."""
    from kpixa.dossiers.services import rollup_rebuild

    kept = rollup_snapshot()
    rollup_rebuild.rebuild_rollups()
    rebuilt = rollup_snapshot()
    assert kept == rebuilt
    return rebuilt
