"""The province admin's evaluation input page: reachable from the period page, the admin of the
province only, adds and removes inputs through the audited services, query count pinned."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from kpixa.accounts.models import AuditEntry, Role
from kpixa.evaluations.models import EvaluationInput, Period
from kpixa.units.models import Person, PostKind, Tenure

PAGE = "/ky-danh-gia/tinh/52/2026-Q1/du-lieu/"


@pytest.fixture
def quarter(world):
    return Period.objects.create(
        province=world.province, code="2026-Q1", kind="quarter", start=date(2026, 1, 1), end=date(2026, 3, 31)
    )


@pytest.fixture
def chairman(world):
    person = Person.objects.create(full_name="Trần Thị Bình", external_id="CB002", province=world.province)
    Tenure.objects.create(
        commune=world.commune, post=PostKind.CHAIRMAN, person=person, start=date(2024, 1, 1)
    )
    return person


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def test_it_is_linked_from_the_period_page(world, quarter):
    page = client_for(world, Role.PROVINCE_ADMIN).get("/ky-danh-gia/tinh/52/2026-Q1/").content.decode()
    assert PAGE in page and "Dữ liệu đánh giá" in page


def test_only_the_provinces_admin_sees_it(world, quarter):
    assert client_for(world, Role.PROVINCE_ADMIN).get(PAGE).status_code == 200
    assert client_for(world, Role.COMMUNE_LEADER).get(PAGE).status_code == 403
    admin = client_for(world, Role.PROVINCE_ADMIN)
    assert admin.get("/ky-danh-gia/tinh/52/khong-phai-ky/du-lieu/").status_code == 404
    assert admin.get("/ky-danh-gia/tinh/66/2026-Q1/du-lieu/").status_code == 404
    assert Client().get(PAGE).status_code == 302


def test_it_adds_an_input_with_its_evidence_and_lists_it(
    world, quarter, chairman, django_assert_max_num_queries
):
    client = client_for(world, Role.PROVINCE_ADMIN)
    data = {
        "commune": world.commune.pk,
        "post": PostKind.CHAIRMAN,
        "person": "CB002",
        "kind": "discipline",
        "value": "canh_cao",
        "day": "12/02/2026",
        "note": "Vi phạm công vụ",
        "evidence": "QĐ 9/QĐ-UBND",
    }
    response = client.post(PAGE, data)
    assert response.status_code == 302
    item = EvaluationInput.objects.get()
    assert (item.value, item.evidence, item.entered_by) == (
        "canh_cao",
        "QĐ 9/QĐ-UBND",
        world.users[Role.PROVINCE_ADMIN],
    )
    assert AuditEntry.objects.filter(action="evaluations.set_input").count() == 1
    with django_assert_max_num_queries(8):
        page = client.get(PAGE).content.decode()
    assert "QĐ 9/QĐ-UBND" in page and "Trần Thị Bình" in page and "12/02/2026" in page


def test_it_shows_why_an_input_is_refused(world, quarter, chairman):
    client = client_for(world, Role.PROVINCE_ADMIN)
    data = {"commune": world.commune.pk, "post": "", "person": "", "kind": "general_points", "value": "20"}
    page = client.post(PAGE, data).content.decode()
    assert "của một lãnh đạo" in page
    assert not EvaluationInput.objects.exists()


def test_it_removes_an_input(world, quarter, chairman):
    client = client_for(world, Role.PROVINCE_ADMIN)
    client.post(PAGE, {"commune": world.commune.pk, "kind": "tasks_assigned", "value": "12"})
    item = EvaluationInput.objects.get()
    assert client.post(f"{PAGE}{item.pk}/xoa/").status_code == 302
    assert not EvaluationInput.objects.exists()
    assert AuditEntry.objects.filter(action="evaluations.delete_input").count() == 1


def test_it_speaks_english_when_asked(world, quarter, settings):
    client = client_for(world, Role.PROVINCE_ADMIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(PAGE).content.decode()
    assert "Evaluation inputs of period 2026-Q1" in page and "Add an input" in page
    refused = client.post(PAGE, {"commune": world.commune.pk, "kind": "general_points", "value": "20"})
    translation.activate(settings.LANGUAGE_CODE)  # the middleware leaves English active in this thread
    assert "This kind is about a leader" in refused.content.decode()


def test_a_period_not_yet_opened_is_opened_by_its_first_input(world):
    client = client_for(world, Role.PROVINCE_ADMIN)
    assert client.get("/ky-danh-gia/tinh/52/2026-Q2/du-lieu/").status_code == 200
    data = {"commune": world.commune.pk, "kind": "tasks_assigned", "value": "4"}
    client.post("/ky-danh-gia/tinh/52/2026-Q2/du-lieu/", data)
    assert EvaluationInput.objects.get().period.code == "2026-Q2"
