"""Revising an input of a closed period through a pending appeal of its commune, on app pages: the
appeal page links to the commune's inputs, each revised on its own page (old value shown, new
value, reason and optional evidence asked, a confirmation stating the effect) through
``inputs.revise_input``; the old version, who and why are kept in the input's history, shown on
the inputs page. Only the province's admin; never through another commune's or a decided appeal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kpixa.accounts.models import AuditEntry, Role
from kpixa.evaluations.models import AppealStatus, EvaluationInput, Period
from kpixa.evaluations.services import appeals, inputs
from kpixa.evaluations.tests.conftest import Q3
from kpixa.units.models import PostKind

pytestmark = pytest.mark.usefixtures("vietnamese", "private_media")

INPUTS = f"/ky-danh-gia/tinh/52/{Q3}/du-lieu/"


@pytest.fixture
def appealed(world: Any, test_kpi: Any, published_q3: Any, chairman: Any) -> Any:
    """Ia Dom's Q3 inputs (tasks 10, the Chairman's reprimand, Ia Dơk's tasks 7) entered before the
    close, then Ia Dom's pending appeal against the published result."""
    period = Period.objects.select_related("province").get(code=Q3)
    Period.objects.filter(pk=period.pk).update(state="open")
    period.state = "open"
    admin = world.users[Role.PROVINCE_ADMIN]
    tasks = inputs.Entry(world.commune, "", None, "tasks_assigned", "10", None, "", "QĐ 1/QĐ-UBND")
    reprimand = inputs.Entry(
        world.commune, PostKind.CHAIRMAN, chairman, "discipline", "khien_trach", date(2025, 8, 1), "", "QĐ 7"
    )
    sibling = inputs.Entry(world.sibling, "", None, "tasks_assigned", "7", None)
    items = [inputs.set_input(period, e, actor=admin) for e in (tasks, reprimand, sibling)]
    Period.objects.filter(pk=period.pk).update(state="published")
    leader = world.users[Role.COMMUNE_LEADER]
    appeal = appeals.file_appeal(leader, world.commune, Q3, "test_kpi", "1.1", "Số nhiệm vụ được giao sai")
    return appeal, items


def admin(world: Any) -> Client:
    client = Client()
    client.force_login(world.users[Role.PROVINCE_ADMIN])
    return client


def test_the_appeal_page_leads_to_the_communes_inputs_and_each_to_its_revision(
    world, appealed, django_assert_max_num_queries
):
    appeal, (tasks, reprimand, sibling) = appealed
    client = admin(world)
    page = client.get(f"/ky-danh-gia/khieu-nai/{appeal.pk}/").content.decode()
    listing = f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/"
    assert listing in page and "Xem và sửa dữ liệu đánh giá qua khiếu nại này" in page
    with django_assert_max_num_queries(9):
        page = client.get(listing).content.decode()
    assert f"{listing}{tasks.pk}/" in page and f"{listing}{reprimand.pk}/" in page
    assert f"{listing}{sibling.pk}/" not in page  # another commune's input
    assert client.get(f"{listing}{sibling.pk}/").status_code == 404


def test_it_shows_the_old_value_and_revises_it_with_a_reason_kept_in_the_history(world, appealed):
    appeal, (tasks, _reprimand, _sibling) = appealed
    client = admin(world)
    url = f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/{tasks.pk}/"
    form = client.get(url).content.decode()
    assert '<strong class="old-value">10</strong>' in form and "QĐ 1/QĐ-UBND" in form
    assert "Xác nhận sửa" in form and "giá trị cũ, người sửa, lý do và khiếu nại được giữ" in form
    assert "Số nguyên không âm." in form
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 x", "application/pdf")
    data = {
        "value": "12",
        "evidence": "QĐ 15/QĐ-UBND",
        "reason": "Thiếu hai nhiệm vụ tháng 9",
        "evidence_file": pdf,
    }
    response = client.post(url, data)
    assert (
        response.status_code == 302 and response["Location"] == f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/"
    )
    tasks.refresh_from_db()
    assert (tasks.value, tasks.evidence, tasks.evidence_file_name) == ("12", "QĐ 15/QĐ-UBND", "bien-ban.pdf")
    entry = AuditEntry.objects.get(action="evaluations.revise_input")
    assert entry.before is not None and entry.before["value"] == "10"
    assert entry.after is not None and entry.after["appeal"] == appeal.pk
    assert entry.reason == f"khiếu nại #{appeal.pk}: Thiếu hai nhiệm vụ tháng 9"
    page = client.get(INPUTS).content.decode()
    history = page[page.index("Lịch sử (1 lần sửa)") :]
    history = history[: history.index("</details>")]
    assert "Giá trị cũ: <strong>10</strong> → 12" in history and "QĐ 1/QĐ-UBND" in history
    assert f"sửa qua khiếu nại #{appeal.pk}" in history and "Thiếu hai nhiệm vụ tháng 9" in history
    assert world.users[Role.PROVINCE_ADMIN].username in history
    assert "xoa/" not in page  # a closed period's inputs are not deleted


def test_a_discipline_revised_to_another_form_stays_one_input(world, appealed):
    appeal, (_tasks, reprimand, _sibling) = appealed
    url = f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/{reprimand.pk}/"
    data = {"value": "canh_cao", "day": "01/08/2025", "reason": "Quyết định sửa hình thức"}
    assert admin(world).post(url, data).status_code == 302
    assert list(EvaluationInput.objects.filter(kind="discipline").values_list("pk", "value")) == [
        (reprimand.pk, "canh_cao")
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"value": "12"}, "Trường này là bắt buộc"),
        ({"value": "mười", "reason": "x"}, "Giá trị phải là một số"),
        ({"value": "-1", "reason": "x"}, "số nguyên không âm"),
    ],
    ids=["no-reason", "not-a-number", "negative"],
)
def test_it_refuses_a_revision_without_reason_or_with_a_wrong_value(world, appealed, data, words):
    appeal, (tasks, _reprimand, _sibling) = appealed
    page = admin(world).post(f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/{tasks.pk}/", data)
    assert page.status_code == 200
    text = page.content.decode()
    assert words in text
    tasks.refresh_from_db()
    assert tasks.value == "10" and not AuditEntry.objects.filter(action="evaluations.revise_input").exists()


def test_a_decided_appeal_revises_nothing_and_offers_no_link(world, appealed):
    appeal, (tasks, _reprimand, _sibling) = appealed
    type(appeal).objects.filter(pk=appeal.pk).update(status=AppealStatus.REJECTED)
    client = admin(world)
    assert "du-lieu/" not in client.get(f"/ky-danh-gia/khieu-nai/{appeal.pk}/").content.decode()
    listing = client.get(f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/").content.decode()
    assert f"du-lieu/{tasks.pk}/" not in listing and "không còn đang xem xét" in listing
    url = f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/{tasks.pk}/"
    refused = client.post(url, {"value": "12", "reason": "x"}, follow=True).content.decode()
    assert "Chỉ sửa được dữ liệu qua khiếu nại đang xem xét" in refused
    tasks.refresh_from_db()
    assert tasks.value == "10"


def test_only_the_provinces_admin_revises(world, appealed):
    appeal, (tasks, _reprimand, _sibling) = appealed
    url = f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/{tasks.pk}/"
    for role in (Role.PROVINCE_VIEWER, Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER):
        client = Client()
        client.force_login(world.users[role])
        assert client.post(url, {"value": "12", "reason": "x"}).status_code == 403
        assert client.get(f"/ky-danh-gia/khieu-nai/{appeal.pk}/du-lieu/").status_code == 403
    assert Client().get(url).status_code == 302
    tasks.refresh_from_db()
    assert tasks.value == "10"
