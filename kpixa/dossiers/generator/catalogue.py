"""The demo procedure catalogue (kpixa/dossiers/data/procedures.csv) as column arrays."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "procedures.csv"
COLUMNS = (
    "code",
    "name",
    "level",
    "limit_value",
    "limit_unit",
    "cutoff_hour",
    "fee_bearing",
    "paper_result",
    "e2e_eligible",
    "field_code",
    "field_name",
)

# Share of a commune's dossiers per field (lĩnh vực); certification and civil status dominate
# the counters of a commune's one-stop shop. Within a field, popularity falls with the row order.
FIELD_SHARES: dict[str, float] = {
    "CHUNGTHUC": 0.42,
    "HOTICH": 0.24,
    "DATDAI": 0.11,
    "BTXH": 0.06,
    "HKD": 0.05,
    "NCC": 0.025,
    "XAYDUNG": 0.02,
    "NONGNGHIEP": 0.02,
    "GIAODUC": 0.015,
    "TDKT": 0.01,
    "VANHOA": 0.01,
}
OTHER_FIELD_SHARE = 0.004
# Fee (VND) of one dossier per field, and a few per procedure (Circular 106/2021, 85/2019 levels).
FIELD_FEES: dict[str, int] = {
    "CHUNGTHUC": 10_000,
    "HOTICH": 15_000,
    "DATDAI": 50_000,
    "HKD": 100_000,
    "XAYDUNG": 75_000,
    "NUOICONNUOI": 400_000,
}
PROCEDURE_FEES: dict[str, int] = {"2.000908": 2_000, "2.000635": 8_000, "2.001035": 50_000}


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Procedures as parallel arrays (index = procedure number), with the draw weights."""

    codes: list[str]
    names: list[str]
    field_codes: list[str]
    field_names: list[str]
    limit_value: npt.NDArray[np.float64]
    limit_unit: npt.NDArray[np.str_]
    cutoff_minutes: npt.NDArray[np.int64]
    fee: npt.NDArray[np.int64]  # 0 when the procedure bears no fee
    paper_result: npt.NDArray[np.bool_]
    e2e: npt.NDArray[np.bool_]
    weights: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.codes)

    def field_is(self, *codes: str) -> npt.NDArray[np.bool_]:
        """Per procedure: whether its field is one of ``codes``."""
        return np.isin(np.array(self.field_codes), codes)


def read_rows(path: Path = CATALOGUE_PATH) -> list[dict[str, str]]:
    """Return the catalogue's rows as dicts keyed by the CSV header."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read the catalogue CSV into a Catalogue."""
    rows = read_rows(path)
    fields = [r["field_code"] for r in rows]
    return Catalogue(
        codes=[r["code"] for r in rows],
        names=[r["name"] for r in rows],
        field_codes=fields,
        field_names=[r["field_name"] for r in rows],
        limit_value=np.array([float(r["limit_value"]) for r in rows]),
        limit_unit=np.array([r["limit_unit"] for r in rows]),
        cutoff_minutes=np.array([int(r["cutoff_hour"]) * 60 if r["cutoff_hour"] else -1 for r in rows]),
        fee=np.array([_fee(r) for r in rows], dtype=np.int64),
        paper_result=np.array([r["paper_result"] == "1" for r in rows]),
        e2e=np.array([r["e2e_eligible"] == "1" for r in rows]),
        weights=_weights(fields),
    )


def _fee(row: dict[str, str]) -> int:
    if row["fee_bearing"] != "1":
        return 0
    return PROCEDURE_FEES.get(row["code"], FIELD_FEES.get(row["field_code"], 20_000))


def _weights(fields: list[str]) -> npt.NDArray[np.float64]:
    """Draw probabilities: the field's share split over its procedures with a Zipf-like fall."""
    weights = np.zeros(len(fields))
    rank: dict[str, int] = {}
    for i, f in enumerate(fields):
        rank[f] = rank.get(f, 0) + 1
        weights[i] = 1.0 / rank[f] ** 1.3
    for f in set(fields):
        mask = np.array([x == f for x in fields])
        weights[mask] *= FIELD_SHARES.get(f, OTHER_FIELD_SHARE) / weights[mask].sum()
    return weights / weights.sum()
