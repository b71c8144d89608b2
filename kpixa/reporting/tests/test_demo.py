"""The reporting demo step: every commune's 2025-H2 values reported and approved, idempotently."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from kpixa.accounts.models import AuditEntry, Role, User
from kpixa.reporting import demo, queries
from kpixa.reporting.evidence import PDF, sniff
from kpixa.reporting.models import Evidence, ReportedValue, SubmissionDeadline, ValueStatus
from kpixa.scoring.engine.periods import parse_period

H2 = parse_period("2025-H2")


def _counts() -> tuple[int, int, int, int, int]:
    return (
        ReportedValue.objects.count(),
        Evidence.objects.count(),
        AuditEntry.objects.count(),
        User.objects.count(),
        SubmissionDeadline.objects.count(),
    )


@pytest.mark.django_db
def test_it_reports_and_approves_every_required_value(world: Any, frameworks: Any) -> None:
    created = demo.seed_reporting_demo()

    required = {m.code for m in queries.required_measures(H2)}
    values = list(ReportedValue.objects.filter(period_code="2025-H2"))
    assert created == len(values) == 3 * len(required)
    assert {v.status for v in values} == {ValueStatus.APPROVED}
    assert {v.measure for v in values} == required
    assert Evidence.objects.filter(value__in=values).count() == len(values)
    assert {v.reviewed_by_id for v in values} == {world.users["province_admin"].pk}  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_it_reports_by_each_communes_officer(world: Any, frameworks: Any) -> None:
    demo.seed_reporting_demo()

    by_commune = dict(ReportedValue.objects.values_list("commune__code", "submitted_by__username").distinct())
    assert by_commune == {"23872": "commune_officer", "23869": "officer_23869", "21553": "officer_21553"}
    created = User.objects.get(username="officer_23869")
    assert created.role == Role.COMMUNE_OFFICER and not created.has_usable_password()


@pytest.mark.django_db
def test_it_is_idempotent(world: Any, frameworks: Any) -> None:
    demo.seed_reporting_demo()
    before = _counts()

    assert demo.seed_reporting_demo() == 0
    assert _counts() == before


@pytest.mark.django_db
def test_it_sets_the_default_deadline_and_backdates_to_january(world: Any, frameworks: Any) -> None:
    demo.seed_reporting_demo()

    due = SubmissionDeadline.objects.get(province=world.province, period_code="2025-H2").due_on
    assert due == queries.default_deadline(H2)
    for value in ReportedValue.objects.all():
        submitted = timezone.localtime(value.first_submitted_at).date()
        assert date(2026, 1, 1) < submitted <= due
        assert value.reviewed_at is not None and value.reviewed_at > value.submitted_at


@pytest.mark.django_db
def test_it_counts_late_communes_as_late_for_scoring(world: Any, frameworks: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "LATE_SHARE", 0.5)  # 2 of the 3 communes submit one or two values late

    demo.seed_reporting_demo()

    scored = queries.reported_values([c.pk for c in (world.commune, world.sibling, world.third)], "2025-H2")
    late = sorted(int(v["reported.values_required"] - v["reported.values_on_time"]) for v in scored.values())
    assert late[0] == 0 and 1 <= late[1] <= late[2] <= 2
    assert ReportedValue.objects.filter(comment__startswith="Nộp bổ sung").count() == sum(late)


def test_it_assigns_fixed_shares_of_late_and_missing_communes() -> None:
    kinds = demo.behaviours([str(23000 + n) for n in range(135)])

    assert Counter(kinds.values()) == {demo.ON_TIME: 114, demo.LATE: 14, demo.MISSING: 4, demo.VERY_LATE: 3}


@pytest.mark.django_db  # the submission days come from the working-day calendar, read from the database
def test_it_plans_the_same_values_on_every_run() -> None:
    measures = ["budget_revenue", "budget_revenue_plan", "growth_rate", "growth_rate_target", "x"]
    due = date(2026, 1, 8)
    first = demo.plan_for("23872", measures, demo.VERY_LATE, H2, due)

    assert first == demo.plan_for("23872", measures, demo.VERY_LATE, H2, due)
    assert len(first.late) in (3, 4) and not first.missing
    late_days = {timezone.localtime(first.submitted_at[m]).date() for m in first.late}
    assert all(due < day <= date(2026, 1, 30) for day in late_days)
    assert 85 <= first.values["budget_revenue"] * 100 / first.values["budget_revenue_plan"] <= 115


def test_it_builds_a_pdf_the_evidence_check_accepts(world: Any) -> None:
    import io

    content = demo.evidence_pdf(world.commune, H2)

    assert sniff(io.BytesIO(content)) == PDF
    assert content.rstrip().endswith(b"%%EOF") and b"/Count 1" in content
