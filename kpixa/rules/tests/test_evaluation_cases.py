"""The shared table of legal cases for communes and leaders (kpixa/rules/cases/evaluation_cases.yaml)
against the pure rules: Decree 335 and Regulation 366 ratings, the quota, tenure and the
consequences (docs/rules.md, "Evaluation of communes and leaders")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import kpixa.rules
from kpixa.rules import consequences as cons
from kpixa.rules import leaders, quota335, tenure
from kpixa.rules.quota import QuotaCandidate

CASES_FILE = Path(kpixa.rules.__file__).parent / "cases" / "evaluation_cases.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def tasks(value: list[int] | None) -> leaders.Tasks | None:
    return None if value is None else leaders.Tasks(*value)


def inputs(raw: dict[str, Any]) -> leaders.LeaderInputs:
    return leaders.LeaderInputs(
        general=dec(raw.get("general")),
        tasks=tasks(raw.get("tasks")),
        subordinates_not_completed=raw.get("subordinates_not_completed"),
        organising=dec(raw.get("organising")),
        uniting=dec(raw.get("uniting")),
        disciplines=tuple(leaders.Discipline(*d) for d in raw.get("disciplines", [])),
        degradation=raw.get("degradation", False),
        corruption_in_unit=raw.get("corruption_in_unit", False),
        subordinates_disciplined=raw.get("subordinates_disciplined", 0),
    )


def check_rating(rating: leaders.Rating, expect: dict[str, Any]) -> None:
    if "total" in expect:
        assert rating.total == dec(expect["total"])
    if "class" in expect:
        assert rating.classification == expect["class"]
    values = {c.name: c.value for c in rating.criteria}
    for name, value in expect.get("criteria", {}).items():
        assert str(values[name]) == value, name
    rules = {r.rule for r in rating.reasons}
    assert set(expect.get("reasons", [])) <= rules
    assert all(r.article for r in rating.reasons)
    for rule, article in expect.get("articles", {}).items():  # the exact article and clause cited
        assert any(article in r.article for r in rating.reasons if r.rule == rule), (rule, article)
    cited = {c.name: c.article for c in rating.criteria}
    for name, article in expect.get("criterion_articles", {}).items():
        assert article in cited[name], (name, article)


def run_leader(case: dict[str, Any]) -> None:
    rating = leaders.rate_leader(case["regime"], inputs(case["inputs"]), case["period_end"])
    assert rating.regime == case["regime"]
    check_rating(rating, case["expect"])


def run_commune(case: dict[str, Any]) -> None:
    rating = leaders.rate_commune(
        dec(case["total"]), tasks(case["tasks"]), case.get("subordinates_disciplined", 0)
    )
    check_rating(rating, case["expect"])


def run_quota(case: dict[str, Any]) -> None:
    candidates = [
        QuotaCandidate(str(c[0]), str(c[1]), Decimal(c[2]), c[3], dec(c[4]) if len(c) > 4 else None, *c[5:6])
        for c in case["candidates"]
    ]
    results = quota335.apply_quota(candidates, Decimal(case["percent"]), case.get("exceptions"))
    by_code = {r.code: r for r in results}
    assert len(by_code) == len(candidates)
    for code, class_code in case["expect"].items():
        assert by_code[code].class_code == class_code, code
    assert sorted(r.code for r in results if r.lowered) == sorted(case["lowered"])
    rules = {r.reason.rule for r in results if r.reason}
    assert set(case.get("reasons", [])) <= rules
    for rule, article in case.get("articles", {}).items():
        assert any(r.reason and r.reason.rule == rule and article in r.reason.article for r in results)


def run_tenure(case: dict[str, Any]) -> None:
    start, end = case["period"]
    days = tenure.days_served(case["tenure"][0], case["tenure"][1], start, end)
    assert days == case["expect"]["days"]
    share = tenure.served_share(days, (end - start).days + 1)
    assert tenure.is_judged(share) is case["expect"]["judged"]


def run_consequences(case: dict[str, Any]) -> None:
    people = tuple(
        cons.LeaderFacts(
            post=p["post"],
            classification=p["class"],
            yearly_classes=p.get("years", {}),
            in_post_since=p.get("since"),
            low_confidence_share=dec(p.get("low_confidence")),
        )
        for p in case.get("leaders", [])
    )
    facts = cons.CommuneFacts(
        period_kind=case["period_kind"],
        period_end=case["period_end"],
        total=dec(case["total"]),
        classification=case["class"],
        leaders=people,
        targets_percent=dec(case.get("targets")),
        basic_targets_missed=tuple(case.get("basic_missed", [])),
        slow_petitions=case.get("slow_petitions", False),
        security_hot_spot=case.get("security_hot_spot", False),
        force_majeure=case.get("force_majeure", False),
    )
    raw = case.get("policy")
    policy = None
    if raw is not None:
        policy = cons.JointPolicy(
            enabled=raw["enabled"],
            citation=raw.get("citation", ""),
            period_kind=raw.get("period_kind", cons.YEAR),
            below_total=dec(raw.get("below_total")),
        )
    proposed = cons.propose(facts, policy)
    assert sorted(f"{c.kind}:{c.post}:{c.reason.rule}" for c in proposed) == sorted(case["expect"])
    assert all(c.reason.article and c.reason.text for c in proposed)


RUNNERS = {
    "leader": run_leader,
    "commune": run_commune,
    "quota": run_quota,
    "tenure": run_tenure,
    "consequences": run_consequences,
}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_it_decides_each_legal_case_as_the_table_states(case: dict[str, Any]) -> None:
    RUNNERS[case["kind"]](case)


def test_it_holds_at_least_forty_cases_with_unique_ids() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
    assert {c["kind"] for c in CASES} == set(RUNNERS)


def test_it_needs_a_threshold_and_a_citation_before_the_joint_policy_applies() -> None:
    assert cons.JointPolicy(enabled=True).problems() == [
        "chưa đặt ngưỡng điểm của chính sách cùng lên đường",
        "chưa ghi văn bản của tỉnh ban hành chính sách cùng lên đường",
    ]
    assert cons.JointPolicy().below_total is None
    assert cons.JointPolicy().period_kind == cons.YEAR


def test_it_keeps_the_quota_ratio_in_the_result() -> None:
    for good in range(0, 40):
        for excellent in range(0, 12):
            k = quota335.allowance(good, excellent)
            assert k * 100 <= 20 * (good + excellent - k)
            if k < excellent:
                assert (k + 1) * 100 > 20 * (good + excellent - k - 1)


def test_it_refuses_an_unknown_regime() -> None:
    with pytest.raises(ValueError, match="regime"):
        leaders.rate_leader("nd90", leaders.LeaderInputs(), date(2026, 12, 31))
