"""Evaluation inputs are locked once their period is closed: no form entry, deletion or file
import changes them; only a pending appeal of the input's commune revises one, audited as a
revision naming the appeal (docs/rules.md, "Evaluation of communes and leaders")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kpixa.accounts.models import AuditEntry, Role
from kpixa.evaluations.models import AppealStatus, EvaluationInput, Period
from kpixa.evaluations.services import appeals, inputs
from kpixa.evaluations.tests.conftest import Q3

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def entry(world: Any, commune: Any = None, value: str = "10") -> inputs.Entry:
    return inputs.Entry(commune or world.commune, "", None, "tasks_assigned", value, None, "", "QĐ 1")


def q3() -> Period:
    return Period.objects.select_related("province").get(code=Q3)


def test_a_closed_period_refuses_a_new_input_a_change_and_a_deletion(world, test_kpi, published_q3):
    row = q3()
    with pytest.raises(inputs.InvalidInput, match="đã khóa số liệu"):
        inputs.set_input(row, entry(world))
    assert not EvaluationInput.objects.filter(period=row).exists()
    Period.objects.filter(pk=row.pk).update(state="open")
    item = inputs.set_input(q3(), entry(world))
    Period.objects.filter(pk=row.pk).update(state="published")
    with pytest.raises(inputs.InvalidInput, match="đã khóa số liệu"):
        inputs.set_input(q3(), entry(world, value="12"))
    with pytest.raises(inputs.InvalidInput, match="đã khóa số liệu"):
        inputs.delete_input(EvaluationInput.objects.select_related("period__province").get(pk=item.pk))
    item.refresh_from_db()
    assert item.value == "10"


def test_a_closed_period_refuses_an_import_whole(world, test_kpi, published_q3, tmp_path: Path):
    path = tmp_path / "inputs.csv"
    path.write_text(
        "unit_code,post,person,kind,value,date,note,evidence\n23872,,,tasks_assigned,10,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(inputs.InvalidInput, match="đã khóa số liệu"):
        inputs.import_inputs_file(path, province_code="52", period_code=Q3)
    assert not EvaluationInput.objects.exists()
    assert not AuditEntry.objects.filter(action="evaluations.import_inputs").exists()


def test_the_inputs_page_says_so_and_keeps_the_input(world, test_kpi, published_q3):
    client = Client()
    client.force_login(world.users[Role.PROVINCE_ADMIN])
    data = {"commune": world.commune.pk, "post": "", "person": "", "kind": "tasks_assigned", "value": "10"}
    response = client.post(f"/ky-danh-gia/tinh/52/{Q3}/du-lieu/", data, follow=True)
    assert response.status_code == 200
    assert "đã khóa số liệu" in response.content.decode()
    assert not EvaluationInput.objects.exists()


def test_only_a_pending_appeal_of_the_commune_revises_an_input_audited(world, test_kpi, published_q3):
    leader = world.users[Role.COMMUNE_LEADER]
    appeal = appeals.file_appeal(leader, world.commune, Q3, "test_kpi", "1.1", "Thiếu nhiệm vụ tháng 9")
    admin = world.users[Role.PROVINCE_ADMIN]
    with pytest.raises(inputs.InvalidInput, match="không phải khiếu nại"):  # another commune's input
        inputs.revise_input(q3(), entry(world, commune=world.sibling), appeal, actor=admin)
    item = inputs.revise_input(q3(), entry(world), appeal, actor=admin)
    assert item.value == "10"
    audit = AuditEntry.objects.get(action="evaluations.revise_input")
    assert audit.after is not None and audit.after["appeal"] == appeal.pk
    assert audit.province_code == "52" and audit.actor == admin
    type(appeal).objects.filter(pk=appeal.pk).update(status=AppealStatus.REJECTED)
    appeal.refresh_from_db()
    with pytest.raises(inputs.InvalidInput, match="không phải khiếu nại"):  # decided: no longer a path
        inputs.revise_input(q3(), entry(world, value="11"), appeal, actor=admin)
    item.refresh_from_db()
    assert item.value == "10"
