"""Declared monthly counts (TongHop.TheoDonVi): stored per system, commune and month, and the
``dossiers.declared_received`` measure they give indicator 1.4 (not measurable without them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpixa.accounts.models import AuditEntry
from kpixa.dossiers.models import DeclaredCount, Flag
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.queries import period_measures
from kpixa.dossiers.services import importing
from kpixa.dossiers.services.declared import declare_counts
from kpixa.dossiers.tests.conftest import base_record

pytestmark = pytest.mark.django_db


def run(doc: object, system: str = "motcua") -> None:
    batch = importing.new_batch("dossier", system)
    importing.run_batch(batch, source_from_document(doc))


def test_it_stores_the_counts_a_batch_declares_per_commune_and_month(catalogue):  # type: ignore[no-untyped-def]
    doc = {
        "TongHop": {
            "TongSo": 1,
            "TheoDonVi": [
                {"DonViXuLy": "23872", "Thang": "2026-03", "SoHoSoTiepNhan": 5},
                {"DonViXuLy": "23872", "Thang": "2026-13", "SoHoSoTiepNhan": 5},
                {"DonViXuLy": "99999", "Thang": "2026-03", "SoHoSoTiepNhan": 5},
                {"DonViXuLy": "23872", "Thang": "2026-02", "SoHoSoTiepNhan": -1},
            ],
        },
        "danhSach": [base_record("A")],
    }
    run(doc)
    row = DeclaredCount.objects.get()
    assert (row.commune_id, row.month, row.received) == (catalogue.commune.pk, date(2026, 3, 1), 5)
    assert Flag.objects.filter(code="khai_bao_khong_doc_duoc").count() == 3
    assert AuditEntry.objects.filter(action="dossiers.declare_counts").count() == 1


def test_it_replaces_a_months_count_declared_again(catalogue):  # type: ignore[no-untyped-def]
    cid = catalogue.commune.pk
    declare_counts("motcua", [(cid, date(2026, 3, 1), 5)])
    declare_counts("motcua", [(cid, date(2026, 3, 1), 7)])
    assert list(DeclaredCount.objects.values_list("received", flat=True)) == [7]


def test_it_gives_declared_received_only_for_wholly_declared_periods(catalogue):  # type: ignore[no-untyped-def]
    cid = catalogue.commune.pk
    run([base_record("A"), base_record("B")])
    march = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))[cid]
    assert march["dossiers.declared_received"] is None  # nothing declared: not measurable, not 0
    declare_counts("motcua", [(cid, date(2026, 3, 1), 3)])
    declare_counts("other", [(cid, date(2026, 3, 1), 1)])
    march = period_measures([cid], date(2026, 3, 1), date(2026, 3, 31))[cid]
    assert (march["dossiers.declared_received"], march["dossiers.received"]) == (4, 2)
    quarter = period_measures([cid], date(2026, 1, 1), date(2026, 3, 31))[cid]
    assert quarter["dossiers.declared_received"] is None  # January and February undeclared
    part = period_measures([cid], date(2026, 3, 1), date(2026, 3, 15))[cid]
    assert part["dossiers.declared_received"] is None  # not whole months


def test_it_makes_1_4_measurable_in_the_demo_for_communes_whose_system_declared(world):  # type: ignore[no-untyped-def]
    from kpixa.dossiers.demo import seed_declared_demo
    from kpixa.dossiers.models import Rollup
    from kpixa.frameworks.demo import seed_frameworks_demo
    from kpixa.frameworks.parsed import framework_of
    from kpixa.scoring.engine.core import KHONG_DO_DUOC, UnitInfo, score_unit
    from kpixa.scoring.versions import period_of, version_for

    communes = [world.third, world.sibling, world.commune]  # in code order: declaring, declaring, not
    Rollup.objects.bulk_create(
        Rollup(commune=c, day=date(2025, m, 15), measure="dossiers.received", value=100)
        for c in communes
        for m in (7, 8, 9)
    )
    seed_frameworks_demo()
    seed_declared_demo("52")
    period = period_of("2025-Q3")
    version = version_for("dvc766", period)
    assert version.version == "2025.4"
    framework = framework_of(version)
    measures = period_measures([c.pk for c in communes], period.start, period.end)
    results = [
        score_unit(framework, UnitInfo(c.code, c.name, c.kind), measures[c.pk]).indicator("1.4")
        for c in communes
    ]
    assert [r.rate_display for r in results[:2]] == [Decimal("100.00"), Decimal("98.04")]  # 300/306
    assert results[2].status == KHONG_DO_DUOC
