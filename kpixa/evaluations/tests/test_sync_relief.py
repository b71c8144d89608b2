"""Sync-caused lateness and consequences (docs/flags.md): when the province decided, for the
period, to leave sync-caused lateness out of the consequences, the proposals are made as if the
dossiers made late by the sync alone were on time; the published score and class never change."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kpixa.accountability.models import DossierDelay
from kpixa.accountability.services import decide_sync_exclusion, detect_period
from kpixa.accountability.tests.test_pass import load, normal
from kpixa.dossiers.tests.conftest import catalogue, fast_passwords  # noqa: F401
from kpixa.evaluations import sync_relief
from kpixa.evaluations.models import CommuneEvaluation, Consequence
from kpixa.evaluations.services import legal
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.frameworks.services import install_framework
from kpixa.scoring.engine.periods import parse_period
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services.scores import compute_scores

pytestmark = pytest.mark.django_db
PERIOD = "2026-03"

# One indicator: the late share, full points at 0%, none from 10%.
SYNC_KPI = """
code: sync_kpi
version: "1"
name: {vi: Bộ chỉ số thử trễ hạn, en: Late share test}
valid_from: 2026-01-01
status: example
total: 100
groups:
  - code: "1"
    name: {vi: Tiến độ, en: Progress}
    max: 100
    indicators:
      - code: "1.1"
        name: {vi: Tỷ lệ hồ sơ trễ hạn, en: Late dossiers}
        numerator: dossiers.late
        denominator: dossiers.total
        direction: lower
        scoring: {form: lower_floor, floor: 10}
        max_points: 100
"""


@pytest.fixture
def sync_late(catalogue: Any, tmp_path: Path) -> Any:  # noqa: F811
    """Ia Dom: one dossier on time, one made late by the sync alone (its end moved past the due
    time by a later version while the staff's last step was on time), scored and evaluated."""
    load(tmp_path, [normal("HS-OK"), normal("HS-SYNC")], "a.json")
    moved = normal("HS-SYNC")
    moved["NgayKetThucXuLy"] = "20260310100000"  # after the due time of Fri 6 Mar 17:00
    load(tmp_path, [moved], "b.json")
    detect_period("52", PERIOD)
    install_framework(SYNC_KPI, activate=True, source_name="sync_kpi.yaml")
    compute_scores("sync_kpi", PERIOD, "52")
    evaluate_period("sync_kpi", PERIOD, "52")
    return catalogue


def test_the_fixture_is_late_by_the_sync_alone(sync_late: Any) -> None:
    delay = DossierDelay.objects.get()
    assert delay.cause == "sync"
    span = parse_period(PERIOD)
    assert sync_relief.sync_late_counts([sync_late.commune.pk], span) == {sync_late.commune.pk: 1}
    score = UnitScore.objects.get(commune=sync_late.commune, framework_version__code="sync_kpi")
    assert score.total == 0  # 1 late of 2: 50%, past the 10% floor
    assert Consequence.objects.filter(commune=sync_late.commune, kind="warning").exists()


def test_the_provinces_decision_leaves_sync_lateness_out_of_the_consequences_only(sync_late: Any) -> None:
    admin = sync_late.users["province_admin"]
    decide_sync_exclusion(sync_late.province, PERIOD, True, "Lỗi đồng bộ của hệ thống tỉnh", actor=admin)
    evaluate_period("sync_kpi", PERIOD, "52")
    assert not Consequence.objects.filter(commune=sync_late.commune).exists()  # the warning withdrawn
    score = UnitScore.objects.get(commune=sync_late.commune, framework_version__code="sync_kpi")
    assert score.total == 0  # the published score is unchanged
    published = CommuneEvaluation.objects.get(commune=sync_late.commune, period__code=PERIOD)
    assert published.total == 0 and published.classification == "khong_hoan_thanh"
    # The decision undone: the warning is proposed again.
    decide_sync_exclusion(sync_late.province, PERIOD, False, "Hủy quyết định", actor=admin)
    evaluate_period("sync_kpi", PERIOD, "52")
    assert Consequence.objects.filter(commune=sync_late.commune, kind="warning").exists()


def test_the_relief_moves_late_dossiers_on_time_and_never_below_zero() -> None:
    values = {"dossiers.late": 2, "dossiers.on_time": 5, "dossiers.finished_late": 1, "dossiers.total": 7}
    assert sync_relief.relieved(values, 3) == {
        "dossiers.late": 0,
        "dossiers.on_time": 7,
        "dossiers.finished_late": 0,
        "dossiers.total": 7,
    }
    assert sync_relief.relieved({"dossiers.late": None}, 2) == {"dossiers.late": None}


def test_the_evaluation_under_the_texts_proposes_from_the_published_facts_without_a_decision(
    sync_late: Any,
) -> None:
    stored = legal.evaluate("sync_kpi", PERIOD, "52")
    assert stored.content["sync_decision"] is None
    ia_dom = _commune(stored, sync_late.commune.code)
    assert ia_dom["sync_relief"] is None
    assert [c["kind"] for c in ia_dom["consequences"]] == ["warning"]
    page = _legal_page(sync_late)
    assert "đồng bộ dữ liệu" not in page


def test_the_evaluation_under_the_texts_reads_the_provinces_sync_decision(sync_late: Any) -> None:
    admin = sync_late.users["province_admin"]
    decide_sync_exclusion(sync_late.province, PERIOD, True, "Lỗi đồng bộ của hệ thống tỉnh", actor=admin)
    stored = legal.evaluate("sync_kpi", PERIOD, "52", admin)
    decision = stored.content["sync_decision"]
    assert (decision["decided_by"], decision["note"]) == ("province_admin", "Lỗi đồng bộ của hệ thống tỉnh")
    ia_dom = _commune(stored, sync_late.commune.code)
    # The published rating is unchanged; the proposals are made from the relieved total.
    assert (ia_dom["total"], ia_dom["classification"]) == ("0.00", "khong_hoan_thanh")
    assert ia_dom["consequences"] == []
    relief = ia_dom["sync_relief"]
    assert (relief["dossiers"], relief["total"], relief["classification"]) == (1, "100.00", "xuat_sac")
    assert "Lỗi đồng bộ của hệ thống tỉnh" in relief["note"] and "province_admin" in relief["note"]
    # The same rule as the commune evaluation: both read ``sync_relief.relief_for``.
    span = parse_period(PERIOD)
    version = sync_late_version()
    found = sync_relief.relief_for(version, span, sync_late.province, [sync_late.commune.pk])
    assert found is not None and found.totals == {sync_late.commune.pk: Decimal("100.00")}
    page = _legal_page(sync_late)
    day = timezone.localtime(found.decision.decided_at).strftime("%d/%m/%Y")
    assert f"Theo quyết định của tỉnh ngày {day} (province_admin: “Lỗi đồng bộ của hệ thống tỉnh”)" in page
    assert "Đề xuất xử lý tính với 1 hồ sơ trễ hạn do đồng bộ dữ liệu coi là đúng hạn: 100.00 điểm" in page
    # The decision undone: the warning is proposed again.
    decide_sync_exclusion(sync_late.province, PERIOD, False, "Hủy quyết định", actor=admin)
    stored = legal.evaluate("sync_kpi", PERIOD, "52", admin)
    assert stored.content["sync_decision"] is None
    assert [c["kind"] for c in _commune(stored, sync_late.commune.code)["consequences"]] == ["warning"]


def sync_late_version() -> Any:
    from kpixa.scoring.versions import version_for

    return version_for("sync_kpi", parse_period(PERIOD))


def _commune(stored: Any, code: str) -> dict[str, Any]:
    return next(c for c in stored.content["communes"] if c["unit_code"] == code)


def _legal_page(world: Any) -> str:
    client = Client()
    client.force_login(world.users["province_admin"])
    response = client.get(reverse("evaluations:legal", args=["52", PERIOD]))
    assert response.status_code == 200
    return response.content.decode()
