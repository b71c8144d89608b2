"""The province admin runs the evaluation under the texts from the period page after a
confirmation step that states its effect, and records an outstanding-organisation decision
excepting a quota group; both audited, both refused to anyone else."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kpixa.accounts.models import AuditEntry, Role
from kpixa.evaluations.models import Period, QuotaException, RegimeEvaluation
from kpixa.evaluations.services import lifecycle
from kpixa.evaluations.tests.conftest import score

YEAR = "2026"
PAGE = f"/ky-danh-gia/tinh/52/{YEAR}/danh-gia/"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def scored_year(world: Any, test_kpi: Any, leaders: Any) -> Period:
    row = Period.objects.create(
        province=world.province, code=YEAR, kind="year", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    score(world, YEAR, {world.commune: 80, world.sibling: 95, world.third: 40})
    return row


def client_for(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_period_page_offers_it_to_the_admin(world, scored_year):
    page = client_for(world, Role.PROVINCE_ADMIN).get(f"/ky-danh-gia/tinh/52/{YEAR}/").content.decode()
    assert PAGE in page


def test_the_confirmation_step_states_the_effect_and_runs_nothing(world, scored_year):
    client = client_for(world, Role.PROVINCE_ADMIN)
    page = client.get(PAGE).content.decode()
    assert "Tác động" in page and "bị thay thế" in page and "Nghị định 335/2025/NĐ-CP" in page
    assert '<option value="test_kpi"' in page
    response = client.post(PAGE, {"framework": "test_kpi"})
    assert response.status_code == 200 and not RegimeEvaluation.objects.exists()


def test_once_confirmed_it_evaluates_audited_in_the_admins_name(world, scored_year):
    admin = world.users[Role.PROVINCE_ADMIN]
    response = client_for(world, Role.PROVINCE_ADMIN).post(PAGE, {"framework": "test_kpi", "confirm": "on"})
    assert (
        response.status_code == 302 and response["Location"] == f"/ky-danh-gia/tinh/52/{YEAR}/theo-van-ban/"
    )
    stored = RegimeEvaluation.objects.get(period=scored_year, framework_code="test_kpi")
    assert stored.evaluated_by == admin and len(stored.content["communes"]) == 3
    entry = AuditEntry.objects.get(action="evaluations.evaluate_regimes")
    assert entry.actor == admin


def test_a_closed_period_is_not_evaluated_again(world, scored_year):
    lifecycle.close_period(world.users[Role.PROVINCE_ADMIN], world.province, YEAR)
    client = client_for(world, Role.PROVINCE_ADMIN)
    assert "không đánh giá lại" in client.get(PAGE).content.decode()
    page = client.post(PAGE, {"framework": "test_kpi", "confirm": "on"}, follow=True).content.decode()
    assert "đã khóa" in page and not RegimeEvaluation.objects.exists()


def test_it_records_an_outstanding_organisation_decision_audited(world, scored_year):
    client = client_for(world, Role.PROVINCE_ADMIN)
    url = f"{PAGE}mien-ty-le/"
    client.post(url, {"group": "loai:xa", "decision": "QĐ 12/QĐ-UBND ngày 2/1/2027"})
    item = QuotaException.objects.get(period=scored_year)
    assert (item.group, item.decision) == ("loai:xa", "QĐ 12/QĐ-UBND ngày 2/1/2027")
    assert item.recorded_by == world.users[Role.PROVINCE_ADMIN]
    assert AuditEntry.objects.filter(action="evaluations.quota_exception").count() == 1
    assert "QĐ 12/QĐ-UBND" in client.get(PAGE).content.decode()
    client.post(url, {"group": "loai:xa", "decision": ""})
    client.post(url, {"group": "khong-co", "decision": "QĐ 1"})
    assert QuotaException.objects.count() == 1


def test_only_the_provinces_admin_reaches_them(world, scored_year):
    for role in (Role.COMMUNE_LEADER,):
        client = client_for(world, role)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"framework": "test_kpi", "confirm": "on"}).status_code == 403
        assert client.post(f"{PAGE}mien-ty-le/", {"group": "loai:xa", "decision": "QĐ"}).status_code == 403
    assert Client().get(PAGE).status_code == 302
    assert (
        client_for(world, Role.PROVINCE_ADMIN).get("/ky-danh-gia/tinh/66/2026/danh-gia/").status_code == 404
    )
    assert not RegimeEvaluation.objects.exists() and not QuotaException.objects.exists()


def test_the_pages_speak_english_when_asked(world, scored_year, settings, tmp_path):
    client = client_for(world, Role.PROVINCE_ADMIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(PAGE).content.decode()
    inputs_page = client.get(f"/ky-danh-gia/tinh/52/{YEAR}/du-lieu/").content.decode()
    client.post(PAGE, {"framework": "test_kpi", "confirm": "on"})
    leader = Client()
    leader.force_login(world.users[Role.COMMUNE_LEADER])
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    leaders_page = leader.get(f"/xa/23872/lanh-dao/?period={YEAR}").content.decode()
    translation.activate(settings.LANGUAGE_CODE)  # the middleware leaves English active in this thread
    assert "Run the evaluation under the texts, period 2026" in page and "Effect" in page
    assert "Exception from the 20% excellent quota" in page
    assert "Rows refused by a file import" in inputs_page and "Evidence file (PDF" in inputs_page
    assert "Evaluation under the texts (framework test_kpi)" in leaders_page
    assert "Decree 335/2025/NĐ-CP" in leaders_page and "Regulation 366-QĐ/TW" in leaders_page
