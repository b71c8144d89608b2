"""The province's evaluators in real headless Chromium: the province-wide list of proposals, a
"cùng lên đường" proposal decided after the confirmation, a leader's general points entered with a
decimal comma, and the flags page's rankings; screenshots at desktop and 390 px phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from conftest import PASSWORD
from kpixa.accountability.services import detect_period
from kpixa.accountability.tests.test_pass import bounced, load, normal
from kpixa.dossiers.tests.conftest import catalogue  # noqa: F401
from kpixa.evaluations.models import Consequence, EvaluationInput
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.evaluations.tests.conftest import leaders, score, test_kpi  # noqa: F401
from kpixa.evaluations.tests.test_evaluate import joint_policy
from kpixa.web.tests.conftest import DESKTOP, PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposed(world: Any, test_kpi: Any, leaders: Any) -> Any:  # noqa: F811
    joint_policy(world)
    score(world, "2025-H2", {world.commune: 40, world.sibling: 75, world.third: 75})
    evaluate_period("test_kpi", "2025-H2", "52")
    return world


def fits_the_phone(page: Any) -> bool:
    """The page body is no wider than the 390 px viewport (tables scroll inside their wrapper)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_the_province_admin_decides_a_joint_departure_proposal(
    live_server: Any, page: Any, proposed: Any
) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    response = page.goto(live_server.url + reverse("evaluations:proposals", args=["52"]))
    assert response is not None and response.status == 200
    assert page.locator("table.proposals tbody tr").count() == 3
    screenshot(page, "proposals-desktop")
    screenshot(page, "proposals-phone", PHONE)
    assert fits_the_phone(page)
    page.set_viewport_size(DESKTOP)
    row = page.locator("table.proposals tbody tr", has_text="cùng lên đường").first
    with page.expect_navigation():
        row.get_by_role("link", name="Xem và quyết định").click()
    assert "Tác động" in page.locator("main").inner_text()
    screenshot(page, "consequence-desktop")
    screenshot(page, "consequence-phone", PHONE)
    assert fits_the_phone(page)
    page.set_viewport_size(DESKTOP)
    page.locator("#id_decision").select_option("accept")
    page.get_by_label("Căn cứ, ghi chú (số, ngày văn bản; lý do)").fill("Kết luận 01-KL/TU")
    page.get_by_role("button", name="Ghi quyết định").click()  # the browser refuses without the box
    assert not Consequence.objects.filter(status="accepted").exists()
    page.get_by_label("Tôi đã đọc tác động ở trên; quyết định này không sửa được.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi quyết định").click()
    assert "Đã ghi quyết định" in page.locator("main").inner_text()
    assert page.locator("table.proposals tbody tr").count() == 2
    assert Consequence.objects.filter(status="accepted", rule_code="joint_departure").count() == 1


def test_the_province_admin_enters_a_leaders_points(live_server: Any, page: Any, proposed: Any) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(live_server.url + reverse("evaluations:leader_inputs", args=["52", "2025-H2"]))
    screenshot(page, "leader-inputs-desktop")
    screenshot(page, "leader-inputs-phone", PHONE)
    assert fits_the_phone(page)
    page.set_viewport_size(DESKTOP)
    with page.expect_navigation():
        page.get_by_role("link", name="Nhập điểm").first.click()
    page.get_by_label("Điểm tiêu chí chung (0–30)").fill("28,5")
    page.get_by_label("đ — năng lực tổ chức thực hiện nhiệm vụ (%)").fill("90")
    page.get_by_label("e — năng lực tập hợp, đoàn kết (%)").fill("95,5")
    page.get_by_label("Căn cứ (biên bản, văn bản đánh giá: số, ngày)").fill("Biên bản số 12-BB/TU")
    screenshot(page, "leader-assessment-desktop")
    screenshot(page, "leader-assessment-phone", PHONE)
    assert fits_the_phone(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi điểm").click()
    assert "Đã ghi điểm tiêu chí chung" in page.locator("main").inner_text()
    assert EvaluationInput.objects.filter(kind="general_points", value="28.50").count() == 1


def test_the_flags_page_ranks_communes_and_departments(
    live_server: Any,
    page: Any,
    catalogue: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    load(tmp_path, [bounced(), normal()])
    detect_period("52", "2026-03")
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(live_server.url + reverse("web:flags_province", args=["52"]))
    assert page.locator("#period").input_value() == "2026-03"
    assert page.locator("table.accountability tbody tr").first.inner_text().startswith("1\tXã Ia Dom")
    screenshot(page, "flags-province-desktop")
    screenshot(page, "flags-province-phone", PHONE)
    assert fits_the_phone(page)
