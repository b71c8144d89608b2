"""Every version of a stored dossier that a batch replaces is kept (docs/dossier-format.md,
"History").

Written set-based by the ingest: per chunk, one query reads the stored rows the chunk's winning
records will replace (none at all for a chunk of new records, so a first import pays nothing)
and one ``bulk_create`` writes a ``DossierVersion`` per replaced row with the previous values
and the field-level diff. The column-wise CSV path writes only new rows; a stored key always
goes through the per-record path, so no replacement escapes the history. A purpose-built table
rather than django-simple-history (per-save signals, which bulk upserts and COPY never send)
or django-pghistory (PostgreSQL triggers; the project runs on SQLite too): see
docs/dossier-format.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from kpixa.dossiers import copyload
from kpixa.dossiers.models import Dossier, DossierVersion, ImportBatch

# What a version keeps and compares: every stored column but the identity and the bookkeeping
# of the write itself (which batch, when received; the version rows record those).
FIELDS: tuple[str, ...] = tuple(
    f.attname
    for f in Dossier._meta.concrete_fields
    if f.attname not in ("id", "source_system", "ma_ho_so", "batch_id", "ingested_at", "version_hash")
)


def previous_rows(system: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored rows of ``keys`` in ``system`` (with their id and batch), by key (one query)."""
    if not keys:
        return {}
    rows = Dossier.objects.filter(source_system=system, ma_ho_so__in=copyload.key_set(list(keys))).values(
        "id", "ma_ho_so", "batch_id", *FIELDS
    )
    return {row["ma_ho_so"]: row for row in rows}


def jsonable(value: Any) -> Any:
    """A stored value as JSON: times in the local time zone (Vietnam), ISO 8601 with the offset."""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} of the fields whose value changed."""
    return {name: [jsonable(old[name]), jsonable(new[name])] for name in FIELDS if old[name] != new[name]}


def actor_label(batch: ImportBatch) -> str:
    """Who wrote a batch, in words: the user, the API client, or the operator's import."""
    if batch.created_by_id is not None:
        return str(batch.created_by)
    if batch.channel == "api":
        return batch.file_name or "api"
    return f"{batch.channel}:{batch.source_system}"


def record(batch: ImportBatch, previous: dict[str, dict[str, Any]], values: Iterable[dict[str, Any]]) -> int:
    """Keep the version each written row replaced; return how many were kept."""
    if not previous:
        return 0
    now, label = timezone.now(), actor_label(batch)
    versions = [
        DossierVersion(
            dossier_id=old["id"],
            batch_id=batch.pk,
            previous_batch_id=old["batch_id"],
            changed_at=now,
            actor_id=batch.created_by_id,
            actor_label=label[:200],
            previous={name: jsonable(old[name]) for name in FIELDS},
            changes=diff(old, new),
        )
        for new in values
        if (old := previous.get(new["ma_ho_so"])) is not None
    ]
    DossierVersion.objects.bulk_create(versions, batch_size=1000)
    return len(versions)


def versions_of(dossier: Dossier) -> list[DossierVersion]:
    """A dossier's kept versions, newest first, with their batches (one query)."""
    return list(dossier.versions.select_related("batch").order_by("-id"))
