"""The pass reads only the dossiers some rule could find something in (``candidates``, PostgreSQL)
and stores exactly what it stores when it analyses every dossier (docs/flags.md, "Speed")."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kpixa.accountability import candidates, services
from kpixa.accountability.models import AccountabilityFlag, DossierDelay
from kpixa.accountability.services import detect_dossiers
from kpixa.accountability.tests.test_pass import CHAIR, JUSTICE, LAND, ONE_STOP, bounced, normal, step
from kpixa.dossiers.generator import GeneratorConfig, write_run
from kpixa.dossiers.models import Dossier
from kpixa.dossiers.services import procedure_catalogue
from kpixa.dossiers.services.importing import import_file
from kpixa.dossiers.tests.conftest import base_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the condition is PostgreSQL SQL"),
]
COMMUNES = [("23872", "xa"), ("23869", "xa"), ("21553", "phuong")]
CATALOGUE = Path(__file__).resolve().parents[2] / "dossiers" / "data" / "procedures.csv"


def edge_records() -> list[dict[str, Any]]:
    """Hand-made timelines for every clause, each beside a near miss."""
    supp = {"NgayBoSung": "20260305150000", "NgayTiepNhanBoSung": "20260306090000"}
    return [
        bounced("E-BOUNCE"),
        normal("E-NORMAL"),
        # a step after the end (not the hand-back): backdated before the last step
        base_record("E-BACKDATED", TrangThaiHoSo="9", NgayKetThucXuLy="20260304100000", tienTrinhDongBo=[
            step("20260303093000", 2, ONE_STOP), step("20260305100000", 9, CHAIR)]),
        # the same within the tolerance (30 s): nothing
        base_record("E-TOLERATED", TrangThaiHoSo="9", NgayKetThucXuLy="20260305100000", tienTrinhDongBo=[
            step("20260303093000", 2, ONE_STOP), step("20260305100030", 9, CHAIR)]),
        # a hand-back after the end is normal
        base_record("E-HANDBACK", TrangThaiHoSo="10", NgayKetThucXuLy="20260305100000", tienTrinhDongBo=[
            step("20260303093000", 2, ONE_STOP), step("20260305100000", 9, CHAIR),
            step("20260306090000", 10, ONE_STOP)]),
        # a step over its own due time, the dossier on time
        base_record("E-LATESTEP", TrangThaiHoSo="9", NgayKetThucXuLy="20260305100000", tienTrinhDongBo=[
            step("20260303093000", 2, ONE_STOP), step("20260304160000", 4, LAND, "20260304100000"),
            step("20260305100000", 9, CHAIR)]),
        # still open, past its due time at the pass
        base_record("E-OPEN", TrangThaiHoSo="4", tienTrinhDongBo=[step("20260303093000", 2, ONE_STOP)]),
        # refused near the due time, and a refusal at receipt (not flagged)
        base_record("E-REFUSED", TrangThaiHoSo="8", NgayKetThucXuLy="20260306150000"),
        base_record("E-RECEIPT", TrangThaiHoSo="3", NgayKetThucXuLy="20260303100000"),
        # one supplement near the due time, and two
        base_record("E-SUPP", TrangThaiHoSo="4", DanhSachHoSoBoSung=[supp]),
        base_record("E-SUPP2", TrangThaiHoSo="4", DanhSachHoSoBoSung=[supp, supp]),
        # online, received late
        base_record("E-LATERECEIPT", KenhThucHien="2", NgayNopHoSo="20260227080000", TrangThaiHoSo="4"),
        # more hand changes than the limit without a return, and a supplement between two desks
        base_record("E-HANDS", TrangThaiHoSo="9", NgayKetThucXuLy="20260304160000", tienTrinhDongBo=[
            step(f"2026030{3 + i // 4}{9 + i % 4:02d}0000", 4, f"Phòng {i}") for i in range(8)]),
        base_record("E-ABA-SUPP", TrangThaiHoSo="9", NgayKetThucXuLy="20260305100000", tienTrinhDongBo=[
            step("20260303093000", 4, LAND), step("20260303110000", 5, JUSTICE),
            step("20260304100000", 4, LAND), step("20260305100000", 9, CHAIR)]),
    ]  # fmt: skip


def second_versions() -> list[dict[str, Any]]:
    """Later versions: the due time moved later, the end moved earlier."""
    moved_due = normal("E-NORMAL")
    moved_due["NgayHenTra"] = "20260310170000"
    moved_due["tienTrinhDongBo"].append(step("20260306100000", 10, ONE_STOP))
    steps = [
        step("20260303093000", 2, ONE_STOP),
        step("20260304100000", 9, CHAIR),
        step("20260306100000", 10, ONE_STOP),
    ]
    moved_end = base_record(
        "E-HANDBACK", TrangThaiHoSo="10", NgayKetThucXuLy="20260304100000", tienTrinhDongBo=steps
    )
    return [moved_due, moved_end]


@pytest.fixture
def stored(world: Any, tmp_path: Path) -> list[int]:
    from kpixa.units.models import UnitAlias

    UnitAlias.objects.create(system="", alias="000.00.21.H52", commune=world.commune)
    procedure_catalogue.import_procedures(CATALOGUE)
    generated = tmp_path / "gen.csv"
    config = GeneratorConfig(COMMUNES, date(2026, 2, 20), date(2026, 3, 10), scale=0.5, seed=11)
    write_run(config, generated, "csv")
    import_file(generated, source_system="motcua")
    for name, records in (("a.json", edge_records()), ("b.json", second_versions())):
        (tmp_path / name).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        import_file(tmp_path / name, source_system="dvcq")
    return list(Dossier.objects.order_by("id").values_list("id", flat=True))


FLAG_COLUMNS = (
    "dossier_id",
    "commune_id",
    "ma_ho_so",
    "kind",
    "reason",
    "evidence",
    "day",
    "period_code",
    "status",
)
DELAY_COLUMNS = (
    "dossier_id",
    "commune_id",
    "day",
    "cause",
    "overrun_hours",
    "late_steps",
    "hours_over",
    "departments",
)


def snapshot() -> dict[str, Any]:
    return {
        "flags": sorted(map(repr, AccountabilityFlag.objects.values_list(*FLAG_COLUMNS))),
        "delays": sorted(map(repr, DossierDelay.objects.values_list(*DELAY_COLUMNS))),
    }


def analysed(monkeypatch: Any) -> list[str]:
    seen: list[str] = []
    original = services.analyse

    def spy(row: dict[str, Any], *args: Any) -> Any:
        seen.append(row["ma_ho_so"])
        return original(row, *args)

    monkeypatch.setattr(services, "analyse", spy)
    return seen


def test_it_stores_what_the_pass_over_every_dossier_stores(stored: list[int], monkeypatch: Any) -> None:
    seen = analysed(monkeypatch)
    monkeypatch.setattr(candidates, "ENABLED", False)
    detect_dossiers(stored)
    assert len(seen) == len(stored) > 300
    reference = snapshot()
    kinds = set(AccountabilityFlag.objects.values_list("kind", flat=True))
    assert kinds >= {"pass_around", "supplement_near_due", "repeated_supplement", "due_extended"}
    assert kinds >= {"backdated_end", "refused_near_due", "late_receipt", "sync_late"}
    assert {"", "staff"} <= set(DossierDelay.objects.values_list("cause", flat=True))
    AccountabilityFlag.objects.all().delete()
    DossierDelay.objects.all().delete()

    seen.clear()
    monkeypatch.setattr(candidates, "ENABLED", True)
    detect_dossiers(stored)
    assert snapshot() == reference
    assert 0 < len(seen) < len(stored) / 2  # most generated dossiers are plain
    assert {"E-NORMAL", "E-RECEIPT", "E-BACKDATED", "E-LATESTEP", "E-HANDS"} <= set(seen)
    assert "E-TOLERATED" not in seen  # its last step is within the tolerance after its end
    # sparse ids (read by id list, not by range) and a re-run change nothing
    again = detect_dossiers(stored[::3])
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert snapshot() == reference


def test_it_still_removes_an_open_finding_of_a_dossier_it_does_not_read(
    stored: list[int], monkeypatch: Any
) -> None:
    seen = analysed(monkeypatch)
    detect_dossiers(stored)
    plain = Dossier.objects.exclude(ma_ho_so__in=seen).exclude(ma_ho_so__startswith="E-").first()
    assert plain is not None
    where = {"commune_id": plain.commune_id, "dossier": plain, "day": plain.received_day}
    AccountabilityFlag.objects.create(**where, ma_ho_so=plain.ma_ho_so, kind="pass_around", reason="returned")
    DossierDelay.objects.create(**where, cause="staff")
    result = detect_dossiers(stored)
    assert result.deleted == 1
    assert not AccountabilityFlag.objects.filter(dossier=plain).exists()
    assert not DossierDelay.objects.filter(dossier=plain).exists()
