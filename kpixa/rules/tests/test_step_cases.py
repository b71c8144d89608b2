"""The table of hand-made timelines (kpixa/rules/cases/step_cases.yaml) against the pure
accountability rules (kpixa.rules.steps; docs/rules.md, "Accountability: who made it late,
pass-around, gaming patterns"), normal timelines included: they must not be flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

import kpixa.rules
from kpixa.rules import steps as rules
from kpixa.workdays.calendar import WorkCalendar

CASES_FILE = Path(kpixa.rules.__file__).parent / "cases" / "step_cases.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]
CALENDAR = WorkCalendar(years=range(2025, 2028))


@dataclass
class Step:
    at: datetime | None
    status: int | None
    department: str
    handler: str
    step_due: datetime | None
    title: str = ""


@dataclass
class Supplement:
    requested_at: datetime
    answered_at: datetime | None
    due_before: datetime | None


def dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.strptime(value, "%Y-%m-%d %H:%M")


def must(value: str) -> datetime:
    out = dt(value)
    assert out is not None
    return out


def steps_of(case: dict[str, Any]) -> list[Step]:
    return [Step(dt(a), s, d, h, dt(due)) for a, s, d, h, due in case.get("steps", [])]


def sups_of(case: dict[str, Any]) -> list[Supplement]:
    return [Supplement(must(r), dt(a), dt(b)) for r, a, b in case.get("supplements", [])]


def thresholds(case: dict[str, Any]) -> rules.Thresholds:
    return rules.Thresholds(**case.get("thresholds", {}))


def check_finding(found: rules.Finding | None, expect: dict[str, Any] | None, kind: str) -> None:
    if expect is None:
        assert found is None, found
        return
    assert found is not None
    assert found.kind == kind
    for key, value in expect.items():
        actual = found.reason if key == "reason" else found.evidence[key]
        assert actual == value, key


def run_spans(case: dict[str, Any]) -> None:
    spans = rules.step_spans(CALENDAR, must(case["received"]), steps_of(case), sups_of(case))
    expect = case["expect"]
    if "hours" in expect:
        assert [round(s.hours, 2) for s in spans] == expect["hours"]
    if "late" in expect:
        assert [s.late for s in spans] == expect["late"]
    if "hours_over" in expect:
        assert [round(s.hours_over, 2) for s in spans] == expect["hours_over"]
    if "by_department" in expect:
        assert rules.hours_by_department(spans) == expect["by_department"]


def run_lateness(case: dict[str, Any]) -> None:
    found = rules.who_made_it_late(
        CALENDAR,
        received_at=must(case["received"]),
        effective_due_at=dt(case["due"]),
        end_at=dt(case["end"]),
        steps=steps_of(case),
        supplements=sups_of(case),
        as_of=dt(case.get("as_of")),
        sync_late=case.get("sync_late", False),
    )
    expect = case["expect"]
    assert found.cause == expect["cause"]
    if "overrun_hours" in expect:
        assert round(found.overrun_hours, 2) == expect["overrun_hours"]
    if "departments" in expect:
        assert {k: round(v, 2) for k, v in found.departments.items()} == expect["departments"]


def run_supplements(case: dict[str, Any]) -> None:
    found = rules.supplement_findings(CALENDAR, sups_of(case), dt(case["due"]), thresholds(case))
    assert [f.kind for f in found] == case["expect"]


def run_case(case: dict[str, Any]) -> None:
    check, expect, t = case["check"], case["expect"], thresholds(case)
    if check == "spans":
        run_spans(case)
    elif check == "lateness":
        run_lateness(case)
    elif check == "pass_around":
        check_finding(rules.pass_around(steps_of(case), sups_of(case), t), expect, rules.PASS_AROUND)
    elif check == "supplements":
        run_supplements(case)
    elif check == "due_extended":
        found = rules.due_extended([dt(d) for d in case["history"]], t)
        check_finding(found, expect, rules.DUE_EXTENDED)
    elif check == "backdated_end":
        previous = [dt(d) for d in case.get("previous_ends", [])]
        found = rules.backdated_end(dt(case["end"]), steps_of(case), previous, t)
        check_finding(found, expect, rules.BACKDATED_END)
    elif check == "refused_near_due":
        found = rules.refused_near_due(
            CALENDAR, case["status"], dt(case["end"]), dt(case["due"]), must(case["received"]), t
        )
        check_finding(found, expect, rules.REFUSED_NEAR_DUE)
    elif check == "sync_late":
        found = rules.sync_late(case["synced_on_time"], [dt(d) for d in case["ends"]])
        check_finding(found, expect, rules.SYNC_LATE)
    elif check == "period_end_burst":
        history = [tuple(h) for h in case["history"]]
        found = rules.period_end_burst(case["last_days"], case["total"], history, t)  # type: ignore[arg-type]
        check_finding(found, expect, rules.PERIOD_END_BURST)
    else:  # pragma: no cover
        raise AssertionError(f"unknown check {check}")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_it_applies_the_step_case(case: dict[str, Any]) -> None:
    run_case(case)


def test_it_covers_every_detector_with_a_flagged_and_a_clean_case() -> None:
    checks: dict[str, set[bool]] = {}
    for case in CASES:
        checks.setdefault(case["check"], set()).add(case["expect"] not in (None, []))
    for check in ("pass_around", "supplements", "due_extended", "backdated_end", "refused_near_due",
                  "sync_late", "period_end_burst"):  # fmt: skip
        assert checks[check] == {True, False}, check


def test_it_never_flags_a_normal_path_of_distinct_departments() -> None:
    for n in range(1, 8):
        path = [Step(datetime(2026, 3, 2, 8 + i), 4, f"P{i}", "", None) for i in range(n)]
        assert rules.pass_around(path) is None
