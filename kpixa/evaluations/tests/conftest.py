"""Fixtures of the evaluation tests: a one-indicator framework whose total is a reported value."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kpixa.frameworks.services import install_framework
from kpixa.reporting.models import ReportedValue, ValueStatus
from kpixa.reporting.queries import required_measures
from kpixa.scoring.engine.periods import parse_period
from kpixa.scoring.services.scores import Providers, compute_scores
from kpixa.units.models import Person, PostKind, Tenure

TEST_FRAMEWORK = """
code: test_kpi
version: "1"
name: {vi: Bộ chỉ số thử, en: Test framework}
valid_from: 2024-01-01
status: example
total: 100
groups:
  - code: "1"
    name: {vi: Kết quả, en: Results}
    max: 100
    indicators:
      - code: "1.1"
        name: {vi: Kết quả chung, en: Overall result}
        source: reported
        numerator: reported.result
        denominator: 100
        target: 50
        max_points: 90
        na_policy: exclude
      - code: "1.2"
        name: {vi: Thu ngân sách, en: Budget revenue}
        source: reported
        numerator: reported.budget_revenue
        denominator: 100
        target: 100
        max_points: 10
        na_policy: full_marks
evaluation:
  joint_departure_enabled: true
  joint_departure_below_total: 50
  warning_after_failed_period: true
  dismissal_after_failed_years: 2
  excellent_quota_percent: 20
  reg377_min_targets_percent: 70
"""


@pytest.fixture
def test_kpi(world: Any) -> Any:
    version, _created = install_framework(TEST_FRAMEWORK, activate=True, source_name="test_kpi.yaml")
    return version


def reported(values: dict[int, dict[str, Any]]) -> Providers:
    """Providers whose reported values are ``values`` by commune id (no dossier counts needed)."""

    def provider(ids: Collection[int], period: str) -> dict[int, dict[str, Decimal]]:
        return {
            i: {f"reported.{k}": Decimal(str(v)) for k, v in values[i].items()} for i in ids if i in values
        }

    return Providers(measures=lambda ids, start, end: {}, reported=provider)


def score(
    world: Any, period: str, totals: dict[Any, int], budget: int = 100, late: dict[Any, int] | None = None
) -> None:
    """Store test_kpi scores for ``period`` so each commune's total is its given value (with the
    budget target met: 1.1 earns total − 10 of 90 points, 1.2 its 10 points), and the commune's
    required reported values (its tasks) approved: on time, but the first ``late[commune]`` late."""
    values = {
        c.pk: {"result": str((Decimal(t) - 10) / Decimal("0.9")), "budget_revenue": budget}
        for c, t in totals.items()
    }
    compute_scores("test_kpi", period, "52", providers=reported(values))
    report_tasks(world, period, list(totals), late or {})


def report_tasks(world: Any, period_code: str, communes: list[Any], late: dict[Any, int]) -> None:
    """Approved values of every required measure for each commune; ``late[c]`` of them first
    submitted two months after the period (past any deadline), the rest on its last day."""
    period = parse_period(period_code)
    on_time = timezone.make_aware(datetime.combine(period.end, time(12)))
    measures = [m.code for m in required_measures(period)]
    rows = [
        ReportedValue(
            commune=commune,
            period_code=period.code,
            measure=measure,
            value=Decimal(1),
            status=ValueStatus.APPROVED,
            first_submitted_at=on_time + timedelta(days=60) if i < late.get(commune, 0) else on_time,
            submitted_at=on_time,
            submitted_by=world.users["province_admin"],
        )
        for commune in communes
        for i, measure in enumerate(measures)
    ]
    ReportedValue.objects.filter(commune__in=communes, period_code=period.code).delete()
    ReportedValue.objects.bulk_create(rows)


@pytest.fixture
def leaders(world: Any) -> dict[tuple[str, str], Tenure]:
    """A Secretary and a Chairman for each commune of Gia Lai, in office since 2024."""
    tenures: dict[tuple[str, str], Tenure] = {}
    for commune in (world.commune, world.sibling, world.third):
        for post in (PostKind.SECRETARY, PostKind.CHAIRMAN):
            person = Person.objects.create(full_name=f"{post} {commune.name}", province=world.province)
            tenures[(commune.code, post)] = Tenure.objects.create(
                commune=commune, post=post, person=person, start=date(2024, 1, 1)
            )
    return tenures


Q3 = "2025-Q3"


@pytest.fixture
def published_q3(world: Any, test_kpi: Any) -> Any:
    """Gia Lai's 2025-Q3 scored (Ia Dom 80, Ia Dơk 70, Quy Nhơn Bắc 60), closed and published."""
    from kpixa.evaluations.services import lifecycle

    score(world, Q3, {world.commune: 80, world.sibling: 70, world.third: 60})
    admin = world.users["province_admin"]
    lifecycle.close_period(admin, world.province, Q3)
    return lifecycle.publish_period(admin, world.province, Q3)


# --- evaluation inputs (the test_input*.py and test_inputs.py modules) -----------------------------

INPUT_HEADER = "unit_code,post,person,kind,value,date,note,evidence\n"
INPUT_HEADER_WITH_FILES = "unit_code,post,person,kind,value,date,note,evidence,evidence_file\n"


@pytest.fixture
def vietnamese() -> Any:
    """The messages in Vietnamese whatever an earlier test left active (``usefixtures`` it)."""
    from django.utils import translation

    with translation.override("vi"):
        yield


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> None:
    """Evidence files stored under the test's own folder (``usefixtures`` it)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def year(world: Any) -> Any:
    """Gia Lai's year 2026, open."""
    from kpixa.evaluations.models import Period

    return Period.objects.create(
        province=world.province, code="2026", kind="year", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )


@pytest.fixture
def chairman(world: Any) -> Person:
    """Nguyễn Văn An (code CB001), Chairman of Ia Dom since 2024."""
    person = Person.objects.create(full_name="Nguyễn Văn An", external_id="CB001", province=world.province)
    Tenure.objects.create(
        commune=world.commune, post=PostKind.CHAIRMAN, person=person, start=date(2024, 1, 1)
    )
    return person


def write_inputs(tmp_path: Path, body: str, header: str = INPUT_HEADER) -> Path:
    """An inputs CSV file ``inputs.csv`` under ``tmp_path``: the header, then ``body``."""
    path = tmp_path / "inputs.csv"
    path.write_text(header + body, encoding="utf-8")
    return path
