from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from kpixa.accounts.models import AuditEntry
from kpixa.units.models import Commune, Person, PostKind, Tenure
from kpixa.units.services import import_leaders, import_leaders_file, parse_post
from kpixa.units.tests.conftest import make_tenure

HEADER = ["commune_code", "post", "full_name", "start", "end"]
ROWS = [
    ["23872", "Bí thư Đảng ủy", "Rơ Châm H'Bia", "01/07/2025", ""],  # 2
    ["23872", "chairman", "Siu Thị Hoa", "2025-07-01", "14/10/2025"],  # 3
    ["23872", "Chủ tịch UBND", "Đinh Văn Thương", "15/10/2025", ""],  # 4
    ["23872", "chairman", "Ksor Y Nam", "01/10/2025", ""],  # 5: overlaps rows 3 and 4
    ["99999", "secretary", "Nguyễn Văn A", "01/07/2025", ""],  # 6: unknown commune
    ["23869", "trưởng thôn", "", "31/02/2025", ""],  # 7: bad post, name, date
    ["23869", "secretary", "Ksor Y Nam", "01/07/2025", "01/06/2025"],  # 8: end before start
    ["23869", "Phó Chủ tịch UBND", "Nay H'Nhung", "01/07/2025", ""],  # 9
]


def write_csv(tmp_path, rows):  # type: ignore[no-untyped-def]
    path = tmp_path / "leaders.csv"
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(tmp_path, rows):  # type: ignore[no-untyped-def]
    path = tmp_path / "leaders.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def assert_expected(result, world):  # type: ignore[no-untyped-def]
    assert result.created == 4
    assert {(e.row, e.field) for e in result.errors} == {
        (5, "start"),
        (6, "commune_code"),
        (7, "post"),
        (7, "full_name"),
        (7, "start"),
        (8, "end"),
    }
    names = list(
        Tenure.objects.filter(commune=world.commune)
        .order_by("post", "start")
        .values_list("person__full_name", "end")
    )
    assert names == [("Siu Thị Hoa", date(2025, 10, 14)), ("Đinh Văn Thương", None), ("Rơ Châm H'Bia", None)]
    assert Tenure.objects.get(commune=world.sibling).post == PostKind.VICE_CHAIRMAN
    assert set(Person.objects.values_list("province__code", flat=True)) == {"52"}


def test_it_imports_a_csv_with_row_errors(world, tmp_path):
    result = import_leaders_file(write_csv(tmp_path, ROWS))
    assert_expected(result, world)
    clash = next(e for e in result.errors if e.row == 5)
    assert "Siu Thị Hoa" in clash.message


def test_it_imports_an_xlsx_with_row_errors_and_real_dates(world, tmp_path):
    rows: list[list[object]] = [list(r) for r in ROWS]
    rows[0][3] = datetime(2025, 7, 1)
    rows[1][0] = 23872  # a number cell, as Excel keeps codes
    result = import_leaders_file(write_xlsx(tmp_path, rows))
    assert_expected(result, world)


def test_it_is_idempotent_and_can_close_a_tenure(world):
    rows = [dict(zip(HEADER, r, strict=True)) for r in ROWS[:3]]
    import_leaders(rows)
    again = import_leaders(rows)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, [])
    rows[0]["end"] = "31/12/2025"
    closed = import_leaders(rows[:1])
    assert closed.updated == 1
    assert Tenure.objects.get(post=PostKind.SECRETARY).end == date(2025, 12, 31)
    assert Person.objects.count() == 3


def test_it_refuses_rows_overlapping_existing_tenures(world):
    make_tenure(world.commune, PostKind.SECRETARY, "Rơ Châm H'Bia", date(2025, 7, 1))
    result = import_leaders(
        [dict(zip(HEADER, ["23872", "secretary", "Ksor Y Nam", "01/09/2025", ""], strict=True))]
    )
    assert result.created == 0
    assert "Rơ Châm H'Bia" in result.errors[0].message


def test_it_reuses_the_same_person_for_two_posts_of_one_commune(world):
    rows = [
        ["23872", "vice_chairman", "Ksor Y Nam", "01/07/2025", "14/10/2025"],
        ["23872", "chairman", "Ksor Y Nam", "15/10/2025", ""],
    ]
    import_leaders([dict(zip(HEADER, r, strict=True)) for r in rows])
    assert Person.objects.count() == 1


def test_it_audits_the_import(world, tmp_path):
    import_leaders_file(write_csv(tmp_path, ROWS))
    entry = AuditEntry.objects.get(action="units.import_leaders")
    assert len(entry.after["created"]) == 4  # type: ignore[index]
    assert len(entry.after["errors"]) == 6  # type: ignore[index]


def test_it_reads_post_labels():
    assert parse_post("Bí thư Đảng uỷ") == PostKind.SECRETARY
    assert parse_post(" chủ tịch  ubnd ") == PostKind.CHAIRMAN
    assert parse_post("Phó Bí thư") == PostKind.DEPUTY_SECRETARY
    assert parse_post("deputy") is None


def test_the_command_prints_errors_and_fails(world, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_leaders", str(write_csv(tmp_path, ROWS)), stdout=out, stderr=err)
    assert "Dòng 6, cột commune_code" in err.getvalue()
    assert "Thêm 4" in out.getvalue()


def test_the_command_refuses_other_file_types(world, tmp_path):
    path = tmp_path / "leaders.txt"
    path.write_text("x")
    with pytest.raises(CommandError, match="csv"):
        call_command("import_leaders", str(path))


def test_it_imports_in_a_fixed_number_of_queries(loaded, django_assert_max_num_queries):
    communes = Commune.objects.filter(province__code="52").order_by("code")[:60]
    rows = [
        {"commune_code": c.code, "post": post, "full_name": f"Cán bộ {c.code}", "start": "01/07/2025"}
        for c in communes
        for post in ("secretary", "chairman")
    ]
    with django_assert_max_num_queries(14):
        result = import_leaders(rows)
    assert result.created == 120
