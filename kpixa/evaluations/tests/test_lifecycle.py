"""The whole path: report → reject → fix → approve → close → publish → appeal → revise → final,
each step by the right role and refused for the wrong ones; published snapshots never change."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from kpixa.accounts.models import AuditEntry, Notification, NotificationKind, Role, User
from kpixa.evaluations import snapshots
from kpixa.evaluations.models import Appeal, AppealStatus, PeriodState, Snapshot, SnapshotImmutable
from kpixa.evaluations.queries import latest_snapshot, rank_changes
from kpixa.evaluations.services import appeals, lifecycle
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.reporting import services as reporting
from kpixa.reporting.models import ReportingError
from kpixa.reporting.tests.conftest import pdf
from kpixa.scoring.engine.periods import parse_period
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services.scores import compute_scores

Q3 = "2025-Q3"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def role(world, name):
    return world.users[name]


def report(world, commune, measure, value, user=None):
    user = (
        user
        or User.objects.get_or_create(
            username=f"officer_{commune.code}",
            defaults={"role": Role.COMMUNE_OFFICER, "commune": commune, "province": commune.province},
        )[0]
    )
    return reporting.submit_value(user, commune, parse_period(Q3), measure, Decimal(value), "", [pdf()])


def approve_all(world, values):
    for value in values:
        reporting.approve_value(role(world, Role.PROVINCE_ADMIN), value)


@pytest.fixture
def published(world, test_kpi):
    """Ia Dom 80 points, Ia Dơk 70, Quy Nhơn Bắc 60 (test_kpi), closed and published."""
    admin = role(world, Role.PROVINCE_ADMIN)
    for commune, result in ((world.commune, "77.7777"), (world.sibling, "66.6666"), (world.third, "55.5555")):
        approve_all(
            world, [report(world, commune, "result", result), report(world, commune, "budget_revenue", "100")]
        )
    compute_scores("test_kpi", Q3, "52")
    lifecycle.close_period(admin, world.province, Q3)
    return lifecycle.publish_period(admin, world.province, Q3)


def test_the_whole_path_by_the_right_roles(world, test_kpi, django_capture_on_commit_callbacks):
    admin, officer, leader = (
        role(world, r) for r in (Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER)
    )
    # report → reject → fix → approve
    value = report(world, world.commune, "result", "50", user=officer)
    reporting.reject_value(admin, value, "Thiếu biên bản")
    value = report(world, world.commune, "result", "77.7777", user=officer)
    reporting.approve_value(admin, value)
    approve_all(world, [report(world, world.commune, "budget_revenue", "100", user=officer)])
    approve_all(
        world,
        [
            report(world, world.sibling, "result", "88.8888"),
            report(world, world.sibling, "budget_revenue", "100"),
        ],
    )
    compute_scores("test_kpi", Q3, "52")
    totals = dict(UnitScore.objects.filter(period_code=Q3).values_list("commune__code", "total"))
    assert totals["23872"] == Decimal("80.00") and totals["23869"] == Decimal("90.00")
    # close: a value submitted now is kept, flagged, and never counted
    period = lifecycle.close_period(admin, world.province, Q3)
    assert period.state == PeriodState.CLOSED
    late = report(world, world.third, "result", "99", user=None)
    assert late.after_close
    # publish: snapshot revision 1, hash of the canonical content
    snapshot = lifecycle.publish_period(admin, world.province, Q3, days=10)
    assert snapshot.revision == 1 and snapshot.sha256 == snapshots.content_hash(snapshot.content)
    assert {u["commune"]: u["rank"] for u in snapshot.content["units"]} == {
        "23869": 1,
        "23872": 2,
        "21553": None,
    }
    assert Notification.objects.filter(user=leader, kind=NotificationKind.RESULT_PUBLISHED).exists()
    # appeal → uphold → revision 2 with the diff, rank change explained
    appeal = appeals.file_appeal(
        leader, world.commune, Q3, "test_kpi", "1.1", "Số liệu thu thiếu tháng 9", pdf("bo-sung.pdf")
    )
    assert appeal.evidence_type == "application/pdf"
    revision = appeals.uphold_appeal(admin, appeal, "Đã đối chiếu chứng từ", Decimal("85"))
    assert revision.revision == 2 and revision.previous == snapshot and revision.sha256 != snapshot.sha256
    fields = {(c["commune"], c["field"]): (c["before"], c["after"]) for c in revision.changes}
    assert fields[("23872", "1.1.points")] == ("70.00", "85")
    assert fields[("23872", "total")] == ("80.00", "95.00")
    assert fields[("23872", "rank")] == (2, 1) and fields[("23869", "rank")] == (1, 2)
    changes = rank_changes(world.province, Q3, "23872")
    assert [(c.revision, c.before, c.after) for c in changes] == [(2, 2, 1)]
    assert "Đã đối chiếu chứng từ" in changes[0].explanation
    assert latest_snapshot(world.province, Q3) == revision
    assert Notification.objects.filter(user=leader, kind=NotificationKind.APPEAL_DECIDED).exists()
    # final after the window
    with pytest.raises(EvaluationError, match="Chưa hết hạn"):
        lifecycle.finalize_period(admin, world.province, Q3)
    final = lifecycle.finalize_period(
        admin, world.province, Q3, today=timezone.localdate() + timedelta(days=11)
    )
    assert final.state == PeriodState.FINAL
    actions = list(
        AuditEntry.objects.filter(action__startswith="evaluations.").values_list("action", flat=True)
    )
    assert actions == [
        "evaluations.close",
        "evaluations.publish",
        "evaluations.appeal",
        "evaluations.appeal_upheld",
        "evaluations.finalize",
    ]


@pytest.mark.parametrize("name", [Role.PROVINCE_VIEWER, Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER])
def test_only_the_province_admin_moves_the_period(world, test_kpi, name):
    with pytest.raises(EvaluationError, match="quản trị cấp tỉnh"):
        lifecycle.close_period(role(world, name), world.province, Q3)


def test_a_foreign_admin_cannot_close_the_period(world, test_kpi):
    admin66 = User.objects.create(username="admin66", role=Role.PROVINCE_ADMIN, province=world.other_province)
    with pytest.raises(EvaluationError):
        lifecycle.close_period(admin66, world.province, Q3)


def test_it_refuses_steps_out_of_order(world, test_kpi):
    admin = role(world, Role.PROVINCE_ADMIN)
    with pytest.raises(EvaluationError, match="trạng thái"):
        lifecycle.publish_period(admin, world.province, Q3)
    lifecycle.close_period(admin, world.province, Q3)
    with pytest.raises(EvaluationError, match="trạng thái"):
        lifecycle.close_period(admin, world.province, Q3)


@pytest.mark.parametrize("name", [Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER])
def test_only_the_communes_leader_appeals(world, published, name):
    with pytest.raises(EvaluationError, match="lãnh đạo"):
        appeals.file_appeal(role(world, name), world.commune, Q3, "test_kpi", "1.1", "lý do")


def test_a_leader_cannot_appeal_for_another_commune(world, published):
    with pytest.raises(EvaluationError, match="lãnh đạo"):
        appeals.file_appeal(role(world, Role.COMMUNE_LEADER), world.sibling, Q3, "test_kpi", "1.1", "lý do")


def test_appeals_close_with_the_window(world, published):
    published.period.__class__.objects.filter(pk=published.period_id).update(
        appeal_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(EvaluationError, match="hết hạn"):
        appeals.file_appeal(role(world, Role.COMMUNE_LEADER), world.commune, Q3, "test_kpi", "1.1", "lý do")


def test_an_appeal_names_an_indicator_of_the_result(world, published):
    with pytest.raises(EvaluationError, match="không có chỉ số"):
        appeals.file_appeal(role(world, Role.COMMUNE_LEADER), world.commune, Q3, "test_kpi", "9.9", "lý do")


def test_only_the_province_admin_decides_and_a_rejection_keeps_the_result(world, published):
    appeal = appeals.file_appeal(
        role(world, Role.COMMUNE_LEADER), world.commune, Q3, "test_kpi", "1.1", "lý do"
    )
    for name in (Role.PROVINCE_VIEWER, Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER):
        with pytest.raises(EvaluationError):
            appeals.uphold_appeal(role(world, name), appeal, "ok", Decimal(90))
    rejected = appeals.reject_appeal(role(world, Role.PROVINCE_ADMIN), appeal, "Không có căn cứ")
    assert rejected.status == AppealStatus.REJECTED
    assert latest_snapshot(world.province, Q3) == published
    with pytest.raises(EvaluationError, match="đã được giải quyết"):
        appeals.uphold_appeal(role(world, Role.PROVINCE_ADMIN), appeal, "ok", Decimal(90))


def test_a_pending_appeal_blocks_finalising(world, published):
    appeals.file_appeal(role(world, Role.COMMUNE_LEADER), world.commune, Q3, "test_kpi", "1.1", "lý do")
    with pytest.raises(EvaluationError, match="chưa giải quyết"):
        lifecycle.finalize_period(
            role(world, Role.PROVINCE_ADMIN),
            world.province,
            Q3,
            today=timezone.localdate() + timedelta(days=30),
        )


def test_closed_periods_refuse_rescoring_and_approved_values_stay_locked(world, published):
    from kpixa.scoring.versions import ScoringError

    with pytest.raises(ScoringError, match="đã khóa"):
        compute_scores("test_kpi", Q3, "52")
    with pytest.raises(ReportingError, match="đã được duyệt"):
        report(world, world.commune, "result", "100")


def test_the_snapshot_hash_is_the_hash_of_its_content(published):
    stored = Snapshot.objects.get(pk=published.pk)
    assert stored.sha256 == snapshots.content_hash(stored.content)
    assert len(stored.content["units"]) == 3


def test_a_published_snapshot_cannot_change_through_the_model(published):
    published.explanation_vi = "sửa"
    with pytest.raises(SnapshotImmutable):
        published.save()
    with pytest.raises(SnapshotImmutable):
        published.delete()


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_a_published_snapshot_cannot_change_in_the_database(published, operation):
    queryset = Snapshot.objects.filter(pk=published.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        if operation == "update":
            queryset.update(content={"forged": True})
        else:
            queryset.delete()
    assert Snapshot.objects.get(pk=published.pk).sha256 == published.sha256


def test_nothing_is_published_before_publication(world, test_kpi):
    assert latest_snapshot(world.province, Q3) is None
    assert not Appeal.objects.exists()


def test_new_consequence_proposals_notify_the_leaders_and_the_admins(world, test_kpi, leaders):
    from kpixa.evaluations.services.evaluation import evaluate_period
    from kpixa.evaluations.tests.conftest import score

    score(world, Q3, {world.commune: 30, world.sibling: 80, world.third: 90})
    evaluate_period("test_kpi", Q3, "52")
    notes = Notification.objects.filter(kind=NotificationKind.CONSEQUENCE_PROPOSED)
    assert set(notes.values_list("user__username", flat=True)) == {"commune_leader", "province_admin"}
    before = notes.count()
    evaluate_period("test_kpi", Q3, "52")  # re-running proposes nothing new: no new notices
    assert Notification.objects.filter(kind=NotificationKind.CONSEQUENCE_PROPOSED).count() == before > 0
