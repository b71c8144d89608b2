"""A province admin decides each proposal of the evaluation under the texts (accept or reject, with
a note) on an app page after a confirmation step; the decision is audited with the province, never
edits the evaluation's content, and survives a re-run while the proposal is still made."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kpixa.accounts.models import AuditEntry, Role, User
from kpixa.evaluations.models import RegimeEvaluation, RegimeProposalDecision
from kpixa.evaluations.services import legal
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.evaluations.tests import test_legal

evaluated = test_legal.evaluated
year_row = test_legal.year_row
LEGAL = f"/ky-danh-gia/tinh/52/{test_legal.YEAR}/theo-van-ban/"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dismissal(world: Any) -> tuple[RegimeEvaluation, legal.Proposal]:
    stored = RegimeEvaluation.objects.get(period__code=test_legal.YEAR, framework_code="test_kpi")
    found = next(
        p
        for p in legal.proposals(stored)
        if p.unit_code == world.sibling.code and p.kind == "dismissal" and p.post == "chu_tich"
    )
    return stored, found


def url_of(stored: RegimeEvaluation, proposal: legal.Proposal) -> str:
    return f"{LEGAL}{stored.pk}/de-xuat/{proposal.key}/"


def test_it_shows_each_proposal_with_its_rule_article_facts_and_people(world, evaluated):
    stored, found = dismissal(world)
    assert found.article and found.person == "CB-S"
    page = client_for(world.users[Role.PROVINCE_ADMIN]).get(LEGAL).content.decode()
    assert "Đề xuất và quyết định" in page and "Chờ quyết định" in page
    assert found.article in page and found.rule in page and url_of(stored, found) in page
    viewer_page = client_for(world.users[Role.PROVINCE_VIEWER]).get(LEGAL).content.decode()
    assert found.article in viewer_page and url_of(stored, found) not in viewer_page


def test_the_confirmation_step_states_the_effect_and_decides_nothing(world, evaluated):
    stored, found = dismissal(world)
    client = client_for(world.users[Role.PROVINCE_ADMIN])
    page = client.get(url_of(stored, found)).content.decode()
    assert "Tác động" in page and "không sửa được" in page and found.article in page
    assert client.post(url_of(stored, found), {"decision": "accept"}).status_code == 200
    assert not RegimeProposalDecision.objects.exists()


def test_it_records_a_decision_audited_with_the_province_without_editing_the_content(world, evaluated):
    stored, found = dismissal(world)
    admin = world.users[Role.PROVINCE_ADMIN]
    before = RegimeEvaluation.objects.get(pk=stored.pk).content
    response = client_for(admin).post(
        url_of(stored, found), {"decision": "reject", "note": "Chờ kết luận thanh tra", "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"] == LEGAL
    decision = RegimeProposalDecision.objects.get()
    assert (decision.status, decision.note, decision.decided_by) == (
        "rejected",
        "Chờ kết luận thanh tra",
        admin,
    )
    entry = AuditEntry.objects.get(action="evaluations.decide_regime_proposal")
    assert entry.province_code == "52" and entry.actor == admin and (entry.after or {})["rule"] == found.rule
    assert RegimeEvaluation.objects.get(pk=stored.pk).content == before
    page = client_for(admin).get(LEGAL).content.decode()
    assert "Không chấp nhận: Chờ kết luận thanh tra" in page
    with pytest.raises(EvaluationError):
        legal.decide_proposal(stored, found.key, True, actor=admin)


@pytest.mark.parametrize("role", [Role.PROVINCE_VIEWER, Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER])
def test_it_refuses_anyone_but_the_provinces_admin(world, evaluated, role):
    stored, found = dismissal(world)
    response = client_for(world.users[role]).post(
        url_of(stored, found), {"decision": "accept", "confirm": "on"}
    )
    assert response.status_code in (403, 404) and not RegimeProposalDecision.objects.exists()


def test_another_provinces_admin_gets_404(world, evaluated):
    stored, found = dismissal(world)
    other = User.objects.create(username="admin66", role=Role.PROVINCE_ADMIN, province=world.other_province)
    response = client_for(other).post(url_of(stored, found), {"decision": "accept", "confirm": "on"})
    assert response.status_code == 404 and not RegimeProposalDecision.objects.exists()


def test_a_rerun_keeps_the_decision_of_a_proposal_still_made(world, evaluated):
    stored, found = dismissal(world)
    legal.decide_proposal(stored, found.key, True, "Đủ căn cứ", actor=world.users[Role.PROVINCE_ADMIN])
    legal.evaluate("test_kpi", test_legal.YEAR, "52")
    again, still = dismissal(world)
    assert again.pk == stored.pk and still.key == found.key
    assert still.decision is not None and still.decision.status == "accepted"


def test_a_proposal_no_longer_made_cannot_be_decided(world, evaluated):
    stored, _found = dismissal(world)
    with pytest.raises(EvaluationError):
        legal.decide_proposal(stored, "0" * 32, True, actor=world.users[Role.PROVINCE_ADMIN])


def test_the_decision_page_speaks_english_when_asked(world, evaluated, settings):
    stored, found = dismissal(world)
    client = client_for(world.users[Role.PROVINCE_ADMIN])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url_of(stored, found)).content.decode()
    translation.activate(settings.LANGUAGE_CODE)
    assert "Decision on a proposal, period 2026" in page and "cannot be changed" in page
