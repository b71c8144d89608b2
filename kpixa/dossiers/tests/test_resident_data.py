"""DSKetNoiCSDL read at ingest: ``dossiers.resident_data_used`` (indicator 6.7), the same on the
per-record and the fast CSV path, and not measurable for dossiers stored before it was read.

Records are imported through the management commands (the same before and after the dossiers
services became a package)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from kpixa.dossiers.models import Dossier
from kpixa.dossiers.queries import period_measures
from kpixa.dossiers.records import resident_data_used
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db

VARIANTS: dict[str, Any] = {
    "R-LIST": [{"MaCSDL": "7"}],
    "R-INT": [{"MaCSDL": 7}],
    "R-TEXT": '[{"MaCSDL":"7"}]',  # a flat file's JSON cell
    "R-EMPTY-CODE": [{"MaCSDL": ""}],
    "R-EMPTY": [],
    "R-BAD-TEXT": "[{not json",
    "R-OBJECT": {"MaCSDL": "7"},
    "R-NULL": None,
}
USED = {"R-LIST", "R-INT", "R-TEXT"}


def run(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = tmp_path / "hs.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    call_command("import_dossiers", str(path), "--source-system", "motcua", stdout=io.StringIO())


@pytest.mark.parametrize(("key", "value"), VARIANTS.items())
def test_it_reads_a_national_database_connection_only_from_a_named_code(key: str, value: Any) -> None:
    assert resident_data_used({"DSKetNoiCSDL": value}) is (key in USED)


def test_it_stores_and_counts_resident_data_used(catalogue, tmp_path) -> None:  # type: ignore[no-untyped-def]
    records = [base_record(key, DSKetNoiCSDL=value) for key, value in VARIANTS.items() if value is not None]
    records.append(base_record("R-NONE"))
    run(tmp_path, records)
    stored = dict(Dossier.objects.values_list("ma_ho_so", "resident_data_used"))
    assert stored == {key: key in USED for key in [*VARIANTS, "R-NONE"] if key != "R-NULL"}
    cid = catalogue.commune.pk
    march = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))[cid]
    assert (march["dossiers.resident_data_used"], march["dossiers.received"]) == (3, len(stored))


def test_it_leaves_6_7_not_measurable_for_dossiers_stored_before_the_field_was_read(
    catalogue, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    run(tmp_path, [base_record("OLD"), base_record("NEW")])
    Dossier.objects.filter(ma_ho_so="OLD").update(resident_data_used=None)  # as migration 0008 leaves it
    call_command("rebuild_rollups", verbosity=0, stdout=io.StringIO())
    cid = catalogue.commune.pk
    march = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))[cid]
    assert march["dossiers.resident_data_used"] is None
    april = period_measures([cid], date(2026, 4, 1), date(2026, 4, 30))[cid]
    assert april["dossiers.resident_data_used"] == 0  # nothing unknown received in April


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL-only")
def test_the_fast_path_reads_dsketnoicsdl_as_the_per_record_path(
    units, settings, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from kpixa.dossiers.tests.test_fastpath import assert_same, generated, rows_of, run_both, write_rows

    header, rows = rows_of(generated(tmp_path, 5, days=2))
    assert "DSKetNoiCSDL" in header
    cells = [v if isinstance(v, str) else json.dumps(v) for v in VARIANTS.values() if v is not None]
    mixed = [{**row, "DSKetNoiCSDL": cells[i % len(cells)]} for i, row in enumerate(rows)]
    fast, slow = run_both(settings, monkeypatch, write_rows(tmp_path / "rd.csv", header, mixed))
    assert_same(fast, slow)
    assert fast[2] and fast[2][0] > 0  # the fast path wrote rows


@pytest.fixture
def units(world):  # type: ignore[no-untyped-def]
    from kpixa.dossiers.tests.test_fastpath import CATALOGUE
    from kpixa.units.models import UnitAlias

    UnitAlias.objects.create(system="", alias="000.00.21.H52", commune=world.commune)
    call_command("import_procedures", str(CATALOGUE), stdout=io.StringIO())
    return world


def test_it_counts_the_procedures_with_a_dossier_that_used_population_data(catalogue, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """6.6 from dvc766 2025.4 (docs/rules.md, "The service index"): distinct procedures of the
    catalogue with at least one dossier received in the period whose DSKetNoiCSDL names a
    database, over the catalogue; none while a dossier of the period was stored before it was read."""
    used = [{"MaCSDL": "7"}]
    run(
        tmp_path,
        [
            base_record("A1", DSKetNoiCSDL=used),
            base_record("A2", DSKetNoiCSDL=used),  # the same procedure again: counted once
            base_record("B1", MaTTHC="1.001193", DSKetNoiCSDL=used),
            base_record("C1", MaTTHC="2.000908"),  # no connection: not counted
            base_record(
                "APR",
                MaTTHC="2.000908",
                NgayNopHoSo="20260401083000",
                NgayTiepNhan="20260401090000",
                NgayHenTra="20260403170000",
                DSKetNoiCSDL=used,
            ),
        ],
    )
    cid = catalogue.commune.pk
    march = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))[cid]
    assert (march["procedures.resident_data_connected"], march["procedures.catalogue"]) == (2, 4)
    april = period_measures([cid], date(2026, 4, 1), date(2026, 4, 30))[cid]
    assert april["procedures.resident_data_connected"] == 1
    Dossier.objects.filter(ma_ho_so="C1").update(resident_data_used=None)  # as migration 0008 leaves it
    call_command("rebuild_rollups", verbosity=0, stdout=io.StringIO())
    march = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))[cid]
    assert march["procedures.resident_data_connected"] is None
