from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kpixa.accounts.models import AuditEntry
from kpixa.units.models import UnitAlias
from kpixa.units.queries import alias_map, resolve_unit
from kpixa.units.services import import_aliases, import_aliases_file

CSV = """alias,commune_code,system
000.00.21.H52,23872,
H52.104,23869,motcua
H52.104,21553,
,23872,
000.00.99.H52,99999,
000.00.21.H52,23869,
H66.1,24121,
"""


@pytest.fixture
def csv_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "aliases.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_it_saves_valid_rows_and_reports_bad_ones(world, csv_file):
    result = import_aliases_file(csv_file)
    assert result.created == 4
    assert [(e.row, e.field) for e in result.errors] == [(5, "alias"), (6, "commune_code"), (7, "alias")]
    assert "99999" in result.errors[1].message
    assert "dòng 2" in result.errors[2].message
    assert UnitAlias.objects.get(system="motcua", alias="H52.104").commune == world.sibling
    assert UnitAlias.objects.get(system="", alias="H52.104").commune == world.third


def test_it_is_idempotent_and_remaps(world, csv_file):
    import_aliases_file(csv_file)
    again = import_aliases_file(csv_file)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    moved = import_aliases([{"alias": "H52.104", "commune_code": "23872"}])
    assert moved.updated == 1
    assert UnitAlias.objects.get(system="", alias="H52.104").commune == world.commune
    assert UnitAlias.objects.count() == 4


def test_it_uses_the_system_option_for_rows_without_one(world):
    import_aliases([{"alias": "X1", "commune_code": "23872"}], system="igate")
    assert UnitAlias.objects.get(alias="X1").system == "igate"


def test_it_refuses_communes_of_another_province_when_scoped(world):
    result = import_aliases([{"alias": "X1", "commune_code": "24121"}], province_code="52")
    assert result.created == 0
    assert result.errors[0].field == "commune_code"


def test_it_audits_each_import(world, csv_file):
    import_aliases_file(csv_file)
    entry = AuditEntry.objects.get(action="units.import_aliases")
    assert len(entry.after["created"]) == 4  # type: ignore[index]
    assert len(entry.after["errors"]) == 3  # type: ignore[index]


def test_it_resolves_codes_and_aliases(world):
    import_aliases(
        [
            {"alias": "000.00.21.H52", "commune_code": "23872"},
            {"alias": "A1", "commune_code": "23872"},
            {"alias": "A1", "commune_code": "23869", "system": "motcua"},
        ]
    )
    assert resolve_unit("23872") == world.commune
    assert resolve_unit(" 000.00.21.H52 ") == world.commune
    assert resolve_unit("000.00.21.H52", system="motcua") == world.commune
    assert resolve_unit("A1", system="motcua") == world.sibling
    assert resolve_unit("A1") == world.commune
    assert resolve_unit("nope") is None
    assert resolve_unit("") is None


def test_it_builds_the_alias_map_in_two_queries(world, django_assert_num_queries):
    import_aliases(
        [
            {"alias": "A1", "commune_code": "23872"},
            {"alias": "A1", "commune_code": "23869", "system": "motcua"},
            {"alias": "B2", "commune_code": "21553", "system": "other"},
        ]
    )
    with django_assert_num_queries(2):
        names = alias_map("motcua")
    assert names["A1"] == world.sibling.pk
    assert names["23872"] == world.commune.pk
    assert "B2" not in names
    assert alias_map("")["A1"] == world.commune.pk


def test_the_command_reports_errors_and_fails(world, csv_file):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_aliases", str(csv_file), stdout=out, stderr=err)
    assert "Dòng 6, cột commune_code" in err.getvalue()
    assert "Thêm 4" in out.getvalue()
