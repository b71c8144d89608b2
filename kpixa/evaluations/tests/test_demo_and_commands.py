"""The demo's publication step and the reminder command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kpixa.accounts.models import Notification, NotificationKind, Role, User
from kpixa.evaluations.demo import demo_admin, publish_demo_periods
from kpixa.evaluations.models import Period, PeriodState, Snapshot
from kpixa.evaluations.tests.conftest import Q3, score
from kpixa.reporting.tests.conftest import frameworks  # noqa: F401 - a fixture


def test_the_demo_publishes_once_and_leaves_other_periods_open(world, test_kpi):
    score(world, Q3, {world.commune: 80, world.sibling: 70})
    score(world, "2025-Q4", {world.commune: 60})
    admin = world.users[Role.PROVINCE_ADMIN]
    assert publish_demo_periods("52", ("2025-09", Q3), admin) == ["2025-09", Q3]
    assert publish_demo_periods("52", ("2025-09", Q3), admin) == []
    assert Snapshot.objects.filter(period__code=Q3).count() == 1
    assert set(Period.objects.filter(state=PeriodState.PUBLISHED).values_list("code", flat=True)) == {
        "2025-09",
        Q3,
    }
    assert not Period.objects.filter(code="2025-Q4").exclude(state=PeriodState.OPEN).exists()


def test_the_demo_finishes_a_period_left_closed(world, test_kpi):
    score(world, Q3, {world.commune: 80})
    admin = world.users[Role.PROVINCE_ADMIN]
    from kpixa.evaluations.services.lifecycle import close_period

    close_period(admin, world.province, Q3)
    assert publish_demo_periods("52", (Q3,), admin) == [Q3]


def test_the_demo_admin_is_the_demo_login(world):
    user = demo_admin(world.province)
    assert (user.username, user.role, user.province, user.has_usable_password()) == (
        "province_admin",
        Role.PROVINCE_ADMIN,
        world.province,
        True,  # the world's own province_admin, reused
    )


def test_the_reminder_command_notifies_officers_of_missing_values(world, frameworks):  # noqa: F811
    User.objects.create(
        username="officer_iadok", role=Role.COMMUNE_OFFICER, commune=world.sibling, province=world.province
    )
    out = StringIO()
    call_command("remind_submissions", "--province", "52", "--period", Q3, stdout=out)
    assert out.getvalue().strip() == "52 2025-Q3: 2 reminders sent"
    assert Notification.objects.filter(kind=NotificationKind.SUBMISSION_DUE).count() == 2
    call_command("remind_submissions", "--province", "52", "--period", Q3, stdout=out)
    assert Notification.objects.filter(kind=NotificationKind.SUBMISSION_DUE).count() == 2


@pytest.mark.parametrize(("province", "period"), [("99", Q3), ("52", "2025-Q9")])
def test_the_reminder_command_refuses_bad_arguments(world, province, period):
    with pytest.raises(CommandError):
        call_command("remind_submissions", "--province", province, "--period", period)
