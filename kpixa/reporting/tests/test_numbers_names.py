"""The reported-value form reads numbers as the user's language writes them and pre-fills them the
same way; measures show their human names and units; the officer hears of the review."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from kpixa.accounts.models import Notification, NotificationKind, Role
from kpixa.reporting import services
from kpixa.reporting.forms import ValueForm, local_number, parse_local_number
from kpixa.reporting.models import ReportedValue
from kpixa.reporting.tests.conftest import pdf

SHEET = "/reporting/commune/23872/2025-Q3/"
PROVINCE = "/reporting/province/52/2025-Q3/"


@pytest.mark.parametrize(
    ("language", "text", "value"),
    [
        ("vi", "1234,5", "1234.5"),
        ("vi", "1.234,5", "1234.5"),
        ("vi", "1.234", "1234"),
        ("vi", "1 234,25", "1234.25"),
        ("vi", "-1.234.567,5", "-1234567.5"),
        ("vi", "1234.5", "1234.5"),  # a lone dot that cannot be thousands: the other style's decimal
        ("en", "1,234.5", "1234.5"),
        ("en", "1234.5", "1234.5"),
        ("en", "1,234", "1234"),
    ],
)
def test_it_reads_numbers_in_the_users_language(language: str, text: str, value: str) -> None:
    with translation.override(language):
        assert parse_local_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("language", "text"),
    [("vi", "1,234.5"), ("vi", "1.23.4"), ("vi", "1,2,3"), ("en", "1.234,5"), ("vi", "")],
)
def test_it_refuses_what_is_not_a_number_in_the_users_language(language: str, text: str) -> None:
    with translation.override(language):
        assert parse_local_number(text) is None
        assert not ValueForm({"value": text}).is_valid()


def test_it_prefills_without_trailing_zeros_and_reads_its_own_prefill_back() -> None:
    for language, shown in (("vi", "1.234,5"), ("en", "1,234.5")):
        with translation.override(language):
            assert local_number(Decimal("1234.5000")) == shown
            form = ValueForm({"value": local_number(Decimal("1234.5000"))})
            assert form.is_valid() and form.cleaned_data["value"] == Decimal("1234.5")
    with translation.override("vi"):
        assert local_number(Decimal("1000.0000")) == "1.000"


@pytest.fixture
def w(world, frameworks):  # type: ignore[no-untyped-def]
    return world


def client_for(world, role):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_officer_submits_a_vietnamese_decimal_and_sees_it_prefilled(w) -> None:  # type: ignore[no-untyped-def]
    client = client_for(w, Role.COMMUNE_OFFICER)
    response = client.post(SHEET + "budget_revenue/", {"value": "1.234,5", "evidence": [pdf()]})
    assert response.status_code == 302
    assert ReportedValue.objects.get().value == Decimal("1234.5")
    page = client.get(SHEET).content.decode()
    assert 'value="1.234,5"' in page and "1234,5000" not in page


def test_the_sheet_names_each_measure_with_its_unit(w) -> None:  # type: ignore[no-untyped-def]
    page = client_for(w, Role.COMMUNE_OFFICER).get(SHEET).content.decode()
    assert "Thu ngân sách nhà nước thực hiện (triệu đồng)" in page
    assert "Thu ngân sách nhà nước theo dự toán (triệu đồng)" in page


def test_the_approval_queue_shows_names_and_units_not_bare_codes(w, period) -> None:  # type: ignore[no-untyped-def]
    services.submit_value(
        w.users[Role.COMMUNE_OFFICER], w.commune, period, "budget_revenue", Decimal("1234.5"), "", [pdf()]
    )
    page = client_for(w, Role.PROVINCE_ADMIN).get(PROVINCE).content.decode()
    assert "Thu ngân sách nhà nước thực hiện (triệu đồng)" in page
    assert "1.234,5 triệu đồng" in page


def test_the_officer_is_notified_of_an_approval_and_a_rejection(w, period) -> None:  # type: ignore[no-untyped-def]
    officer, admin = w.users[Role.COMMUNE_OFFICER], w.users[Role.PROVINCE_ADMIN]
    first = services.submit_value(officer, w.commune, period, "budget_revenue", Decimal("5"), "", [pdf()])
    second = services.submit_value(officer, w.commune, period, "growth_rate", Decimal("5"), "", [pdf()])
    services.approve_value(admin, first)
    services.reject_value(admin, second, "Thiếu biên bản")
    kinds = dict(Notification.objects.filter(user=officer).values_list("kind", "message_vi"))
    assert "Thu ngân sách nhà nước thực hiện" in kinds[NotificationKind.VALUE_APPROVED]
    assert "Thiếu biên bản" in kinds[NotificationKind.VALUE_REJECTED]
