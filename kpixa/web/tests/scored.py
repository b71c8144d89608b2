"""A scored test world for the pages: the shipped frameworks, three quarters and three months of
scores for Gia Lai, real late dossiers of Xã Ia Dom, its two leaders rated, Q2 closed and published
through the lifecycle (snapshot revision 1).

Import the fixture into a test module (``from kpixa.web.tests.scored import scored_fixture``,
with ``# noqa: F401``), then ask for ``scored``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from kpixa.dossiers.models import Dossier, Procedure
from kpixa.evaluations.services import lifecycle
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.scoring.services.scores import Providers, compute_scores
from kpixa.units.models import PeerGroup, Person, PostKind, Tenure

QUARTERS = ("2025-Q1", "2025-Q2", "2025-Q3")
MONTHS = ("2025-07", "2025-08", "2025-09")
# On-time dossiers out of 100, per commune code and period: Ia Dom falls three quarters in a row.
ON_TIME = {
    "23872": {"2025-Q1": 95, "2025-Q2": 85, "2025-Q3": 70, "2025-07": 80, "2025-08": 72, "2025-09": 60},
    "23869": {"2025-Q1": 90, "2025-Q2": 96, "2025-Q3": 100, "2025-07": 100, "2025-08": 100, "2025-09": 100},
    "21553": {"2025-Q1": 80, "2025-Q2": 90, "2025-Q3": 88, "2025-07": 90, "2025-08": 85, "2025-09": 90},
}
LATE_DOSSIERS = 3  # real late dossiers of Ia Dom finished in Q3 2025


class PeriodInputs:
    """A measures provider: 100 dossiers per commune and period, ``ON_TIME`` of them on time."""

    def __init__(self, codes: dict[int, str], period_code: str) -> None:
        self.codes = codes
        self.period_code = period_code

    def __call__(self, commune_ids: Collection[int], start: date, end: date) -> dict[int, dict[str, int]]:
        out = {}
        for cid in commune_ids:
            on_time = ON_TIME.get(self.codes.get(cid, ""), {}).get(self.period_code)
            if on_time is not None:
                out[cid] = {
                    "dossiers.total": 100,
                    "dossiers.on_time": on_time,
                    "dossiers.late": 100 - on_time,
                }
        return out


def _score(world: Any, codes: dict[int, str]) -> None:
    for code in (*QUARTERS, *MONTHS):
        provider = Providers(measures=PeriodInputs(codes, code), reported=lambda ids, period: {})
        compute_scores("dvc766", code, "52", providers=provider)


def _dossier(world: Any, number: int, late: bool, procedure: Procedure) -> Dossier:
    received = datetime(2025, 8, 1 + number, 2, 0, tzinfo=UTC)
    due = received + timedelta(days=5)
    end = due + timedelta(days=4 if late else -1)
    return Dossier(
        source_system="MCDT",
        ma_ho_so=f"H52.23872-250801-{number:04d}",
        commune=world.commune,
        procedure=procedure,
        procedure_code=procedure.code,
        status=10,
        received_at=received,
        received_day=received.date(),
        due_at=due,
        effective_due_at=due,
        finished_at=end,
        end_at=end,
        end_day=end.date(),
        on_time=not late,
        overdue_at=due if late else None,
        overdue_day=due.date() if late else None,
        supplement_count=1 if late else 0,
        owner_name="Nguyễn Văn An",
        owner_phone="0905123456",
        version_at=end,
        version_hash=f"h{number}",
        ingested_at=end,
    )


def _dossiers(world: Any) -> list[Dossier]:
    procedure = Procedure.objects.create(
        code="1.004227", name="Đăng ký biến động quyền sử dụng đất", limit_value=5
    )
    rows = [_dossier(world, n, n < LATE_DOSSIERS, procedure) for n in range(LATE_DOSSIERS + 2)]
    return Dossier.objects.bulk_create(rows)


def _leaders(world: Any) -> None:
    for post, name in ((PostKind.SECRETARY, "Rơ Châm Hùng"), (PostKind.CHAIRMAN, "Siu Thị Lan")):
        person = Person.objects.create(full_name=name, province=world.province)
        Tenure.objects.create(commune=world.commune, post=post, person=person, start=date(2024, 1, 1))


@pytest.fixture(name="scored")
def scored_fixture(world: Any) -> Any:
    """The named world with stored scores, dossiers, rated leaders; Gia Lai's 2025-Q2 published
    (``world.published``: its snapshot)."""
    for path in shipped_files():
        install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)
    border = PeerGroup.objects.create(code="bien-gioi", name="Xã biên giới")
    world.commune.peer_groups.add(border)
    _leaders(world)
    codes = {c.pk: c.code for c in (world.commune, world.sibling, world.third)}
    _score(world, codes)
    world.dossiers = _dossiers(world)
    evaluate_period("dvc766", "2025-Q3", "52")
    evaluate_period("dvc766", "2025-Q2", "52")
    admin = world.users["province_admin"]
    lifecycle.close_period(admin, world.province, "2025-Q2")
    world.published = lifecycle.publish_period(admin, world.province, "2025-Q2")
    return world
