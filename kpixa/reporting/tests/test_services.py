from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kpixa.accounts.models import AuditEntry, Notification, NotificationKind, Role, User
from kpixa.accounts.notifications import unread_count
from kpixa.evaluations.models import Period
from kpixa.reporting import queries, services
from kpixa.reporting.models import Evidence, ReportedValue, ReportingError, ValueStatus
from kpixa.reporting.tests.conftest import PNG_BYTES, pdf, upload
from kpixa.scoring.engine.periods import parse_period


def officer(world):
    return world.users[Role.COMMUNE_OFFICER]


def admin(world):
    return world.users[Role.PROVINCE_ADMIN]


def submit(world, period, measure="budget_revenue", value="120.5", user=None, files=None):
    return services.submit_value(
        user or officer(world),
        world.commune,
        period,
        measure,
        Decimal(value),
        "theo báo cáo",
        files or [pdf()],
    )


def test_it_lists_the_reported_measures_the_frameworks_in_force_read(frameworks, period):
    codes = [m.code for m in queries.required_measures(period)]
    assert codes[:2] == ["budget_revenue", "budget_revenue_plan"]
    assert {"growth_rate", "staff_trained", "staff_total", "poor_households_reduced"} <= set(codes)
    assert queries.ON_TIME_SHARE not in codes
    assert len(codes) == len(set(codes))


def test_it_lists_nothing_before_any_framework_is_in_force(frameworks):
    assert queries.required_measures(parse_period("2020-Q3")) == []


@pytest.fixture
def w(world, frameworks):
    return world


def test_it_stores_the_value_its_evidence_and_an_audit_entry(w, period):
    value = submit(w, period)
    assert value.status == ValueStatus.SUBMITTED and value.value == Decimal("120.5")
    assert value.evidence.get().content_type == "application/pdf"
    entry = AuditEntry.objects.get(action="reporting.submit")
    assert entry.after is not None
    assert entry.province_code == "52" and entry.actor == officer(w)
    assert entry.after["measure"] == "budget_revenue" and entry.after["evidence"] == [
        value.evidence.get().sha256
    ]


def test_it_needs_at_least_one_evidence_file(w, period):
    with pytest.raises(ReportingError, match="ít nhất một tệp minh chứng"):
        services.submit_value(officer(w), w.commune, period, "budget_revenue", Decimal(1), "", [])
    assert not ReportedValue.objects.exists()


def test_it_refuses_a_bad_file_before_writing_anything(w, period, private_media):
    with pytest.raises(ReportingError, match="không phải PDF"):
        submit(w, period, files=[pdf(), upload("x.pdf", b"<script>")])
    assert not ReportedValue.objects.exists() and not Evidence.objects.exists()
    assert not list(private_media.glob("**/*.pdf"))


def test_it_refuses_measures_no_framework_reads(w, period):
    with pytest.raises(ReportingError, match="không có số liệu"):
        submit(w, period, measure="made_up")


@pytest.mark.parametrize("role", [Role.COMMUNE_LEADER, Role.PROVINCE_VIEWER])
def test_it_refuses_roles_that_do_not_report(w, period, role):
    with pytest.raises(ReportingError, match="không có quyền"):
        submit(w, period, user=w.users[role])


def test_it_refuses_an_officer_of_another_commune(w, period):
    other = User.objects.create(
        username="officer2", role=Role.COMMUNE_OFFICER, commune=w.sibling, province=w.province
    )
    with pytest.raises(ReportingError, match="không có quyền"):
        submit(w, period, user=other)


def test_the_province_admin_may_report_for_a_commune(w, period):
    assert submit(w, period, user=admin(w)).submitted_by == admin(w)


def test_it_walks_reject_fix_approve_and_then_locks(
    w, period, mailoutbox, django_capture_on_commit_callbacks
):
    officer(w).email = "canbo@iadom.example"
    officer(w).save()
    value = submit(w, period)
    with django_capture_on_commit_callbacks(execute=True):
        rejected = services.reject_value(admin(w), value, "Thiếu chữ ký")
    assert rejected.status == ValueStatus.REJECTED
    note = Notification.objects.get(user=officer(w))
    assert note.kind == NotificationKind.VALUE_REJECTED and "Thiếu chữ ký" in note.message_vi
    assert note.link == "/reporting/commune/23872/2025-Q3/"
    assert unread_count(officer(w)) == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["canbo@iadom.example"]
    fixed = submit(w, period, value="121", files=[upload("anh.png", PNG_BYTES)])
    assert fixed.pk == value.pk and fixed.status == ValueStatus.SUBMITTED and fixed.rejection_reason == ""
    assert fixed.evidence.count() == 2 and fixed.first_submitted_at == value.first_submitted_at
    approved = services.approve_value(admin(w), fixed)
    assert approved.status == ValueStatus.APPROVED and approved.reviewed_by == admin(w)
    with pytest.raises(ReportingError, match="đã được duyệt"):
        submit(w, period, value="999")
    approved.value = Decimal(1)
    with pytest.raises(ReportingError, match="đã được duyệt"):
        approved.save()
    with pytest.raises(ReportingError):
        approved.delete()
    actions = list(
        AuditEntry.objects.filter(action__startswith="reporting.").values_list("action", flat=True)
    )
    assert actions == ["reporting.submit", "reporting.reject", "reporting.resubmit", "reporting.approve"]


def test_only_the_province_admin_reviews(w, period):
    value = submit(w, period)
    for role in (Role.PROVINCE_VIEWER, Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER):
        with pytest.raises(ReportingError, match="quản trị cấp tỉnh"):
            services.approve_value(w.users[role], value)
    foreign_admin = User.objects.create(
        username="admin66", role=Role.PROVINCE_ADMIN, province=w.other_province
    )
    with pytest.raises(ReportingError):
        services.reject_value(foreign_admin, value, "không")


def test_a_rejection_needs_a_reason(w, period):
    with pytest.raises(ReportingError, match="lý do"):
        services.reject_value(admin(w), submit(w, period), "  ")


def test_it_reviews_only_values_awaiting_review(w, period):
    value = services.approve_value(admin(w), submit(w, period))
    with pytest.raises(ReportingError, match="đang chờ duyệt"):
        services.approve_value(admin(w), value)


def test_it_defaults_the_deadline_to_five_working_days_after_the_period(w):
    # 2025-Q3 ends on Tuesday 30/9; 1-3/10 (Wed-Fri), 6/10 (Mon), 7/10 (Tue).
    assert queries.default_deadline(parse_period("2025-Q3")) == date(2025, 10, 7)
    # 2025-08 ends on Sunday 31/8; 1 and 2/9 are the National Day holidays.
    assert queries.default_deadline(parse_period("2025-08")) == date(2025, 9, 9)


def test_it_sets_a_deadline_and_audits_it(w, period):
    services.set_deadline(admin(w), w.province, period, date(2025, 10, 15))
    assert queries.deadline_for(w.province, period) == date(2025, 10, 15)
    entry = AuditEntry.objects.get(action="reporting.deadline")
    assert entry.before is not None and entry.after is not None
    assert entry.before["due_on"] == "2025-10-07" and entry.after["due_on"] == "2025-10-15"
    with pytest.raises(ReportingError):
        services.set_deadline(w.users[Role.PROVINCE_VIEWER], w.province, period, date(2025, 10, 20))
    with pytest.raises(ReportingError, match="trước ngày cuối kỳ"):
        services.set_deadline(admin(w), w.province, period, date(2025, 9, 1))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 23, 30))


def test_it_feeds_scoring_approved_values_and_the_on_time_share(w, period):
    required = len(queries.required_measures(period))
    on_time = submit(w, period, "budget_revenue", "90")
    services.approve_value(admin(w), on_time)
    pending = submit(w, period, "budget_revenue_plan", "100")
    late = submit(w, period, "growth_rate", "7")
    services.approve_value(admin(w), late)
    ReportedValue.objects.filter(pk=late.pk).update(first_submitted_at=_at(date(2025, 10, 8)))
    ReportedValue.objects.filter(pk__in=[on_time.pk, pending.pk]).update(
        first_submitted_at=_at(date(2025, 10, 7))
    )
    values = queries.reported_values([w.commune.pk, w.sibling.pk], "2025-Q3")
    mine = values[w.commune.pk]
    assert mine["reported.budget_revenue"] == Decimal("90")
    assert "reported.budget_revenue_plan" not in mine  # not approved yet
    assert mine["reported.growth_rate"] == Decimal("7")  # late but approved: counts as a value
    assert mine["reported.values_required"] == required and mine["reported.values_on_time"] == 2
    assert mine["reported.on_time_share"] == (Decimal(200) / required).quantize(Decimal("0.01"))
    assert values[w.sibling.pk] == {
        "reported.values_required": required,
        "reported.values_on_time": 0,
        "reported.on_time_share": Decimal("0.00"),
    }


def test_it_reads_the_scoring_input_in_a_fixed_number_of_queries(w, period, django_assert_num_queries):
    services.approve_value(admin(w), submit(w, period))
    queries.required_measures(period)
    with django_assert_num_queries(3):
        queries.reported_values([w.commune.pk, w.sibling.pk, w.third.pk], "2025-Q3")


def test_values_submitted_after_the_period_closed_are_kept_flagged_and_not_counted(w, period):
    Period.objects.create(
        province=w.province,
        code="2025-Q3",
        kind="quarter",
        start=period.start,
        end=period.end,
        state="closed",
    )
    value = submit(w, period)
    assert value.after_close
    services.approve_value(admin(w), value)
    values = queries.reported_values([w.commune.pk], "2025-Q3")[w.commune.pk]
    assert "reported.budget_revenue" not in values and values["reported.values_on_time"] == 0


def test_it_shows_late_and_missing_submissions_to_the_province(w, period):
    on_time = submit(w, period, "budget_revenue")
    late = submit(w, period, "growth_rate")
    ReportedValue.objects.filter(pk=late.pk).update(first_submitted_at=_at(date(2025, 10, 8)))
    ReportedValue.objects.filter(pk=on_time.pk).update(first_submitted_at=_at(date(2025, 10, 7)))
    overview = queries.province_overview(w.province, period)
    mine = next(s for s in overview.communes if s.commune == w.commune)
    sibling = next(s for s in overview.communes if s.commune == w.sibling)
    required = len(overview.required)
    assert (mine.submitted, mine.late, mine.missing) == (2, 1, required - 2)
    assert sibling.missing == required
    assert [v.measure for v in overview.pending] == ["budget_revenue", "growth_rate"]
    assert overview.due_on == date(2025, 10, 7)


def test_it_reminds_officers_of_communes_with_missing_values_once_a_day(w, period):
    sibling_officer = User.objects.create(
        username="officer_iadok", role=Role.COMMUNE_OFFICER, commune=w.sibling, province=w.province
    )
    assert services.remind_due_submissions(w.province, period, admin(w)) == 2
    assert services.remind_due_submissions(w.province, period, admin(w)) == 0
    note = Notification.objects.get(user=sibling_officer)
    assert note.kind == NotificationKind.SUBMISSION_DUE and "07/10/2025" in note.message_vi
    assert AuditEntry.objects.filter(action="reporting.remind").count() == 2
    with pytest.raises(ReportingError):
        services.remind_due_submissions(w.province, period, w.users[Role.PROVINCE_VIEWER])


def test_it_treats_a_submission_on_the_deadline_day_as_on_time(w):
    due = date(2025, 10, 7)
    assert not queries.is_late(_at(due), due)
    assert queries.is_late(_at(due) + timedelta(hours=1), due)
