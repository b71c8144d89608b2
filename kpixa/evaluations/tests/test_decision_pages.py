"""The province's evaluators act on app pages: the province-wide list of proposals with filters,
deciding one after a confirmation stating its effect (audited), and entering a leader's
general-criteria points, đ and e (Vietnamese decimal comma accepted)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.models import Consequence, ConsequenceStatus, EvaluationInput, LeaderEvaluation
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.evaluations.tests import test_legal
from kpixa.evaluations.tests.conftest import score
from kpixa.evaluations.tests.test_evaluate import joint_policy
from kpixa.units.models import PostKind

pytestmark = pytest.mark.django_db
regime_evaluated = test_legal.evaluated
year_row = test_legal.year_row


@pytest.fixture
def proposed(world: Any, test_kpi: Any, leaders: Any) -> Any:
    """2025-H2 evaluated with the joint-departure policy: Ia Dom (40) gets a warning and both its
    leaders a "cùng lên đường" proposal."""
    joint_policy(world)
    score(world, "2025-H2", {world.commune: 40, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")
    return world


def client_for(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_it_lists_the_provinces_proposals_with_filters(proposed: Any, django_assert_num_queries: Any) -> None:
    admin = client_for(proposed, "province_admin")
    url = reverse("evaluations:proposals", args=["52"])
    admin.get(url)  # the session and the user are read once before the count below
    with django_assert_num_queries(8):
        page = admin.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("cùng lên đường</span>") == 2 and "Cảnh báo" in body
    joint = Consequence.objects.filter(rule_code="joint_departure").first()
    assert joint is not None and reverse("evaluations:consequence", args=["52", joint.pk]) in body
    only_warnings = admin.get(url, {"kind": "warning"}).content.decode()
    assert "cùng lên đường</span>" not in only_warnings and "3 đề xuất" not in only_warnings
    assert "1 đề xuất" in only_warnings
    chairman = admin.get(url, {"post": PostKind.CHAIRMAN.value}).content.decode()
    assert "1 đề xuất" in chairman
    other = admin.get(url, {"commune": "23869"}).content.decode()
    assert "0 đề xuất" in other


def test_a_viewer_sees_the_list_without_deciding(proposed: Any) -> None:
    viewer = client_for(proposed, "province_viewer")
    page = viewer.get(reverse("evaluations:proposals", args=["52"]))
    assert page.status_code == 200 and "Xem và quyết định" not in page.content.decode()
    joint = Consequence.objects.filter(rule_code="joint_departure").first()
    assert joint is not None
    assert viewer.get(reverse("evaluations:consequence", args=["52", joint.pk])).status_code == 403
    leader = client_for(proposed, "commune_leader")
    assert leader.get(reverse("evaluations:proposals", args=["52"])).status_code == 403


def test_it_decides_a_proposal_after_the_confirmation_and_audits_it(proposed: Any) -> None:
    admin = client_for(proposed, "province_admin")
    joint = Consequence.objects.filter(rule_code="joint_departure", post=PostKind.CHAIRMAN).get()
    url = reverse("evaluations:consequence", args=["52", joint.pk])
    page = admin.get(url).content.decode()
    assert "Tác động" in page and "không sửa được" in page and "Không hoàn thành nhiệm vụ" in page
    refused = admin.post(url, {"decision": "accept", "note": "Kết luận 01-KL/TU"})
    assert refused.status_code == 200  # no confirmation: nothing recorded
    joint.refresh_from_db()
    assert joint.status == ConsequenceStatus.PROPOSED
    done = admin.post(url, {"decision": "accept", "note": "Kết luận 01-KL/TU", "confirm": "on"})
    assert done.status_code == 302
    joint.refresh_from_db()
    assert joint.status == ConsequenceStatus.ACCEPTED and joint.decided_by == proposed.users["province_admin"]
    entry = AuditEntry.objects.get(action="evaluations.decide_consequence")
    assert entry.province_code == "52" and entry.reason == "Kết luận 01-KL/TU"
    again = admin.post(url, {"decision": "reject", "note": "x", "confirm": "on"}, follow=True)
    assert "đã được quyết định" in again.content.decode()
    joint.refresh_from_db()
    assert joint.status == ConsequenceStatus.ACCEPTED
    listed = admin.get(reverse("evaluations:proposals", args=["52"])).content.decode()
    assert "2 đề xuất" in listed  # undecided by default: the accepted one has left the list


def test_it_enters_a_leaders_points_with_a_decimal_comma(proposed: Any, leaders: Any) -> None:
    admin = client_for(proposed, "province_admin")
    listing = admin.get(reverse("evaluations:leader_inputs", args=["52", "2025-H2"]))
    assert listing.status_code == 200
    tenure = leaders[(proposed.sibling.code, PostKind.CHAIRMAN)]
    url = reverse("evaluations:leader_assessment", args=["52", "2025-H2", tenure.pk])
    body = listing.content.decode()
    assert url in body and "Chờ nhập (6)" in body
    form = admin.get(url).content.decode()
    assert "Tác động" in form and "Nghị định 335/2025/NĐ-CP" in form
    answer = admin.post(
        url,
        {
            "general_points": "28,5",
            "organising": "90",
            "uniting": "95,25",
            "evidence": "Biên bản số 12-BB/TU",
        },
    )
    assert answer.status_code == 302
    values = dict(
        EvaluationInput.objects.filter(person=tenure.person, period__code="2025-H2").values_list(
            "kind", "value"
        )
    )
    assert values == {"general_points": "28.50", "organising": "90.00", "uniting": "95.25"}
    assert (
        AuditEntry.objects.filter(action__startswith="evaluations.", province_code="52")
        .filter(action__contains="input")
        .count()
        == 3
    )
    after = admin.get(reverse("evaluations:leader_inputs", args=["52", "2025-H2"])).content.decode()
    assert "Chờ nhập (5)" in after and "Đã nhập (1)" in after
    evaluate_period("test_kpi", "2025-H2", "52")  # the earlier chain reads the entries too
    le = LeaderEvaluation.objects.get(
        commune=proposed.sibling, post=PostKind.CHAIRMAN, period__code="2025-H2"
    )
    assert le.total is not None  # rated from the entries (general points, đ and e)
    other = LeaderEvaluation.objects.get(
        commune=proposed.sibling, post=PostKind.SECRETARY, period__code="2025-H2"
    )
    assert other.total is None  # nothing entered for the Secretary
    bad = admin.post(url, {"general_points": "31", "organising": "90", "uniting": "90", "evidence": "x"})
    assert bad.status_code == 200 and "30" in bad.content.decode()
    viewer = client_for(proposed, "province_viewer")
    assert viewer.get(url).status_code == 403


def test_it_lists_the_proposals_of_the_evaluation_under_the_texts(world: Any, regime_evaluated: Any) -> None:
    from kpixa.evaluations.models import RegimeEvaluation
    from kpixa.evaluations.services import legal

    stored = RegimeEvaluation.objects.get(framework_code="test_kpi", period__code=test_legal.YEAR)
    found = next(p for p in legal.proposals(stored) if p.kind == "dismissal" and p.post == "chu_tich")
    admin = client_for(world, "province_admin")
    url = reverse("evaluations:proposals", args=["52"])
    # The period filter: the fixture's earlier year holds a partial content, only its classes.
    body = admin.get(url, {"period": test_legal.YEAR}).content.decode()
    decide = reverse("evaluations:regime_proposal", args=["52", stored.period.code, stored.pk, found.key])
    assert 'id="regime"' in body and decide in body and "Miễn nhiệm, cho thôi việc" in body
    chairman = admin.get(
        url, {"period": test_legal.YEAR, "kind": "dismissal", "post": PostKind.CHAIRMAN.value}
    ).content.decode()
    assert decide in chairman
    secretary = admin.get(
        url, {"period": test_legal.YEAR, "kind": "dismissal", "post": PostKind.SECRETARY.value}
    ).content.decode()
    assert decide not in secretary


def test_the_leader_page_names_the_framework_and_the_reasons_beside_the_class(proposed: Any) -> None:
    leader = client_for(proposed, "commune_leader")
    body = leader.get(reverse("web:leaders", args=["23872"]), {"period": "2025-H2"}).content.decode()
    assert "Không hoàn thành nhiệm vụ" in body
    assert "theo bộ chỉ số test_kpi 1" in body and "nhiệm vụ trễ hạn" in body
