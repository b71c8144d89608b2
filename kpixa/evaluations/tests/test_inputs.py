"""Evaluation inputs: entered and imported with evidence and audit, validated per kind, the
import idempotent and all-or-nothing (docs/rules.md, "Evaluation of communes and leaders")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.models import EvaluationInput
from kpixa.evaluations.services import inputs
from kpixa.evaluations.tests.conftest import write_inputs as write
from kpixa.units.models import PostKind

pytestmark = pytest.mark.usefixtures("vietnamese")


GOOD_ROWS = (
    "23872,,,tasks_assigned,10,,Kế hoạch năm,QĐ 1/QĐ-UBND\n"
    "23872,,,tasks_completed,10,,,\n"
    "23872,,,tasks_on_time,9,,,\n"
    "23872,chu_tich,CB001,discipline,khien_trach,05/03/2026,Vi phạm công vụ,QĐ 7/QĐ-UBND\n"
    "23872,chu_tich,CB001,general_points,27.5,,,\n"
    "23872,chu_tich,CB001,subordinates_not_completed,1,,,\n"
)


def test_it_imports_inputs_with_their_evidence_and_audits_the_import(world, year, chairman, tmp_path):
    path = write(tmp_path, GOOD_ROWS)
    call_command("import_evaluation_inputs", str(path), province="52", period="2026")
    assert EvaluationInput.objects.filter(period=year).count() == 6
    discipline = EvaluationInput.objects.get(kind="discipline")
    assert (discipline.post, discipline.person, discipline.value) == (
        PostKind.CHAIRMAN,
        chairman,
        "khien_trach",
    )
    assert discipline.day == date(2026, 3, 5) and discipline.evidence == "QĐ 7/QĐ-UBND"
    assert EvaluationInput.objects.get(kind="general_points").value == "27.50"
    entry = AuditEntry.objects.filter(action="evaluations.import_inputs").get()
    assert entry.after is not None
    assert len(entry.after["created"]) == 6 and entry.after["errors"] == []


def test_it_changes_nothing_when_the_same_file_comes_twice(world, year, chairman, tmp_path):
    path = write(tmp_path, GOOD_ROWS)
    first = inputs.import_inputs_file(path, province_code="52", period_code="2026")
    stamps = list(EvaluationInput.objects.order_by("id").values_list("id", "entered_at"))
    second = inputs.import_inputs_file(path, province_code="52", period_code="2026")
    assert (first.created, second.created, second.updated, second.unchanged) == (6, 0, 0, 6)
    assert list(EvaluationInput.objects.order_by("id").values_list("id", "entered_at")) == stamps


def test_it_updates_a_count_given_again_with_another_value(world, year, chairman, tmp_path):
    inputs.import_inputs_file(write(tmp_path, GOOD_ROWS), province_code="52", period_code="2026")
    again = inputs.import_inputs_file(
        write(tmp_path, "23872,,,tasks_on_time,10,,,\n"), province_code="52", period_code="2026"
    )
    assert (again.created, again.updated) == (0, 1)
    assert EvaluationInput.objects.get(kind="tasks_on_time").value == "10"


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("99999,,,tasks_assigned,10,,,", "unit_code", "Không có xã/phường"),
        ("24121,,,tasks_assigned,10,,,", "unit_code", "Không có xã/phường"),  # another province's commune
        ("23872,pho,CB001,general_points,10,,,", "post", "Chức vụ phải là"),
        ("23872,chu_tich,CB999,general_points,10,,,", "person", "Không có cán bộ"),
        ("23872,bi_thu,CB001,general_points,10,,,", "person", "không giữ chức vụ"),
        ("23872,chu_tich,,general_points,10,,,", "person", "Thiếu mã cán bộ"),
        ("23872,,,general_points,10,,,", "post", "của một lãnh đạo"),
        ("23872,chu_tich,CB001,targets_percent,50,,,", "post", "của xã"),
        ("23872,,,nonsense,1,,,", "kind", "Loại dữ liệu không hợp lệ"),
        ("23872,chu_tich,CB001,general_points,31,,,", "value", "từ 0 đến 30"),
        ("23872,chu_tich,CB001,low_confidence_share,101,,,", "value", "từ 0 đến 100"),
        ("23872,,,tasks_assigned,-1,,,", "value", "số nguyên không âm"),
        ("23872,,,tasks_assigned,2.5,,,", "value", "số nguyên không âm"),
        ("23872,,,tasks_assigned,mười,,,", "value", "một số"),
        ("23872,chu_tich,CB001,discipline,phe_binh,01/02/2026,,", "value", "Hình thức kỷ luật"),
        ("23872,chu_tich,CB001,discipline,canh_cao,,,", "date", "cần ngày"),
        ("23872,chu_tich,CB001,degradation,2,,,", "value", "1 (có kết luận) hoặc 0"),
        ("23872,,,basic_target_missed,gdp,,,", "value", "Chỉ tiêu cơ bản"),
        ("23872,,,tasks_assigned,10,31/02/2026,,", "date", "Ngày không hợp lệ"),
    ],
)
def test_it_refuses_a_wrong_row_with_its_column_and_reason(
    world, year, chairman, tmp_path, row, field, words
):
    result = inputs.import_inputs_file(
        write(tmp_path, row + "\n" + "23872,,,tasks_assigned,10,,,\n"), province_code="52", period_code="2026"
    )
    assert [(e.row, e.field) for e in result.errors] == [(2, field)]
    assert words in result.errors[0].message
    assert result.created == 1  # the valid row is saved
    entry = AuditEntry.objects.filter(action="evaluations.import_inputs").get()
    assert entry.after is not None and entry.after["errors"][0]["field"] == field


def test_it_refuses_a_row_repeating_another(world, year, chairman, tmp_path):
    body = "23872,,,tasks_assigned,10,,,\n23872,,,tasks_assigned,12,,,\n"
    result = inputs.import_inputs_file(write(tmp_path, body), province_code="52", period_code="2026")
    assert [(e.row, e.field) for e in result.errors] == [(3, "kind")]


def test_the_command_fails_on_refused_rows_and_an_unknown_period(world, year, chairman, tmp_path):
    with pytest.raises(CommandError, match="1 dòng bị từ chối"):
        call_command(
            "import_evaluation_inputs",
            str(write(tmp_path, "99999,,,tasks_assigned,1,,,\n")),
            province="52",
            period="2026",
        )
    with pytest.raises(CommandError, match="Không có kỳ 2031"):
        call_command(
            "import_evaluation_inputs", str(write(tmp_path, GOOD_ROWS)), province="52", period="2031"
        )


def test_an_interrupted_import_leaves_nothing(world, year, chairman, tmp_path, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(inputs.audit, "record", broken)
    with pytest.raises(RuntimeError):
        inputs.import_inputs_file(write(tmp_path, GOOD_ROWS), province_code="52", period_code="2026")
    assert not EvaluationInput.objects.exists()


def test_it_stores_one_input_from_a_form_audited_and_refuses_a_wrong_one(world, year, chairman):
    admin = world.users["province_admin"]
    entry = inputs.Entry(
        world.commune,
        PostKind.CHAIRMAN,
        chairman,
        "degradation",
        "1",
        date(2026, 4, 1),
        "Kết luận của Ủy ban kiểm tra",
        "Kết luận 3-KL/UBKT",
    )
    item = inputs.set_input(year, entry, actor=admin)
    assert (item.value, item.entered_by, item.evidence) == ("1", admin, "Kết luận 3-KL/UBKT")
    audit_entry = AuditEntry.objects.filter(action="evaluations.set_input").get()
    assert audit_entry.before is None and audit_entry.after is not None
    assert audit_entry.after["kind"] == "degradation"
    with pytest.raises(inputs.InvalidInput) as refused:
        inputs.set_input(
            year, inputs.Entry(world.sibling, PostKind.CHAIRMAN, chairman, "degradation", "1", None)
        )
    assert refused.value.field == "person"
    inputs.delete_input(item, actor=admin)
    assert not EvaluationInput.objects.exists()
    assert AuditEntry.objects.filter(action="evaluations.delete_input").count() == 1


def test_it_gives_the_pure_rules_the_leaders_inputs(
    world, year, chairman, tmp_path, django_assert_num_queries
):
    inputs.import_inputs_file(
        write(tmp_path, GOOD_ROWS + "23872,,,corruption_in_unit,1,,,\n"),
        province_code="52",
        period_code="2026",
    )
    with django_assert_num_queries(1):
        facts = inputs.facts_for(year)
    leader = inputs.leader_inputs(facts[world.commune.pk], PostKind.CHAIRMAN, chairman.pk)
    assert leader.tasks is not None and (leader.tasks.assigned, leader.tasks.on_time) == (10, 9)
    assert leader.general == Decimal("27.50") and leader.subordinates_not_completed == 1
    assert [d.form for d in leader.disciplines] == ["khien_trach"]
    assert leader.corruption_in_unit is True
