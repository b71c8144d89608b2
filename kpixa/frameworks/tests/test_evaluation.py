from datetime import date
from decimal import Decimal
from pathlib import Path

from kpixa.rules.tenure import days_served, is_judged, served_share
from kpixa.scoring.engine.core import UnitInfo, score_unit
from kpixa.scoring.engine.evaluation import (
    DISMISSAL,
    RELIEF_377,
    TRANSFER_OR_RELIEF,
    WARNING,
    CommuneOutcome,
    LeaderCriteria,
    QuotaCandidate,
    apply_excellent_quota,
    leader_score,
    propose_consequences,
    rate_leader,
)
from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.model import EvaluationRules

D = Decimal
CRITERIA = LeaderCriteria(general=D(28), a=D(100), b=D(90), c=D(95), dd=D(90), e=D(95))


def test_it_scores_a_leader_by_the_decree_335_formula() -> None:
    # 28 + (100 + 90 + 95 + 80 + 90 + 95) / 6 × 70 = 28 + 550/6 × 0.7 = 92.17
    assert leader_score(CRITERIA, D(80)) == D("92.17")


def test_it_agrees_with_the_shipped_leader_framework() -> None:
    path = Path(__file__).resolve().parents[1] / "shipped" / "leader-nd335.yaml"
    framework = load_framework(path.read_text("utf-8"), path.name)
    inputs = {
        "reported.leader_general": 28,
        "reported.leader_quantity": 100,
        "reported.leader_quality": 90,
        "reported.leader_timeliness": 95,
        "framework.kpi_xa_example.total": 80,
        "reported.leader_organising": 90,
        "reported.leader_uniting": 95,
    }
    score = score_unit(framework, UnitInfo("p1", "Nguyễn Văn A", "xa"), inputs)
    assert score.total == leader_score(CRITERIA, D(80))


def test_it_explains_the_leader_score_with_the_configured_results_maximum() -> None:
    full = LeaderCriteria(general=D(20), a=D(100), b=D(100), c=D(100), dd=D(100), e=D(100))
    rating = rate_leader(full, D(100), "xuat_sac", rules=EvaluationRules(leader_results_max=D(60)))
    assert rating.score == D(80)
    assert "/6 × 60% = 80,00 điểm" in rating.explanation and "70%" not in rating.explanation
    assert "/6 × 70% = 92,17 điểm" in rate_leader(CRITERIA, D(80), "xuat_sac").explanation


def test_it_caps_the_leader_at_the_communes_class() -> None:
    rating = rate_leader(CRITERIA, D(80), commune_class="tot")
    assert rating.uncapped.code == "xuat_sac" and rating.classification.code == "tot" and rating.capped
    assert "không xếp loại cao hơn đơn vị" in rating.explanation
    free = rate_leader(CRITERIA, D(80), "tot", rules=EvaluationRules(leader_capped_by_unit=False))
    assert free.classification.code == "xuat_sac" and not free.capped


def test_it_judges_a_leader_who_changed_mid_period_only_for_half_the_period_or_more() -> None:
    q3 = (date(2025, 7, 1), date(2025, 9, 30))
    outgoing = days_served(date(2020, 1, 1), date(2025, 8, 15), *q3)
    incoming = days_served(date(2025, 8, 16), None, *q3)
    assert (outgoing, incoming) == (46, 46)
    assert days_served(date(2025, 10, 1), None, *q3) == 0
    assert served_share(46, 92) == D("0.5") and is_judged(served_share(46, 92))
    assert served_share(45, 92) == D("0.4891") and not is_judged(served_share(45, 92))


def test_it_applies_the_excellent_quota_with_the_tie_break() -> None:
    group = [
        QuotaCandidate("a", "mien_nui", D(95), "xuat_sac", D(98), 3),
        QuotaCandidate("b", "mien_nui", D(95), "xuat_sac", D(99), 5),
        QuotaCandidate("c", "mien_nui", D(95), "xuat_sac", D(99), 2),
        QuotaCandidate("d", "mien_nui", D(96), "xuat_sac", D(90), 9),
    ] + [QuotaCandidate(f"g{i}", "mien_nui", D(80), "tot") for i in range(6)]
    decisions = {d.code: d for d in apply_excellent_quota(group)}
    # 10 rated good or better → 2 may stay excellent: d (highest total), then c (same total and
    # rate as b but fewer late dossiers).
    assert [c for c, d in decisions.items() if d.class_code == "xuat_sac"] == ["d", "c"]
    assert decisions["b"].lowered and decisions["b"].class_code == "tot"
    assert "xếp thứ 3, hạn mức 2" in decisions["b"].reason
    assert decisions["g0"].class_code == "tot" and not decisions["g0"].lowered


def test_it_breaks_full_ties_by_unit_code_and_keeps_groups_apart() -> None:
    same = [
        QuotaCandidate(c, g, D(92), "xuat_sac", D(95), 1) for c, g in [("z", "x"), ("y", "x"), ("w", "y")]
    ]
    others = [QuotaCandidate(f"t{i}", "x", D(75), "tot") for i in range(3)]
    decisions = {d.code: d.class_code for d in apply_excellent_quota(same + others)}
    assert decisions["y"] == "xuat_sac" and decisions["z"] == "tot"
    assert decisions["w"] == "tot"  # a group of one: floor(20% × 1) = 0


def test_it_proposes_a_warning_and_both_leaders_leaving_when_the_commune_fails() -> None:
    outcome = CommuneOutcome("Quý III/2025", D("45.5"), "khong_hoan_thanh", {})
    proposals = propose_consequences(outcome)
    assert [(p.kind, p.subject) for p in proposals] == [
        (WARNING, "commune"),
        (TRANSFER_OR_RELIEF, "secretary"),
        (TRANSFER_OR_RELIEF, "chairman"),
    ]
    assert "cùng lên đường" in proposals[1].reason and "45,50" in proposals[1].reason
    off = EvaluationRules(joint_departure_enabled=False)
    assert [p.kind for p in propose_consequences(outcome, off)] == [WARNING]
    stricter = EvaluationRules(joint_departure_below_total=D(70))
    passing = CommuneOutcome("Quý III/2025", D(65), "hoan_thanh", {})
    assert [p.kind for p in propose_consequences(passing, stricter)] == [TRANSFER_OR_RELIEF] * 2
    assert propose_consequences(passing) == []


def test_it_proposes_dismissal_after_two_failed_years_in_a_row() -> None:
    history = {
        "secretary": {2024: "khong_hoan_thanh", 2025: "khong_hoan_thanh"},
        "chairman": {2023: "khong_hoan_thanh", 2024: "hoan_thanh", 2025: "khong_hoan_thanh"},
    }
    proposals = propose_consequences(CommuneOutcome("Năm 2025", D(60), "hoan_thanh", history))
    assert [(p.kind, p.subject) for p in proposals] == [(DISMISSAL, "secretary")]
    assert "2024, 2025" in proposals[0].reason


def test_it_applies_regulation_377() -> None:
    outcome = CommuneOutcome(
        "Năm 2025",
        D(75),
        "tot",
        {},
        targets_met_percent=D(65),
        basic_targets_met={"growth_rate": True, "budget_revenue": False},
    )
    proposals = propose_consequences(outcome)
    assert [p.kind for p in proposals] == [RELIEF_377, RELIEF_377]
    assert "65,00% chỉ tiêu năm" in proposals[0].reason and "thu ngân sách nhà nước" in proposals[0].reason
    fine = CommuneOutcome(
        "Năm 2025", D(75), "tot", {}, D(80), dict.fromkeys(EvaluationRules().reg377_basic_targets, True)
    )
    assert propose_consequences(fine) == []
