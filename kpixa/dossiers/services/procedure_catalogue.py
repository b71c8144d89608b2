"""The procedure catalogue: loading it from CSV or XLSX, upserted by code as verified.

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.dossiers.models import Procedure
from kpixa.dossiers.parsing import FormatError, open_source

PROCEDURE_COLUMNS = (
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


def import_procedures(path: str | Path, *, actor: User | None = None) -> dict[str, int]:
    """Load the catalogue from CSV/XLSX (columns in PROCEDURE_COLUMNS); upsert by code as verified."""
    rows = list(_procedure_rows(Path(path)))
    with transaction.atomic():
        existing = set(
            Procedure.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True)
        )
        Procedure.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[c for c in PROCEDURE_COLUMNS if c != "code"] + ["verified"],
        )
        counts = {"read": len(rows), "created": len(rows) - len(existing), "updated": len(existing)}
        audit.record(
            "dossiers.import_procedures",
            actor=actor,
            object_type="dossiers.Procedure",
            object_id=Path(path).name,
            after=counts,
        )
    return counts


def _procedure_rows(path: Path) -> Iterable[Procedure]:
    records: Iterable[Any]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        records = (rec for _row, rec in open_source(path, "xlsx").records)
    else:
        text = path.read_bytes().decode("utf-8-sig")
        records = csv.DictReader(io.StringIO(text, newline=""))
    for row, rec in enumerate(records, 1):
        yield _procedure(row, {k.strip(): (v or "").strip() for k, v in rec.items() if k})


def _procedure(row: int, rec: dict[str, str]) -> Procedure:
    if not rec.get("code") or not rec.get("name"):
        raise FormatError(f"Dòng {row}: thiếu mã hoặc tên thủ tục.")
    unit = rec.get("limit_unit") or "ngay_lam_viec"
    if unit not in ("gio", "ngay", "ngay_lam_viec", "thang"):
        raise FormatError(f"Dòng {row}: đơn vị thời hạn không hợp lệ '{unit}'.")
    try:
        limit = float(rec["limit_value"]) if rec.get("limit_value") else None
        cutoff = int(rec["cutoff_hour"]) if rec.get("cutoff_hour") else None
    except ValueError as exc:
        raise FormatError(f"Dòng {row}: thời hạn hoặc giờ chốt không phải là số.") from exc
    return Procedure(
        code=rec["code"],
        name=rec["name"],
        level=rec.get("level", ""),
        limit_value=limit,
        limit_unit=unit,
        cutoff_hour=cutoff,
        fee_bearing=rec.get("fee_bearing") == "1",
        paper_result=rec.get("paper_result") == "1",
        e2e_eligible=rec.get("e2e_eligible") == "1",
        field_code=rec.get("field_code", ""),
        field_name=rec.get("field_name", ""),
        verified=True,
    )
