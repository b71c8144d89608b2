from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from kpixa.accounts.models import Role, User
from kpixa.reporting import services
from kpixa.reporting.models import ReportedValue, ValueStatus
from kpixa.reporting.tests.conftest import PDF_BYTES, pdf, upload

SHEET = "/reporting/commune/23872/2025-Q3/"
PROVINCE = "/reporting/province/52/2025-Q3/"


@pytest.fixture
def w(world, frameworks):
    return world


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def submitted(world, period, measure="budget_revenue"):
    return services.submit_value(
        world.users[Role.COMMUNE_OFFICER], world.commune, period, measure, Decimal("5"), "", [pdf()]
    )


def test_the_officer_submits_through_the_sheet(w):
    client = client_for(w, Role.COMMUNE_OFFICER)
    page = client.get(SHEET)
    assert page.status_code == 200 and "budget_revenue" in page.content.decode()
    response = client.post(
        SHEET + "budget_revenue/",
        {"value": "12.5", "comment": "Số liệu quý", "evidence": [pdf(), pdf("b.pdf")]},
    )
    assert response.status_code == 302 and response["Location"] == SHEET
    value = ReportedValue.objects.get()
    assert value.value == Decimal("12.5") and value.evidence.count() == 2
    assert "Số liệu quý" in client.get(SHEET).content.decode()


def test_the_sheet_shows_a_refused_file_with_its_reason(w):
    client = client_for(w, Role.COMMUNE_OFFICER)
    response = client.post(
        SHEET + "budget_revenue/", {"value": "1", "evidence": [upload("x.pdf", b"GIF89a")]}, follow=True
    )
    assert "không phải PDF" in response.content.decode()
    assert not ReportedValue.objects.exists()


def test_the_leader_reads_the_sheet_without_forms(w, period):
    submitted(w, period)
    page = client_for(w, Role.COMMUNE_LEADER).get(SHEET).content.decode()
    assert "bien-ban.pdf" in page and 'enctype="multipart/form-data"' not in page


def test_the_leader_cannot_submit(w):
    response = client_for(w, Role.COMMUNE_LEADER).post(SHEET + "budget_revenue/", {"value": "1"})
    assert response.status_code == 403


def test_it_serves_evidence_as_an_attachment_to_allowed_users_only(w, period):
    item = submitted(w, period).evidence.get()
    url = f"/reporting/evidence/{item.pk}/"
    response = client_for(w, Role.PROVINCE_VIEWER).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    sibling_officer = User.objects.create(
        username="officer_iadok", role=Role.COMMUNE_OFFICER, commune=w.sibling, province=w.province
    )
    other = Client()
    other.force_login(sibling_officer)
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_province_admin_rejects_and_approves_from_the_province_page(w, period):
    first, second = submitted(w, period), submitted(w, period, "growth_rate")
    client = client_for(w, Role.PROVINCE_ADMIN)
    page = client.get(PROVINCE).content.decode()
    assert "Xã Ia Dom" in page and "budget_revenue" in page
    client.post(f"/reporting/value/{first.pk}/reject/", {"reason": "Sai số liệu"})
    client.post(f"/reporting/value/{second.pk}/approve/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ValueStatus.REJECTED and first.rejection_reason == "Sai số liệu"
    assert second.status == ValueStatus.APPROVED
    sheet = client_for(w, Role.COMMUNE_OFFICER).get(SHEET).content.decode()
    assert "Sai số liệu" in sheet


def test_the_viewer_sees_the_province_page_but_cannot_review(w, period):
    value = submitted(w, period)
    client = client_for(w, Role.PROVINCE_VIEWER)
    assert client.get(PROVINCE).status_code == 200
    assert client.post(f"/reporting/value/{value.pk}/approve/").status_code == 403
    value.refresh_from_db()
    assert value.status == ValueStatus.SUBMITTED


def test_a_foreign_admin_cannot_review(w, period):
    value = submitted(w, period)
    admin66 = User.objects.create(username="admin66", role=Role.PROVINCE_ADMIN, province=w.other_province)
    client = Client()
    client.force_login(admin66)
    assert client.post(f"/reporting/value/{value.pk}/approve/").status_code == 404
    assert client.get(PROVINCE).status_code == 404


def test_the_admin_sets_the_deadline_and_reminds(w):
    client = client_for(w, Role.PROVINCE_ADMIN)
    client.post(PROVINCE + "deadline/", {"due_on": "2025-10-20"})
    assert "20/10/2025" in client.get(PROVINCE).content.decode()
    response = client.post(PROVINCE + "remind/", follow=True)
    assert "Đã gửi 1 nhắc nhở" in response.content.decode()


@pytest.mark.parametrize("measures", [["budget_revenue"], ["budget_revenue", "growth_rate", "staff_total"]])
def test_the_province_page_costs_a_fixed_number_of_queries(w, period, measures, django_assert_num_queries):
    for measure in measures:
        submitted(w, period, measure)
    client = client_for(w, Role.PROVINCE_ADMIN)
    client.get(PROVINCE)
    with django_assert_num_queries(8):  # sessions are read through the cache
        client.get(PROVINCE)


def test_an_invalid_period_is_not_found(w):
    assert client_for(w, Role.COMMUNE_OFFICER).get("/reporting/commune/23872/2025-Q9/").status_code == 404


def test_the_index_links_the_users_pages(w):
    assert (
        "/reporting/commune/23872/" in client_for(w, Role.COMMUNE_OFFICER).get("/reporting/").content.decode()
    )
    assert (
        "/reporting/province/52/" in client_for(w, Role.PROVINCE_VIEWER).get("/reporting/").content.decode()
    )
