"""Collective rules on tasks, quota groups by peer group priority, the leader framework in force,
and leader ratings recomputed by an upheld appeal's revision."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kpixa.accounts.models import Role
from kpixa.evaluations.models import CommuneEvaluation, LeaderEvaluation, ProvincePolicy
from kpixa.evaluations.services import appeals, chain, lifecycle
from kpixa.evaluations.services.evaluation import enter_leader_assessment, evaluate_period
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.evaluations.services.policy import set_quota_peer_groups
from kpixa.evaluations.tests.conftest import TEST_FRAMEWORK, report_tasks, score
from kpixa.frameworks.services import install_framework
from kpixa.scoring.engine.evaluation import leader_formula
from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.services.scores import Providers, compute_scores
from kpixa.units.models import Commune, CommuneKind, PeerGroup, Person, PostKind, Tenure

H2 = "2025-H2"
SHIPPED = Path(__file__).resolve().parents[2] / "frameworks" / "shipped"
# Eight more reported measures, so each commune has 10 tasks with test_kpi's two.
TASKS_FRAMEWORK = """
code: test_tasks
version: "1"
name: {vi: Số liệu báo cáo thử, en: Test reports}
valid_from: 2024-01-01
status: example
total: 80
groups:
  - code: "1"
    name: {vi: Báo cáo, en: Reports}
    max: 80
    indicators:
""" + "".join(
    f"""      - code: "1.{i}"
        name: {{vi: Số liệu {i}, en: Value {i}}}
        source: reported
        numerator: reported.task_{i}
        denominator: 100
        max_points: 10
"""
    for i in range(1, 9)
)


@pytest.fixture
def ten_tasks(test_kpi: Any) -> Any:
    version, _created = install_framework(TASKS_FRAMEWORK, activate=True, source_name="test_tasks.yaml")
    return version


def _enter(le: LeaderEvaluation, admin: Any) -> None:
    hundred = Decimal(100)
    enter_leader_assessment(
        le,
        admin,
        general=Decimal(30),
        organising=hundred,
        uniting=hundred,
        quantity=hundred,
        quality=hundred,
        timeliness=hundred,
    )


# --- 1. collective rules on tasks -----------------------------------------------------------


def test_it_caps_an_excellent_commune_with_one_late_task(world: Any, ten_tasks: Any, leaders: Any) -> None:
    late = {world.commune: 1, world.sibling: 3}
    score(world, H2, {world.commune: 93, world.sibling: 60, world.third: 75}, late=late)
    evaluate_period("test_kpi", H2, "52")
    ia_dom = CommuneEvaluation.objects.get(commune=world.commune)
    assert (ia_dom.tasks_total, ia_dom.tasks_late) == (10, 1)
    assert (ia_dom.points_classification, ia_dom.classification) == ("xuat_sac", "tot")
    assert "1/10 nhiệm vụ trễ hạn" in ia_dom.explanation_vi
    assert ia_dom.collective_rules == ["xuất sắc cần 100% nhiệm vụ đúng hạn; có 1 nhiệm vụ trễ hạn"]
    sibling = CommuneEvaluation.objects.get(commune=world.sibling)
    # 60 points is "hoàn thành", but 3 of 10 tasks late (30% > 20%) → "không hoàn thành".
    assert (sibling.points_classification, sibling.classification) == ("hoan_thanh", "khong_hoan_thanh")
    assert "30,00% nhiệm vụ trễ hạn" in sibling.collective_rules[0]
    third = CommuneEvaluation.objects.get(commune=world.third)
    assert (third.classification, third.collective_rules) == ("tot", [])
    # The corrected class drives the warning and the leaders' cap.
    assert world.sibling.consequences.filter(kind="warning").exists()


def test_it_says_the_rules_do_not_apply_without_tasks(test_kpi: Any) -> None:
    framework = load_framework(TEST_FRAMEWORK, "test_kpi.yaml")
    assert chain.tasks_of({}) is None
    code, reasons, text = chain.collective_class(framework, Decimal(93), None)
    assert (code, reasons) == ("xuat_sac", ())
    assert "không áp dụng quy tắc về nhiệm vụ trễ hạn" in text


def test_it_counts_a_missing_value_as_a_late_task(world: Any, ten_tasks: Any, leaders: Any) -> None:
    score(world, H2, {world.commune: 93, world.sibling: 93, world.third: 93})
    report_tasks(world, H2, [world.sibling, world.third], {})  # Ia Dom's values: none at all
    from kpixa.reporting.models import ReportedValue

    ReportedValue.objects.filter(commune=world.commune).delete()
    evaluate_period("test_kpi", H2, "52")
    ia_dom = CommuneEvaluation.objects.get(commune=world.commune)
    assert (ia_dom.tasks_total, ia_dom.tasks_late, ia_dom.classification) == (10, 10, "khong_hoan_thanh")


# --- 2. quota groups ----------------------------------------------------------------------------


def _quota_world(world: Any) -> dict[str, Commune]:
    border = PeerGroup.objects.create(code="bien_gioi", name="Biên giới")
    mountain = PeerGroup.objects.create(code="mien_nui", name="Miền núi")
    communes = {}
    for i in range(1, 7):
        commune = Commune.objects.create(
            code=f"9970{i}", name=f"Xã N {i}", kind=CommuneKind.XA, province=world.province
        )
        commune.peer_groups.add(mountain, *([border] if i <= 5 else []))
        person = Person.objects.create(full_name=f"Bí thư {commune.code}", province=world.province)
        Tenure.objects.create(commune=commune, post=PostKind.SECRETARY, person=person, start="2024-01-01")
        communes[commune.code] = commune
    return communes


def _dvc766(world: Any, dossiers: dict[Commune, tuple[int, int]]) -> None:
    install_framework((SHIPPED / "dvc766.yaml").read_text("utf-8"), activate=True, source_name="dvc766.yaml")
    counts = {c.pk: {"dossiers.on_time": on, "dossiers.total": all_} for c, (on, all_) in dossiers.items()}
    measures = lambda ids, start, end: {i: counts[i] for i in ids if i in counts}  # noqa: E731
    compute_scores("dvc766", H2, "52", providers=Providers(measures=measures, reported=lambda ids, p: {}))


def test_it_counts_the_quota_in_each_communes_first_peer_group(world: Any, test_kpi: Any) -> None:
    c = _quota_world(world)
    admin = world.users["province_admin"]
    set_quota_peer_groups(world.province, ["bien_gioi", "mien_nui"], admin)
    totals = {c["99703"]: 96, **{c[k]: 95 for k in ("99701", "99702", "99704", "99705", "99706")}}
    score(world, H2, totals)
    # 2.1 on-time rates and late dossiers: 99701 98% (2 late), 99702 98% (1 late), 99703 90%,
    # 99704 99%, 99705 same as 99702, 99706 alone in "mien_nui".
    on_time = {"99701": (98, 100), "99702": (49, 50), "99703": (90, 100), "99704": (99, 100)}
    _dvc766(world, {c[k]: v for k, v in {**on_time, "99705": (49, 50), "99706": (49, 50)}.items()})
    evaluate_period("test_kpi", H2, "52", admin)
    for le in LeaderEvaluation.objects.all():
        _enter(le, admin)
    evaluate_period("test_kpi", H2, "52", admin)
    rows = {le.commune.code: le for le in LeaderEvaluation.objects.select_related("commune")}
    # Border group (5, 1 may stay excellent): higher total, then higher 2.1, then fewer late, then code.
    assert rows["99703"].quota_outcome == "kept"
    order = {code: position for position, code in enumerate(["99704", "99702", "99705", "99701"], start=2)}
    for code, position in order.items():
        assert rows[code].quota_outcome == "demoted"
        assert f"xếp thứ {position}, hạn mức 1" in rows[code].explanation_vi
    # 99706 is in "mien_nui" only: a group of its own (1 × 20% → 0 excellent), first in it.
    assert "xếp thứ 1, hạn mức 0" in rows["99706"].explanation_vi


def test_it_refuses_an_unknown_quota_peer_group(world: Any) -> None:
    with pytest.raises(EvaluationError, match="khong_co"):
        set_quota_peer_groups(world.province, ["khong_co"])


# --- 3. the leader framework in force ----------------------------------------------------------


LEADER_TEST = (
    (SHIPPED / "leader-nd335.yaml")
    .read_text("utf-8")
    .replace("code: leader_nd335", "code: leader_test")
    .replace("valid_from: 2026-01-01", "valid_from: 2024-01-01")
    .replace("framework.kpi_xa_example.total", "framework.test_kpi.total")
    .replace("max: 30", "max: 20")
    .replace("denominator: 30\n        max_points: 30", "denominator: 20\n        max_points: 20")
    .replace("max: 70", "max: 80")
    .replace("max_points: 70", "max_points: 80")
    .replace("points: (a + b + c + d + dd + e) / 6 * 70", "points: (a + b + c + 2 * d + dd + e) / 7 * 80")
)


def test_it_reads_the_shipped_leader_framework() -> None:
    formula = leader_formula(load_framework((SHIPPED / "leader-nd335.yaml").read_text("utf-8"), "x.yaml"))
    assert (formula.general_max, formula.results_max, formula.capped_by_unit) == (30, 70, True)
    assert formula.unit_framework == "kpi_xa_example" and formula.source == "leader_nd335 2026"


def test_it_rates_leaders_by_the_leader_framework_in_force(world: Any, test_kpi: Any, leaders: Any) -> None:
    install_framework(LEADER_TEST, activate=True, source_name="leader-test.yaml")
    ProvincePolicy.objects.create(province=world.province, leader_framework_code="leader_test")
    admin = world.users["province_admin"]
    score(world, H2, {world.commune: 72, world.sibling: 75, world.third: 60})
    evaluate_period("test_kpi", H2, "52", admin)
    le = LeaderEvaluation.objects.get(commune=world.commune, post=PostKind.SECRETARY)
    _enter(le, admin)
    le.refresh_from_db()
    # general capped at the file's 20; results (100×5 + 2×72)/7 × 80% = 73.60 → 93.60.
    assert (le.total, le.result_points) == (Decimal("93.60"), Decimal("73.60"))
    assert (le.points_classification, le.classification) == ("xuat_sac", "tot")
    assert "công thức của bộ chỉ số leader_test 2026" in le.explanation_vi


def test_it_keeps_the_engine_formula_when_the_leader_file_rates_another_framework(
    world: Any, test_kpi: Any, leaders: Any
) -> None:
    install_framework(
        LEADER_TEST.replace("framework.test_kpi.total", "framework.kpi_xa_example.total"),
        activate=True,
        source_name="leader-test.yaml",
    )
    ProvincePolicy.objects.create(province=world.province, leader_framework_code="leader_test")
    admin = world.users["province_admin"]
    score(world, H2, {world.commune: 72, world.sibling: 75, world.third: 60})
    evaluate_period("test_kpi", H2, "52", admin)
    le = LeaderEvaluation.objects.get(commune=world.commune, post=PostKind.SECRETARY)
    _enter(le, admin)
    le.refresh_from_db()
    assert le.total == Decimal("96.73")  # 30 + (500 + 72)/6 × 70%


# --- 4. an upheld appeal's revision recomputes the leaders ------------------------------------


def test_it_recomputes_leader_ratings_in_an_appeal_revision(world: Any, test_kpi: Any, leaders: Any) -> None:
    admin = world.users["province_admin"]
    q3 = "2025-Q3"
    score(world, q3, {world.commune: 92, world.sibling: 70, world.third: 60})
    evaluate_period("test_kpi", q3, "52", admin)
    le = LeaderEvaluation.objects.get(commune=world.commune, post=PostKind.SECRETARY, period__code=q3)
    _enter(le, admin)
    evaluate_period("test_kpi", q3, "52", admin)
    lifecycle.close_period(admin, world.province, q3)
    first = lifecycle.publish_period(admin, world.province, q3)
    entry = next(e for e in first.content["leader_evaluations"] if e["person"] == le.person_id)
    # 30 + (500 + 92)/6 × 70% = 99.07; alone among rated xã leaders: floor(20% × 1) = 0 → "tốt".
    assert (entry["total"], entry["classification"]) == ("99.07", "tot")
    leader = world.users[Role.COMMUNE_LEADER]
    appeal = appeals.file_appeal(leader, world.commune, q3, "test_kpi", "1.1", "Số liệu sai")
    # 1.1 had 82 points; corrected to 52 → total 62, "hoàn thành".
    revision = appeals.uphold_appeal(admin, appeal, "Đối chiếu lại", Decimal(52))
    entry = next(e for e in revision.content["leader_evaluations"] if e["person"] == le.person_id)
    # d = 62: 30 + (500 + 62)/6 × 70% = 95.57, capped by the corrected class.
    assert (entry["total"], entry["classification"]) == ("95.57", "hoan_thanh")
    commune = next(e for e in revision.content["commune_evaluations"] if e["commune"] == "23872")
    assert (commune["total"], commune["classification"]) == ("62.00", "hoan_thanh")
    fields = {c["field"]: (c["before"], c["after"]) for c in revision.changes if c["commune"] == "23872"}
    assert fields[f"leader.secretary.{le.person_id}.total"] == ("99.07", "95.57")
    assert fields[f"leader.secretary.{le.person_id}.classification"] == ("tot", "hoan_thanh")
    assert fields["evaluation.classification"] == ("xuat_sac", "hoan_thanh")
