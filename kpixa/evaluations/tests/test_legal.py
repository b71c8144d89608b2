"""Communes and leaders evaluated under the texts from the framework's totals and the entered
inputs, stored and exported (docs/rules.md, "Evaluation of communes and leaders")."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.legal_exports import render
from kpixa.evaluations.models import Period, ProvincePolicy, RegimeEvaluation
from kpixa.evaluations.services import inputs, legal
from kpixa.evaluations.tests.conftest import score
from kpixa.scoring.versions import period_of, version_for
from kpixa.units.models import PostKind

YEAR = "2026"
# version, units, inputs, tenures, the province's sync decision, indicator scores, owner
# assignments and post holders (the cited indicators' owners), policy, on-time rates, quota
# exceptions, earlier years: 12, whatever the number of communes.
QUERIES = 12


def put(
    world: Any, leaders: Any, commune: Any, post: str, kind: str, value: str, day: date | None = None
) -> None:
    row = Period.objects.get(province=world.province, code=YEAR)
    person = leaders[(commune.code, post)].person if post else None
    inputs.set_input(row, inputs.Entry(commune, post, person, kind, value, day, "", "Biên bản"))


@pytest.fixture
def year_row(world: Any) -> Period:
    return Period.objects.create(
        province=world.province, code=YEAR, kind="year", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )


@pytest.fixture
def evaluated(world: Any, test_kpi: Any, leaders: Any, year_row: Period) -> dict[str, Any]:
    """Ia Dom 80 with its tasks and both leaders' inputs; Ia Dơk 95 whose Chairman was reprimanded
    and failed 2025 too; Quy Nhơn Bắc 40 without inputs; the province's joint policy below 50."""
    score(world, YEAR, {world.commune: 80, world.sibling: 95, world.third: 40})
    for commune in (world.commune, world.sibling):
        for kind, value in [
            ("tasks_assigned", "10"),
            ("tasks_completed", "10"),
            ("tasks_on_time", "10"),
            ("tasks_exceeded", "3"),
        ]:
            put(world, leaders, commune, "", kind, value)
        for post in (PostKind.SECRETARY, PostKind.CHAIRMAN):
            put(world, leaders, commune, post, "general_points", "28")
        put(world, leaders, commune, PostKind.CHAIRMAN, "subordinates_not_completed", "0")
        put(world, leaders, commune, PostKind.CHAIRMAN, "organising", "100")
        put(world, leaders, commune, PostKind.CHAIRMAN, "uniting", "100")
    put(world, leaders, world.sibling, PostKind.CHAIRMAN, "discipline", "khien_trach", date(2026, 5, 4))
    sibling_chairman = leaders[(world.sibling.code, PostKind.CHAIRMAN)].person
    sibling_chairman.external_id = "CB-S"
    sibling_chairman.save()
    last_year = Period.objects.create(
        province=world.province, code="2025", kind="year", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    RegimeEvaluation.objects.create(
        period=last_year,
        framework_code="test_kpi",
        evaluated_at=last_year.end,
        content={"communes": [{"leaders": [{"person": "CB-S", "classification": "khong_hoan_thanh"}]}]},
    )
    ProvincePolicy.objects.create(
        province=world.province,
        joint_departure=True,
        joint_departure_citation="Kết luận 01-KL/TU",
        joint_departure_below_total=Decimal(50),
    )
    stored = legal.evaluate("test_kpi", YEAR, "52")
    return {c["unit_code"]: c for c in stored.content["communes"]}


def leader(commune: dict[str, Any], post: str) -> dict[str, Any]:
    return next(x for x in commune["leaders"] if x["post"] == post)


def test_it_rates_the_chairman_under_decree_335_and_the_secretary_under_regulation_366(world, evaluated):
    ia_dom = evaluated[world.commune.code]
    chairman, secretary = leader(ia_dom, "chu_tich"), leader(ia_dom, "bi_thu")
    assert (chairman["regime"], chairman["total"]) == ("nd335", "98.00")
    assert (secretary["regime"], secretary["total"]) == ("qd366", "98.00")
    # excellent by Article 11 (30% exceeded, all on time), then lowered by the quota only
    assert not any("Điều 11" in r for r in secretary["reasons"])
    assert any("khoản 5 điểm a" in r for r in secretary["reasons"])
    criteria = {c["name"]: c for c in chairman["criteria"]}
    assert criteria["d"]["value"] == "100" and "kết quả hoạt động" in criteria["d"]["article"]
    assert criteria["d"]["input"].startswith("0 công chức")
    assert all(c["article"] for c in chairman["criteria"])


def test_the_commune_is_classed_by_regulation_366_on_its_tasks(world, evaluated):
    ia_dom = evaluated[world.commune.code]
    assert (ia_dom["unit_name"], ia_dom["total"], ia_dom["classification"]) == ("Xã Ia Dom", "80.00", "tot")
    assert any("Quy định 366-QĐ/TW" in r for r in ia_dom["reasons"])


def test_a_reprimand_fails_the_chairman_whatever_his_points(world, evaluated):
    chairman = leader(evaluated[world.sibling.code], "chu_tich")
    assert (chairman["total"], chairman["classification"]) == ("98.00", "khong_hoan_thanh")
    assert any("khiển trách" in r and "khoản 4 điểm c" in r for r in chairman["reasons"])


def test_the_quota_counts_those_rated_good(world, evaluated):
    chairman = leader(evaluated[world.commune.code], "chu_tich")
    assert (
        chairman["classification"] == "tot"
    )  # no other chairman rated "tốt" in the group: none may stay excellent
    assert any("khoản 5 điểm a" in r for r in chairman["reasons"])


def test_two_failed_years_propose_dismissal(world, evaluated):
    kinds = {c["kind"] for c in leader(evaluated[world.sibling.code], "chu_tich")["consequences"]}
    assert kinds == {"warning", "dismissal"}


def test_the_provinces_joint_policy_applies_on_the_year_with_its_citation(world, evaluated):
    third = evaluated[world.third.code]
    for post in ("bi_thu", "chu_tich"):
        found = leader(third, post)
        assert found["total"] is None and any("thiếu dữ liệu" in r for r in found["reasons"])
        joint = [c for c in found["consequences"] if c["rule"] == "joint_departure"]
        assert len(joint) == 1 and "Kết luận 01-KL/TU" in joint[0]["reason"]
    assert [c["kind"] for c in third["consequences"]] == ["warning"]


def test_it_stores_audits_and_refuses_a_closed_period(world, evaluated):
    assert AuditEntry.objects.filter(action="evaluations.evaluate_regimes").count() == 1
    Period.objects.filter(code=YEAR).update(state="closed")
    with pytest.raises(Exception, match="đã khóa"):
        legal.evaluate("test_kpi", YEAR, "52")


def test_it_reads_the_province_in_a_fixed_number_of_queries(world, evaluated, year_row):
    with CaptureQueriesContext(connection) as few:
        legal.evaluate_rows(
            year_row,
            period_of(YEAR),
            version_for("test_kpi", period_of(YEAR)),
            world.province,
        )
    assert len(few) == QUERIES, [q["sql"][:80] for q in few.captured_queries]


def test_the_commands_evaluate_and_export_as_json_csv_and_xlsx(world, evaluated, tmp_path, capsys):
    call_command("evaluate", framework="test_kpi", period=YEAR, province="52")
    assert "3 communes, 6 leaders" in capsys.readouterr().out
    call_command("export_evaluations", framework="test_kpi", period=YEAR, province="52", format="json")
    data = json.loads(capsys.readouterr().out)
    assert {"unit_code", "unit_name", "total", "classification", "reasons", "leaders"} <= set(data[0])
    assert {"post", "person", "regime", "total", "classification", "reasons", "consequences"} <= set(
        data[0]["leaders"][0]
    )
    assert {c["classification"] for c in data} <= {"xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"}
    call_command("export_evaluations", framework="test_kpi", period=YEAR, province="52", format="csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6 and rows[0]["unit_code"] == data[0]["unit_code"]
    out = tmp_path / "e.xlsx"
    call_command(
        "export_evaluations", framework="test_kpi", period=YEAR, province="52", format="xlsx", output=str(out)
    )
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row == 7
    with pytest.raises(CommandError, match="run `evaluate` first"):
        call_command("export_evaluations", framework="test_kpi", period="2027", province="52")


def test_exported_cells_cannot_become_formulas(world):
    communes = [
        {
            "unit_code": "=1+1",
            "unit_name": "@SUM(A1)",
            "total": None,
            "classification": "",
            "reasons": ["+x"],
            "leaders": [],
        }
    ]
    text = render(communes, "csv").decode("utf-8")
    assert "'=1+1" in text and "'@SUM(A1)" in text and "'+x" in text


def test_a_recorded_outstanding_organisation_decision_lifts_the_quota(world, evaluated, year_row):
    legal.record_quota_exception(
        year_row, "loai:xa", "Quyết định 5/QĐ-UBND", actor=world.users["province_admin"]
    )
    content = legal.evaluate("test_kpi", YEAR, "52").content["communes"]
    ia_dom = next(c for c in content if c["unit_code"] == world.commune.code)
    for post in ("bi_thu", "chu_tich"):
        assert leader(ia_dom, post)["classification"] == "xuat_sac"
        assert any("Quyết định 5/QĐ-UBND" in r for r in leader(ia_dom, post)["reasons"])
    assert AuditEntry.objects.filter(action="evaluations.quota_exception").count() == 1


def test_a_province_cannot_turn_joint_departure_on_without_its_text_and_threshold(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ProvincePolicy(province=world.province, joint_departure=True, joint_departure_citation="KL 1").clean()
    ProvincePolicy(
        province=world.province,
        joint_departure=True,
        joint_departure_citation="KL 1",
        joint_departure_below_total=50,
    ).clean()


def test_the_period_page_shows_each_criterion_with_its_input_and_article(
    world, evaluated, django_assert_max_num_queries
):
    from django.test import Client

    from kpixa.accounts.models import Role

    viewer = Client()
    viewer.force_login(world.users[Role.PROVINCE_VIEWER])
    with django_assert_max_num_queries(6):
        page = viewer.get(f"/ky-danh-gia/tinh/52/{YEAR}/theo-van-ban/").content.decode()
    assert "Xã Ia Dom" in page and "nd335" in page and "qd366" in page
    assert "0 công chức thuộc quyền không hoàn thành nhiệm vụ" in page
    assert "khoản 4 điểm c" in page and "Kết luận 01-KL/TU" in page
    assert (
        f"/ky-danh-gia/tinh/52/{YEAR}/theo-van-ban/"
        in viewer.get(f"/ky-danh-gia/tinh/52/{YEAR}/").content.decode()
    )
    leader_client = Client()
    leader_client.force_login(world.users[Role.COMMUNE_LEADER])
    assert leader_client.get(f"/ky-danh-gia/tinh/52/{YEAR}/theo-van-ban/").status_code == 403


def test_the_period_page_speaks_english_when_asked(world, evaluated, settings):
    from django.test import Client
    from django.utils import translation

    from kpixa.accounts.models import Role

    viewer = Client()
    viewer.force_login(world.users[Role.PROVINCE_VIEWER])
    viewer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = viewer.get(f"/ky-danh-gia/tinh/52/{YEAR}/theo-van-ban/").content.decode()
    translation.activate(settings.LANGUAGE_CODE)
    assert "Evaluation under the texts, period 2026" in page and "Criteria (input; source)" in page


def test_the_published_snapshot_carries_the_evaluation_under_the_texts(world, evaluated):
    from kpixa.evaluations.services import lifecycle

    admin = world.users["province_admin"]
    lifecycle.close_period(admin, world.province, YEAR)
    snapshot = lifecycle.publish_period(admin, world.province, YEAR)
    carried = snapshot.content["regime_evaluations"]["test_kpi"]
    assert [c["unit_code"] for c in carried] == sorted(evaluated)
    assert leader(carried[0], "chu_tich")["regime"] == "nd335"
