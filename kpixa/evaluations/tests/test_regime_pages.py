"""The commune's leader page shows the evaluation under the texts (regime, total, class, criteria
and reasons with their articles) where ``evaluate`` stored one, and the earlier rating, labelled
as such, only where none exists; the earlier rating says when its d is the commune's total."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kpixa.evaluations.models import LeaderEvaluation
from kpixa.evaluations.services import chain, inputs
from kpixa.evaluations.services.evaluation import enter_leader_assessment, evaluate_period
from kpixa.evaluations.tests import test_legal
from kpixa.evaluations.tests.conftest import score
from kpixa.units.models import PostKind
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

LEADERS = "/xa/23872/lanh-dao/?period=2026"
# The evaluation under the texts of test_legal: Ia Dom with all its inputs, Ia Dơk's Chairman reprimanded.
evaluated = test_legal.evaluated
year_row = test_legal.year_row


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def leader_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["commune_leader"])
    return client


def test_it_shows_the_evaluation_under_the_texts_with_each_regime_and_article(
    world, evaluated, django_assert_max_num_queries
):
    client = leader_client(world)
    client.get(LEADERS)
    with django_assert_max_num_queries(12):  # session, user, axes, commune, periods, 5 of the page
        response = client.get(LEADERS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đánh giá theo văn bản (bộ chỉ số test_kpi)" in html
    assert "Nghị định 335/2025/NĐ-CP" in html and "Quy định 366-QĐ/TW" in html
    chairman = next(x for x in evaluated[world.commune.code]["leaders"] if x["post"] == "chu_tich")
    for criterion in chairman["criteria"]:
        assert criterion["article"] in html
    assert chairman["total"] in html
    assert "quy tắc trước đây" not in html and "Giới hạn theo xếp loại đơn vị" not in html


def test_a_failed_leader_shows_the_reason_with_its_article(world, evaluated):
    html = Client()
    html.force_login(world.users["province_admin"])
    page = html.get(f"/xa/{world.sibling.code}/lanh-dao/?period=2026").content.decode()
    chairman = next(x for x in evaluated[world.sibling.code]["leaders"] if x["post"] == "chu_tich")
    assert chairman["classification"] == "khong_hoan_thanh"
    assert any("khiển trách" in r for r in chairman["reasons"])
    for reason in chairman["reasons"]:
        assert reason.split(":")[0] in page
    assert "Không hoàn thành nhiệm vụ" in page


def test_without_it_no_leader_class_is_shown_only_the_communes_kpi(scored: Any) -> None:
    client = Client()
    client.force_login(scored.users["commune_leader"])
    html = client.get("/xa/23872/lanh-dao/?period=2025-Q3").content.decode()
    assert "chưa được đánh giá theo văn bản" in html
    assert "không phải đánh giá lãnh đạo" in html
    assert "Đánh giá theo văn bản (bộ chỉ số" not in html and "Tổng điểm lãnh đạo" not in html


def test_the_earlier_rating_says_d_is_the_communes_total_only_as_a_fallback(world, test_kpi, leaders):
    admin = world.users["province_admin"]
    score(world, "2025-H2", {world.commune: 72, world.sibling: 75, world.third: 60})
    evaluate_period("test_kpi", "2025-H2", "52", admin)
    chairman, secretary = (
        LeaderEvaluation.objects.get(commune=world.commune, post=post, period__code="2025-H2")
        for post in (PostKind.CHAIRMAN, PostKind.SECRETARY)
    )
    inputs.set_input(
        chairman.period,
        inputs.Entry(
            world.commune, PostKind.CHAIRMAN, chairman.person, "subordinates_not_completed", "0", None
        ),
    )
    for le in (chairman, secretary):
        enter_leader_assessment(le, admin, general=Decimal(28), organising=Decimal(95), uniting=Decimal(95))
    evaluate_period("test_kpi", "2025-H2", "52", admin)
    chairman.refresh_from_db()
    secretary.refresh_from_db()
    assert secretary.total is not None and secretary.d_unit_result == Decimal("72.00")
    assert "chưa có dữ liệu xếp loại công chức" in secretary.explanation_vi
    assert chairman.total is not None and chairman.d_unit_result == Decimal(100)
    assert chain.D_FALLBACK_VI not in chairman.explanation_vi
