"""Counts a source system declares about itself, per commune and month: what indicator 1.4's
completeness ratio divides by (docs/rules.md, "The service index", 1.4).

A JSON batch may declare them beside its records as ``TongHop.TheoDonVi``, a list of
``{"DonViXuLy": "<commune code>", "Thang": "YYYY-MM", "SoHoSoTiepNhan": <int>}`` (the dossiers
the system itself received for that commune in that month, synced or not); a later declaration
of the same system, commune and month replaces the earlier one (docs/dossier-format.md,
"Declared totals").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.dossiers.models import DeclaredCount, Flag, ImportBatch, flag_params

PER_UNIT_KEY = "TheoDonVi"
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
MAX_DECLARED = 10_000_000  # far above any commune's monthly dossiers

MonthCount = tuple[int, date, int]  # (commune id, first day of the month, dossiers received)


def declare_counts(
    source_system: str,
    counts: Iterable[MonthCount],
    *,
    batch: ImportBatch | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> int:
    """Store (replace) the declared monthly counts of ``source_system``; return how many (2 queries
    and one audit entry, whatever their number)."""
    now = timezone.now()
    rows = {
        (commune_id, month.replace(day=1)): DeclaredCount(
            source_system=source_system,
            commune_id=commune_id,
            month=month.replace(day=1),
            received=received,
            batch=batch,
            declared_at=now,
        )
        for commune_id, month, received in counts
    }
    if not rows:
        return 0
    with transaction.atomic():
        DeclaredCount.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["source_system", "commune", "month"],
            update_fields=["received", "batch", "declared_at"],
        )
        audit.record(
            "dossiers.declare_counts",
            actor=actor,
            actor_label=actor_label,
            object_type="dossiers.DeclaredCount",
            object_id=batch.pk if batch is not None else "",
            after={"source_system": source_system, "rows": len(rows)},
        )
    return len(rows)


def read_per_unit(
    declared: dict[str, Any] | None, units: dict[str, int], allowed: set[int] | None
) -> tuple[list[MonthCount], list[tuple[int, str]]]:
    """The (commune, month, count) triples of ``TongHop.TheoDonVi`` and the items not read, as
    (1-based index, why in Vietnamese)."""
    items = (declared or {}).get(PER_UNIT_KEY)
    if not isinstance(items, list):
        return [], []
    counts: list[MonthCount] = []
    unread: list[tuple[int, str]] = []
    for index, item in enumerate(items, 1):
        found = _item(item, units, allowed)
        if isinstance(found, str):
            unread.append((index, found))
        else:
            counts.append(found)
    return counts, unread


def _item(item: Any, units: dict[str, int], allowed: set[int] | None) -> MonthCount | str:
    if not isinstance(item, dict):
        return "không phải một đối tượng"
    commune_id = units.get(str(item.get("DonViXuLy", "")).strip())
    if commune_id is None or (allowed is not None and commune_id not in allowed):
        return "DonViXuLy không phải xã/phường được phép gửi"
    match = MONTH.fullmatch(str(item.get("Thang", "")).strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        return "Thang phải có dạng YYYY-MM"
    raw = item.get("SoHoSoTiepNhan")
    received = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if received is None and isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        received = int(raw.strip())
    if received is None or not 0 <= received <= MAX_DECLARED:
        return "SoHoSoTiepNhan phải là số nguyên không âm"
    return commune_id, date(int(match[1]), int(match[2]), 1), received


def store_from_batch(
    batch: ImportBatch,
    declared: dict[str, Any] | None,
    units: dict[str, int],
    allowed: set[int] | None,
    actor: User | None = None,
) -> int:
    """Store a batch's ``TongHop.TheoDonVi`` and flag the items not read; return the flags added."""
    counts, unread = read_per_unit(declared, units, allowed)
    declare_counts(batch.source_system, counts, batch=batch, actor=actor)
    flags = []
    for index, why in unread:
        message, params = flag_params("declared_count_unread", index=index, why=why)
        flags.append(Flag(batch=batch, code="khai_bao_khong_doc_duoc", message_vi=message, params=params))
    Flag.objects.bulk_create(flags)
    return len(flags)


def _months(start: date, end: date) -> list[date] | None:
    """The first days of the whole months making up [start, end]; None when it is not whole months."""
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return None
    months, month = [], start
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=31)).replace(day=1)
    return months


def declared_received(ids: list[int], start: date, end: date) -> dict[int, int]:
    """Dossiers the source systems declared each commune received over [start, end] (one query):
    the sum over systems and months, for the communes with EVERY month of the period declared
    (by at least one system); the others are absent (not measurable)."""
    months = _months(start, end)
    if not months:
        return {}
    rows = (
        DeclaredCount.objects.filter(commune_id__in=ids, month__gte=start, month__lte=end)
        .values("commune_id")
        .annotate(total=Sum("received"), months=Count("month", distinct=True))
        .order_by()
    )
    return {r["commune_id"]: r["total"] for r in rows if r["months"] == len(months)}
