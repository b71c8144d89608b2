"""Refused rows of an evaluation-input import are kept like dossier rejections: row, column,
reason and the raw row, shown on the inputs page and downloadable as a formula-safe CSV; the
same file twice keeps them once, an interrupted import keeps nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kpixa.accounts.models import Role
from kpixa.evaluations.models import EvaluationInput, InputRejection
from kpixa.evaluations.services import inputs
from kpixa.evaluations.tests.conftest import write_inputs as write

BODY = (
    "23872,,,tasks_assigned,10,,,\n"
    "99999,,,tasks_assigned,1,,,\n"
    "23872,chu_tich,CB001,general_points,45,,,\n"
    '23872,,,tasks_completed,=HYPERLINK("http://x"),,,\n'
)
PAGE = "/ky-danh-gia/tinh/52/2026/du-lieu/"

pytestmark = pytest.mark.usefixtures("vietnamese")


def test_it_keeps_each_refused_row_with_its_column_reason_and_raw_row(world, year, chairman, tmp_path):
    result = inputs.import_inputs_file(write(tmp_path, BODY), province_code="52", period_code="2026")
    assert result.created == 1
    kept = list(InputRejection.objects.filter(period=year).order_by("row"))
    assert [(r.row, r.field) for r in kept] == [(3, "unit_code"), (4, "value"), (5, "value")]
    assert "99999" in kept[0].reason_vi
    assert kept[0].raw["unit_code"] == "99999" and kept[0].raw["kind"] == "tasks_assigned"
    assert kept[2].raw["value"] == '=HYPERLINK("http://x")'


def test_the_same_file_twice_keeps_its_refusals_once(world, year, chairman, tmp_path):
    path = write(tmp_path, BODY)
    inputs.import_inputs_file(path, province_code="52", period_code="2026")
    again = inputs.import_inputs_file(path, province_code="52", period_code="2026")
    assert len(again.errors) == 3 and again.unchanged == 1
    assert InputRejection.objects.count() == 3
    assert EvaluationInput.objects.count() == 1


def test_an_interrupted_import_keeps_no_refusal(world, year, chairman, tmp_path, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(inputs.audit, "record", broken)
    with pytest.raises(RuntimeError):
        inputs.import_inputs_file(write(tmp_path, BODY), province_code="52", period_code="2026")
    assert not InputRejection.objects.exists() and not EvaluationInput.objects.exists()


def test_the_inputs_page_lists_them_and_offers_a_formula_safe_csv(
    world, year, chairman, tmp_path, django_assert_max_num_queries
):
    inputs.import_inputs_file(write(tmp_path, BODY), province_code="52", period_code="2026")
    client = Client()
    client.force_login(world.users[Role.PROVINCE_ADMIN])
    with django_assert_max_num_queries(14):
        page = client.get(PAGE).content.decode()
    assert "Dòng bị từ chối khi nhập tệp" in page and "unit_code=99999" in page
    assert f"{PAGE}tu-choi.csv" in page
    response = client.get(f"{PAGE}tu-choi.csv")
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("dong,cot,ly_do,unit_code,post,person,kind,value,date,note,evidence")
    assert len(lines) == 4
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_only_the_provinces_admin_downloads_them(world, year):
    client = Client()
    client.force_login(world.users[Role.COMMUNE_LEADER])
    assert client.get(f"{PAGE}tu-choi.csv").status_code == 403
    assert Client().get(f"{PAGE}tu-choi.csv").status_code == 302
