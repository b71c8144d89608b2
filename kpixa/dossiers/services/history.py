"""Every version of a stored dossier that a batch replaces is kept (docs/dossier-format.md,
"History").

Written set-based by the ingest: per chunk, one query reads the stored rows the chunk's winning
records will replace (none at all for a chunk of new records, so a first import pays nothing)
and one ``bulk_create`` writes a ``DossierVersion`` per replaced row with the field-level diff
(``{field: [before, after]}``); the previous values follow from it (``as_before``). The
column-wise CSV path writes only new rows; a stored key always goes through the per-record
path, so no replacement escapes the history. A purpose-built table rather than
django-simple-history (per-save signals, which bulk upserts and COPY never send) or
django-pghistory (PostgreSQL triggers; the project runs on SQLite too): see
docs/dossier-format.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.db import connection
from django.utils import timezone

from kpixa.dossiers.models import Dossier, DossierVersion, ImportBatch
from kpixa.dossiers.services import copyload

# What a version keeps and compares: every stored column but the identity and the bookkeeping
# of the write itself (which batch, when received; the version rows record those).
FIELDS: tuple[str, ...] = tuple(
    f.attname
    for f in Dossier._meta.concrete_fields
    if f.attname not in ("id", "source_system", "ma_ho_so", "batch_id", "ingested_at", "version_hash")
)


VN = dt_timezone(timedelta(hours=7))  # Vietnam keeps no daylight saving time: one fixed offset
# The stored values the ingest's checks read (kpixa/dossiers/services/authority.py).
CHECKED = ("commune_id", "on_time", "end_day", "overdue_day", "received_day")


def previous_rows(system: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored rows of ``keys`` in ``system``, by key (one query): every FIELD where the diff
    is computed here (SQLite), the checked ones where the database computes it (PostgreSQL)."""
    if not keys:
        return {}
    fields = CHECKED if copyload.available() else FIELDS
    rows = Dossier.objects.filter(source_system=system, ma_ho_so__in=copyload.key_set(list(keys))).values(
        "ma_ho_so", "id", "batch_id", *fields
    )
    return {row["ma_ho_so"]: row for row in rows}


def jsonable(value: Any) -> Any:
    """A stored value as JSON: times in Vietnam time, ISO 8601 with the offset."""
    if isinstance(value, datetime):
        return (value.astimezone(VN) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} of the FIELDS whose value changed."""
    return {name: [jsonable(old[name]), jsonable(new[name])] for name in FIELDS if old[name] != new[name]}


def actor_label(batch: ImportBatch) -> str:
    """Who wrote a batch, in words: the user, the API client, or the operator's import."""
    if batch.created_by_id is not None:
        return str(batch.created_by)
    if batch.channel == "api":
        return batch.file_name or "api"
    return f"{batch.channel}:{batch.source_system}"


def record(batch: ImportBatch, previous: dict[str, dict[str, Any]], values: Iterable[dict[str, Any]]) -> int:
    """Keep the version each written row replaced (its diff); return how many were kept.

    The SQLite path: on PostgreSQL ``staged_versions`` does it in the database, before the upsert.
    """
    if not previous or copyload.available():
        return 0
    now, label = timezone.now(), actor_label(batch)[:200]
    versions = [
        DossierVersion(
            dossier_id=old["id"],
            batch_id=batch.pk,
            previous_batch_id=old["batch_id"],
            changed_at=now,
            actor_id=batch.created_by_id,
            actor_label=label,
            changes=diff(old, new),
        )
        for new in values
        if (old := previous.get(new["ma_ho_so"])) is not None
    ]
    DossierVersion.objects.bulk_create(versions, batch_size=1000)
    return len(versions)


def staged_versions(batch: ImportBatch) -> Callable[[Any], None]:
    """PostgreSQL: the statement that keeps, for every staged row (``copyload.STAGE``) that
    replaces a stored one, the version it replaces, its diff computed by the database column by
    column (run by ``copyload.upsert`` before it writes)."""
    table, version_table = Dossier._meta.db_table, DossierVersion._meta.db_table
    changed = " || ".join(
        f"CASE WHEN d.{name} IS DISTINCT FROM s.{name} "
        f"THEN jsonb_build_object('{name}', jsonb_build_array(d.{name}, s.{name})) ELSE '{{}}'::jsonb END"
        for name in FIELDS
    )
    sql = (
        f"INSERT INTO {version_table} "  # noqa: S608 — names from code, values as parameters
        "(dossier_id, batch_id, previous_batch_id, changed_at, actor_id, actor_label, changes) "
        f"SELECT d.id, %s, d.batch_id, %s, %s, %s, {changed} "
        f"FROM {table} d JOIN {copyload.STAGE} s "
        "ON d.source_system = s.source_system AND d.ma_ho_so = s.ma_ho_so"
    )
    params = [batch.pk, timezone.now(), batch.created_by_id, actor_label(batch)[:200]]

    def run(cursor: Any) -> None:
        # Times as JSON in Vietnam time, like the SQLite path; the session's zone is restored.
        cursor.execute("SELECT set_config('TimeZone', 'Asia/Ho_Chi_Minh', true)")
        cursor.execute(sql, params)
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [connection.timezone_name])

    return run


def versions_of(dossier: Dossier) -> list[DossierVersion]:
    """A dossier's kept versions, newest first, with their batches (one query)."""
    return list(dossier.versions.select_related("batch").order_by("-id"))


def as_before(dossier: Dossier, versions: Sequence[DossierVersion]) -> list[dict[str, Any]]:
    """Every previous version of ``dossier`` in full, newest first: the current values with each
    version's "before" values applied in turn (``versions`` newest first, as ``versions_of``)."""
    current = {name: jsonable(getattr(dossier, name)) for name in FIELDS}
    found = []
    for version in versions:
        current = {**current, **{name: pair[0] for name, pair in version.changes.items()}}
        found.append(current)
    return found


# --- petitions and ratings ----------------------------------------------------------------------
# Their versions are kept by database triggers (migration 0009): ``RecordVersion`` rows hold the
# replaced and the new row in full; what changed, who wrote it and when follow from them here.

# The row's bookkeeping, not its content: left out of what changed.
RECORD_BOOKKEEPING = ("id", "batch_id", "version_at", "version_hash")


def record_versions(kind: str, record: Any) -> list[dict[str, Any]]:
    """Every kept version of a petition or a rating (``kind``), newest first: when, which batch,
    who (its writer, in words), the batch of the replaced version and ``{field: [before, after]}``
    of what changed (two queries)."""
    from kpixa.dossiers.models import RecordVersion

    rows = list(RecordVersion.objects.filter(kind=kind, record_id=record.pk).order_by("-id"))
    batches = {
        b.pk: b
        for b in ImportBatch.objects.filter(pk__in={r.batch_id for r in rows}).select_related("created_by")
    }
    found = []
    for row in rows:
        batch = batches.get(row.batch_id) if row.batch_id is not None else None
        changes = {
            name: [row.before_values.get(name), value]
            for name, value in row.after_values.items()
            if name not in RECORD_BOOKKEEPING and _differs(row.before_values.get(name), value)
        }
        found.append(
            {
                "changed_at": row.changed_at,
                "batch_id": row.batch_id,
                "previous_batch_id": row.previous_batch_id,
                "actor": actor_label(batch) if batch is not None else "",
                "changes": changes,
            }
        )
    return found


def _differs(before: Any, after: Any) -> bool:
    """Values of a JSON row differ (SQLite writes booleans as 0/1, PostgreSQL as true/false)."""
    if isinstance(before, bool) or isinstance(after, bool):
        return bool(before) != bool(after) or (before is None) != (after is None)
    return before != after
