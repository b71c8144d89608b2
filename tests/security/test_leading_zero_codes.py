"""Excel strips leading zeros: DonViXuLy 7900 for commune 07900 is accepted when it is purely
numeric and names exactly one commune once zero-padded to the official width (5 digits), and
the record's result (and a flag) says how it was read. Anything ambiguous is still rejected."""

from __future__ import annotations

import pytest

from kpixa.dossiers.models import Dossier, Flag
from kpixa.dossiers.services import importing
from kpixa.units.models import Commune, CommuneKind, UnitAlias
from tests.security.malformed_support import add_catalogue, base_record, post, result_of, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(world, api_keys) -> str:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    Commune.objects.create(code="07900", name="Xã Số Không", kind=CommuneKind.XA, province=world.province)
    return api_keys["token_52"]


@pytest.mark.parametrize("sent", ["7900", 7900])
def test_it_reads_a_code_that_lost_its_leading_zero_and_says_so(client, key, sent) -> None:  # type: ignore[no-untyped-def]
    result = result_of(client, key, base_record("Z1", DonViXuLy=sent))
    assert result["status"] == "created", result
    assert "'7900' được đọc là '07900'" in result["notes"][0]
    dossier = Dossier.objects.get(ma_ho_so="Z1")
    assert dossier.commune.code == "07900"
    assert Flag.objects.get(dossier=dossier).code == "ma_don_vi_thieu_so_0"


def test_it_still_rejects_a_padded_code_outside_the_senders_province(client, key, world) -> None:  # type: ignore[no-untyped-def]
    Commune.objects.create(code="00042", name="Xã Xa", kind=CommuneKind.XA, province=world.other_province)
    result = result_of(client, key, base_record("Z2", DonViXuLy="42"))
    assert result["status"] == "rejected" and "không thuộc phạm vi" in result["reasons"][0]


def test_it_rejects_a_code_that_pads_to_two_different_units(client, key, world) -> None:  # type: ignore[no-untyped-def]
    UnitAlias.objects.create(system="", alias="0007900", commune=world.sibling)
    result = result_of(client, key, base_record("Z3", DonViXuLy="7900"))
    assert result["status"] == "rejected" and "không phải mã xã/phường" in result["reasons"][0]


@pytest.mark.parametrize("sent", ["790", "7900.0", "79OO", "+7900"])
def test_it_does_not_guess_other_codes(client, key, sent) -> None:  # type: ignore[no-untyped-def]
    assert result_of(client, key, base_record("Z4", DonViXuLy=sent))["status"] == "rejected"


def test_a_file_saved_by_excel_is_read_the_same_way(world, tmp_path, key) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "excel.csv", [base_record("X1", DonViXuLy="7900"), base_record("X2")])
    batch = importing.import_file(path, source_system="excel")
    assert (batch.created, batch.rejected, batch.flagged) == (2, 0, 1)
    assert Dossier.objects.get(ma_ho_so="X1").commune.code == "07900"


def test_a_plain_batch_is_answered_without_notes(client, key) -> None:  # type: ignore[no-untyped-def]
    body = post(client, [base_record("P1")], key).json()
    assert body["results"][0]["notes"] == []
