"""Evaluations and proposals cite the owner of each indicator that failed its target or cost the
commune most points: the post and the person holding it on the period's end date; an indicator
nobody owns is shown as a gap. Explanations are stored in Vietnamese and English."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kpixa.evaluations import owner_citations
from kpixa.evaluations.models import CommuneEvaluation, Consequence, LeaderEvaluation
from kpixa.evaluations.services import legal
from kpixa.evaluations.services.evaluation import enter_leader_assessment, evaluate_period
from kpixa.evaluations.tests.conftest import score
from kpixa.frameworks.services import assign_owner
from kpixa.units.models import Person, PostKind, Tenure

pytestmark = pytest.mark.django_db
PERIOD = "2025-H2"  # ends on 31/12/2025
CITED = "Chỉ số 1.1 — phụ trách: Phó Chủ tịch UBND Nguyễn Văn A"
GAP = "Chỉ số 1.1 — chưa có người phụ trách"
VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)


@pytest.fixture
def owned(world: Any, test_kpi: Any, leaders: Any) -> Any:
    """Ia Dom's indicator 1.1 is owned by its Vice-Chairman: Nguyễn Văn A until 31/12/2025, then
    Trần Thị B (and from 2026 by the Chairman's post); Ia Dơk's 1.1 has no owner. Ia Dom (40)
    fails 1.1 and gets a warning; Ia Dơk (75) meets it but loses 25 of its 90 points."""
    a = Person.objects.create(full_name="Nguyễn Văn A", province=world.province)
    b = Person.objects.create(full_name="Trần Thị B", province=world.province)
    vice = PostKind.VICE_CHAIRMAN
    Tenure.objects.create(
        commune=world.commune, post=vice, person=a, start=date(2024, 1, 1), end=date(2025, 12, 31)
    )
    Tenure.objects.create(commune=world.commune, post=vice, person=b, start=date(2026, 1, 1))
    admin = world.users["province_admin"]
    assign_owner(admin, test_kpi, world.province, "1.1", vice, date(2025, 1, 1), commune=world.commune)
    # A later change of owner does not rewrite who answered for 2025-H2.
    assign_owner(
        admin, test_kpi, world.province, "1.1", PostKind.CHAIRMAN, date(2026, 2, 1), commune=world.commune
    )
    score(world, PERIOD, {world.commune: 40, world.sibling: 75, world.third: 95})
    evaluate_period("test_kpi", PERIOD, "52", admin)
    return world


def test_the_commune_evaluation_cites_the_owner_on_the_periods_end_date(owned: Any) -> None:
    ia_dom = CommuneEvaluation.objects.get(commune=owned.commune, period__code=PERIOD)
    assert CITED in ia_dom.explanation_vi
    assert "Trần Thị B" not in ia_dom.explanation_vi
    assert "phụ trách: Chủ tịch UBND" not in ia_dom.explanation_vi
    ia_dok = CommuneEvaluation.objects.get(commune=owned.sibling, period__code=PERIOD)
    assert GAP in ia_dok.explanation_vi  # met its target but lost most points: cited, as a gap
    top = CommuneEvaluation.objects.get(commune=owned.third, period__code=PERIOD)
    assert "Chỉ số" not in top.explanation_vi  # excellent: the 5 points it lost pulled nothing down
    # The English text is stored beside it and shown when English is active.
    assert "Indicator 1.1" in ia_dom.explanation_en and "Nguyễn Văn A" in ia_dom.explanation_en
    with translation.override("en"):
        assert ia_dom.explanation == ia_dom.explanation_en
    with translation.override("vi"):
        assert ia_dom.explanation == ia_dom.explanation_vi


def test_the_proposals_cite_the_owner_on_the_list_and_the_decision_page(owned: Any) -> None:
    warning = Consequence.objects.get(commune=owned.commune, kind="warning")
    assert [(o["code"], o["post"], o["person_name"]) for o in warning.indicator_owners] == [
        ("1.1", PostKind.VICE_CHAIRMAN, "Nguyễn Văn A")
    ]
    client = Client()
    client.force_login(owned.users["province_admin"])
    listing = client.get(reverse("evaluations:proposals", args=["52"])).content.decode()
    assert CITED in listing
    page = client.get(reverse("evaluations:consequence", args=["52", warning.pk])).content.decode()
    assert CITED in page
    client.cookies["django_language"] = "en"
    english = html.unescape(
        client.get(reverse("evaluations:consequence", args=["52", warning.pk])).content.decode()
    )
    assert "Indicator 1.1 — owner: Vice Chairman of the People's Committee Nguyễn Văn A" in english


def test_a_gap_in_ownership_is_shown_as_a_gap() -> None:
    gap = {"code": "2.3", "post": "", "person_name": ""}
    nobody = {"code": "2.3", "post": PostKind.VICE_CHAIRMAN, "person_name": ""}
    with translation.override("vi"):
        assert owner_citations.line_text(gap) == "Chỉ số 2.3 — chưa có người phụ trách"
        assert (
            owner_citations.line_text(nobody)
            == "Chỉ số 2.3 — phụ trách: Phó Chủ tịch UBND, chưa có người giữ chức"
        )


def test_it_cites_failed_indicators_then_the_three_costliest() -> None:
    line = owner_citations.ScoreLine
    lines = [
        line("1.1", "dat", Decimal(90), Decimal(90)),
        line("1.2", "chua_dat", Decimal(10), Decimal(10)),
        line("2.1", "dat", Decimal(5), Decimal(10)),
        line("2.2", "dat", Decimal(2), Decimal(10)),
        line("2.3", "dat", Decimal(9), Decimal(10)),
        line("2.4", "dat", Decimal(8), Decimal(10)),
        line("3.1", "khong_co_du_lieu", None, Decimal(10)),
    ]
    assert owner_citations.cited_codes(lines) == ["1.2", "2.2", "2.1", "2.4"]


def test_leader_explanations_are_stored_in_both_languages(owned: Any) -> None:
    admin = owned.users["province_admin"]
    le = LeaderEvaluation.objects.get(commune=owned.sibling, post=PostKind.CHAIRMAN, period__code=PERIOD)
    enter_leader_assessment(le, admin, general=Decimal(28), organising=Decimal(90), uniting=Decimal(90))
    le.refresh_from_db()
    assert "điểm chung" in le.explanation_vi
    assert le.explanation_en and not VIETNAMESE.search(le.explanation_en.replace("NĐ-CP", ""))


def test_the_evaluation_under_the_texts_cites_the_owners(owned: Any) -> None:
    stored = legal.evaluate("test_kpi", PERIOD, "52", owned.users["province_admin"])
    communes = {c["unit_code"]: c for c in stored.content["communes"]}
    assert [(o["code"], o["person_name"]) for o in communes[owned.commune.code]["owners"]] == [
        ("1.1", "Nguyễn Văn A")
    ]
    assert communes[owned.sibling.code]["owners"][0]["post"] == ""  # a gap
    client = Client()
    client.force_login(owned.users["province_admin"])
    page = client.get(reverse("evaluations:legal", args=["52", PERIOD])).content.decode()
    assert CITED in page and GAP in page


def test_the_explanation_names_each_owner_once_with_the_codes_in_order() -> None:
    vice = {"post": PostKind.VICE_CHAIRMAN, "person_name": "Nguyễn Văn A"}
    items = [{"code": "1.1", **vice}, {"code": "2.1", "post": "", "person_name": ""}, {"code": "1.2", **vice}]
    with translation.override("vi"):
        assert owner_citations.summary(items) == (
            "chỉ số chưa đạt hoặc mất nhiều điểm nhất: Chỉ số 1.1, 1.2 — phụ trách: Phó Chủ tịch UBND "
            "Nguyễn Văn A; Chỉ số 2.1 — chưa có người phụ trách"
        )
