"""Period measures: the ones the data supports, and None ("no data") for the ones it does not."""

from __future__ import annotations

from datetime import date

import pytest

from kpixa.dossiers.models import Dossier, Procedure, Rollup
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.queries import NOT_COMPUTED, PRODUCED, period_measures
from kpixa.dossiers.services import importing, rollup_rebuild
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
E_RESULT = [{"MaGiayToKetQua": "KQ1", "DuongDanTepTinKetQua": "https://ket-qua/1.pdf"}]


def run(records: list) -> None:  # type: ignore[type-arg]
    importing.run_batch(importing.new_batch("dossier", "motcua"), source_from_document(records))


def finished(ma: str, procedure: str, **fields: object) -> dict:  # type: ignore[type-arg]
    return base_record(ma, MaTTHC=procedure, TrangThaiHoSo="9", NgayKetThucXuLy="20260304100000", **fields)


@pytest.fixture
def certification(catalogue):  # type: ignore[no-untyped-def]
    """The catalogue with 2.000908 in the field chứng thực."""
    Procedure.objects.filter(code="2.000908").update(field_code="CHUNGTHUC", field_name="Chứng thực")
    return catalogue


def test_it_returns_none_for_measures_the_data_does_not_support(catalogue):  # type: ignore[no-untyped-def]
    run([base_record("A")])
    cid = catalogue.commune.pk
    measures = period_measures([cid], *MARCH)[cid]
    assert set(measures) == set(PRODUCED)
    assert {name: measures[name] for name in NOT_COMPUTED} == dict.fromkeys(NOT_COMPUTED)
    # dossiers.declared_received is None until a source system declares its counts (indicator 1.4).
    known = (name for name in measures if name not in NOT_COMPUTED and name != "dossiers.declared_received")
    assert all(measures[name] is not None for name in known)


def test_it_returns_zero_not_none_for_a_commune_without_dossiers(catalogue):  # type: ignore[no-untyped-def]
    cid = catalogue.commune.pk
    measures = period_measures([cid], *MARCH)[cid]
    assert (measures["dossiers.received"], measures["dossiers.certification"]) == (0, 0)
    assert measures["dossiers.resident_data_used"] == 0  # DSKetNoiCSDL is read: known, none used


def test_it_counts_finished_certification_dossiers_and_electronic_copies(certification):  # type: ignore[no-untyped-def]
    run(
        [
            finished("C1", "2.000908", DanhSachGiayToKetQua=E_RESULT),
            finished("C2", "2.000908"),
            base_record("C3", MaTTHC="2.000908"),  # still open: not counted yet
            finished("L1", "1.004227", DanhSachGiayToKetQua=E_RESULT),
        ]
    )
    cid = certification.commune.pk
    measures = period_measures([cid], *MARCH)[cid]
    assert (measures["dossiers.certification"], measures["dossiers.certification_electronic"]) == (2, 1)
    assert Dossier.objects.filter(certification=True).count() == 3


def test_it_recognises_certification_by_field_name_for_unknown_codes(catalogue):  # type: ignore[no-untyped-def]
    run([finished("X1", "9.000001", MaLinhVuc="G09-TP05", TenLinhVuc="Chứng thực")])
    assert Dossier.objects.get().certification is True


def test_it_counts_verified_commune_level_procedures(catalogue):  # type: ignore[no-untyped-def]
    Procedure.objects.create(code="3.000001", name="Cấp tỉnh", level="tinh")
    Procedure.objects.create(code="3.000002", name="Cấp xã", level="xa", fee_bearing=True)
    Procedure.objects.create(code="3.000003", name="Chưa xác minh", verified=False)
    cid = catalogue.commune.pk
    measures = period_measures([cid], *MARCH)[cid]
    assert (measures["procedures.total"], measures["procedures.fee_bearing"]) == (5, 2)


def test_it_rebuilds_the_certification_rollups_as_ingested(certification):  # type: ignore[no-untyped-def]
    run([finished("C1", "2.000908", DanhSachGiayToKetQua=E_RESULT), finished("C2", "2.000908")])
    run([finished("C2", "2.000908", DanhSachGiayToKetQua=E_RESULT, NgayTra="20260305090000")])
    incremental = set(Rollup.objects.exclude(value=0).values_list("commune_id", "day", "measure", "value"))
    rollup_rebuild.rebuild_rollups()
    rebuilt = set(Rollup.objects.exclude(value=0).values_list("commune_id", "day", "measure", "value"))
    assert rebuilt == incremental
    assert ("dossiers.certification_electronic", 2) in {(m, v) for _c, _d, m, v in rebuilt}
