"""The generator's accountability patterns (docs/generator.md, docs/flags.md): some communes are
clean, the others pass a documented share of their finished dossiers around, and the rules flag
exactly those."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from kpixa.dossiers.generator import GeneratorConfig, generate, records
from kpixa.dossiers.generator.render import PASS_AROUND_RATES
from kpixa.dossiers.records import Step
from kpixa.rules import steps as rules

COMMUNES = [(f"{23800 + i}", "xa") for i in range(8)]


def _steps(raw: list[dict[str, str]]) -> list[Step]:
    def at(value: str) -> datetime | None:
        return datetime.strptime(value, "%Y%m%d%H%M%S") if value else None

    return [
        Step(at(s["ThoiDiemXuLy"]), int(s["TrangThai"]), "", s["NguoiXuLy"], s["ChucDanh"], s["PhongBanXuLy"],
                at(s["NgayKetThucTheoQuyDinh"]))
        for s in raw
    ]  # fmt: skip


def test_it_passes_dossiers_around_in_some_communes_only() -> None:
    config = GeneratorConfig(communes=COMMUNES, start=date(2025, 7, 1), end=date(2025, 7, 31), scale=0.6,
                             seed=3, use_database=False)  # fmt: skip
    flagged: Counter[str] = Counter()
    finished: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for batch in generate(config):
        for rec in records(batch.dossiers, dossiers=True):
            commune = rec["hoSo"]["DonViXuLy"]
            steps = _steps(rec["tienTrinhDongBo"])
            if any(s.status in (3, 7, 8, 9, 10) for s in steps):
                finished[commune] += 1
            found = rules.pass_around(steps)
            if found is not None:
                flagged[commune] += 1
                reasons[found.reason] += 1
    assert sum(finished.values()) > 500
    for index, (code, _kind) in enumerate(COMMUNES):
        rate = PASS_AROUND_RATES[index % len(PASS_AROUND_RATES)]
        share = flagged[code] / max(finished[code], 1)
        if rate == 0:
            assert flagged[code] == 0, code
        elif finished[code] >= 200:
            assert rate / 2 < share < rate * 2, (code, share)
    assert "returned" in reasons  # land → justice → land
    assert any("out_and_back" in reason for reason in reasons)  # out to the land registration branch and back
