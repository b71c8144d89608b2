"""Calendar exceptions in the database: honoured by get_calendar, cache invalidation, admin, audit."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kpixa.accounts.models import AuditEntry, User
from kpixa.workdays import services
from kpixa.workdays.admin import PROVINCE_ADMIN_PERMISSIONS
from kpixa.workdays.calendar import VN_TZ, get_calendar
from kpixa.workdays.models import CalendarException, ExceptionKind

ADD_URL = "/admin/workdays/calendarexception/add/"
TUESDAY = date(2026, 3, 10)
SATURDAY = date(2026, 3, 14)


def grant_calendar_permissions(user: User) -> None:
    for app_label, codename in PROVINCE_ADMIN_PERMISSIONS:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@pytest.mark.django_db
def test_it_honours_database_exceptions_in_the_shared_calendar() -> None:
    CalendarException.objects.create(day=TUESDAY, kind=ExceptionKind.DAY_OFF, reason="Nghỉ bù")
    CalendarException.objects.create(day=SATURDAY, kind=ExceptionKind.WORKING_DAY, reason="Làm bù")
    cal = get_calendar()
    assert not cal.is_working_day(TUESDAY)
    assert cal.is_working_day(SATURDAY)
    start = datetime(2026, 3, 9, 9, tzinfo=VN_TZ)
    assert cal.due_at(start, 1, "ngay_lam_viec") == datetime(2026, 3, 11, 9, tzinfo=VN_TZ)


@pytest.mark.django_db
def test_it_rebuilds_the_cached_calendar_when_an_exception_changes() -> None:
    assert get_calendar() is get_calendar()
    assert get_calendar().is_working_day(TUESDAY)
    exception = CalendarException.objects.create(day=TUESDAY, kind=ExceptionKind.DAY_OFF, reason="Nghỉ")
    assert not get_calendar().is_working_day(TUESDAY)
    exception.delete()
    assert get_calendar().is_working_day(TUESDAY)


@pytest.mark.django_db
def test_it_derives_the_year_and_refuses_exceptions_that_change_nothing() -> None:
    exception = CalendarException.objects.create(
        day=SATURDAY, kind=ExceptionKind.WORKING_DAY, reason="Làm bù"
    )
    assert exception.year == 2026
    with pytest.raises(ValidationError):
        CalendarException(day=TUESDAY, kind=ExceptionKind.WORKING_DAY, reason="x").full_clean()
    with pytest.raises(ValidationError):
        CalendarException(day=date(2026, 2, 17), kind=ExceptionKind.DAY_OFF, reason="Tết").full_clean()


@pytest.mark.django_db
def test_it_audits_exceptions_set_and_removed_by_services(world) -> None:  # type: ignore[no-untyped-def]
    admin = world.users["province_admin"]
    services.set_exception(TUESDAY, ExceptionKind.DAY_OFF, "Nghỉ thêm", actor=admin)
    services.set_exception(SATURDAY, ExceptionKind.WORKING_DAY, "Làm bù", actor=admin)
    assert not get_calendar().is_working_day(TUESDAY)
    assert services.remove_exception(TUESDAY, actor=admin)
    assert not services.remove_exception(TUESDAY, actor=admin)
    assert get_calendar().is_working_day(TUESDAY)
    actions = list(
        AuditEntry.objects.filter(object_type="workdays.CalendarException").values_list("action", flat=True)
    )
    assert actions == ["workdays.exception_set", "workdays.exception_set", "workdays.exception_removed"]


@pytest.mark.django_db
def test_it_lets_a_superuser_add_an_exception_in_the_admin(client, world) -> None:  # type: ignore[no-untyped-def]
    admin = User.objects.create_superuser(username="root_calendar", password=None)
    client.force_login(admin)
    data = {"day": "14/03/2026", "kind": "working_day", "reason": "Làm bù cho ngày nghỉ"}
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_calendar().is_working_day(SATURDAY)
    entry = AuditEntry.objects.get(action="admin.add")
    assert entry.actor == admin
    assert entry.after is not None and entry.after["day"] == "2026-03-14"
    assert client.get("/admin/workdays/calendarexception/").status_code == 200


@pytest.mark.django_db
def test_it_shows_a_province_admin_the_national_calendar_read_only(client, world) -> None:  # type: ignore[no-untyped-def]
    admin = world.users["province_admin"]
    grant_calendar_permissions(admin)
    client.force_login(admin)
    response = client.post(ADD_URL, {"day": "14/03/2026", "kind": "working_day", "reason": "Làm bù"})
    assert response.status_code == 403  # the calendar is national: superusers only
    assert not CalendarException.objects.exists()
    assert client.get("/admin/workdays/calendarexception/").status_code == 200


@pytest.mark.django_db
def test_it_refuses_the_admin_to_staff_without_the_permission(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = User.objects.create_user(username="staff_no_perm", password="x-Passw0rd-42", is_staff=True)
    client.force_login(staff)
    response = client.post(ADD_URL, {"day": "14/03/2026", "kind": "working_day", "reason": "x"})
    assert response.status_code == 403
    assert not CalendarException.objects.exists()


@pytest.mark.django_db
def test_it_lists_a_years_departures_from_monday_to_friday() -> None:
    CalendarException.objects.create(day=TUESDAY, kind=ExceptionKind.DAY_OFF, reason="Nghỉ thêm")
    out = StringIO()
    call_command("calendar_year", "2026", stdout=out)
    lines = out.getvalue().splitlines()
    assert "10/03/2026 nghỉ       Nghỉ thêm" in lines
    assert any(line.startswith("22/08/2026 làm việc") and "31/08/2026" in line for line in lines)
    assert any(line.startswith("17/02/2026 nghỉ") for line in lines)
    assert not any(line.startswith("14/03/2026") for line in lines)
