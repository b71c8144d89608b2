"""Set-based ingest of one chunk of records: validate, compute facts, classify against what is
stored, bulk upsert, apply rollup deltas. The caller (services.importing.run_batch) owns the transaction.

Identity is (source system, record id). Against the stored version a record is:
``created`` (new), ``unchanged`` (same content hash), ``ignored`` (older: its latest time is
before the stored one's) or ``updated`` (anything else: newer, or as new with other content).
Records of a chunk are classified in row order, as if sent one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from kpixa.dossiers.facts import Facts, ProcedureInfo, compute_facts, is_certification, iter_flags
from kpixa.dossiers.models import (
    Dossier,
    Flag,
    ImportBatch,
    Petition,
    Procedure,
    Rating,
    Rejection,
    flag_params,
)
from kpixa.dossiers.parsing import aware, local
from kpixa.dossiers.records import (
    DossierRecord,
    Reject,
    ascii_int,
    date_field,
    record_hash,
    resolve_commune,
    split_payload,
    text,
)
from kpixa.dossiers.services import authority, copyload, history, rollups
from kpixa.dossiers.services.authority import Authority

CHUNK = 5000
STATUSES = ("created", "updated", "unchanged", "ignored", "rejected")


@dataclass
class RecordResult:
    """What happened to one input record (the API returns one per record)."""

    index: int
    key: str
    status: str
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how an accepted record was read (records.Note)


@dataclass
class Context:
    """What a batch's chunks share: the batch, look-ups, counters and per-record results."""

    batch: ImportBatch
    units: dict[str, int]
    allowed: set[int] | None
    procedures: dict[str, ProcedureInfo]
    now: datetime  # naive Vietnam-local
    counts: Counter[str] = field(default_factory=Counter)
    results: list[RecordResult] | None = None
    rejections: list[Rejection] = field(default_factory=list)
    fast_rows: int = 0  # rows written by the column-wise CSV path (fastpath.py)
    authority: Authority | None = None  # what the batch may write (None: unchecked)

    def result(
        self,
        index: int,
        key: str,
        status: str,
        reasons: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.counts[status] += 1
        if self.results is not None:
            self.results.append(RecordResult(index, key, status, reasons or [], notes or []))

    def reject(self, row: int, raw: Any, error: Reject, key: str = "") -> None:
        key = key or _record_key(raw)
        self.rejections.append(
            Rejection(
                batch=self.batch,
                row=row,
                record_key=key[:100],
                field=error.field[:60],
                value=error.value[:300],
                reason_vi=error.reason_vi[:500],
                raw=_jsonable(raw),
            )
        )
        self.result(row, key, "rejected", [error.reason_vi])

    def flush_rejections(self) -> None:
        Rejection.objects.bulk_create(self.rejections)
        self.rejections = []


def _jsonable(raw: Any) -> Any:
    # A record that was JSON null is kept as the text "null" (the column's SQL NULL is refused).
    if raw is None:
        return "null"
    return raw if isinstance(raw, dict | list | str | int | float | bool) else str(raw)


def _record_key(raw: Any) -> str:
    if not isinstance(raw, dict):
        return ""
    hoso: dict[str, Any] = raw["hoSo"] if isinstance(raw.get("hoSo"), dict) else raw
    for name in ("MaHoSo", "MaPAKN", "MaDanhGia"):
        if hoso.get(name):
            return str(hoso[name])[:100]
    return ""


def chunked(items: Iterable[Any], size: int | None = None) -> Iterator[list[Any]]:
    """Split an iterable into lists of at most ``size`` (default CHUNK) items."""
    size = size or CHUNK
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def load_procedures() -> dict[str, ProcedureInfo]:
    """The whole catalogue as code → ProcedureInfo (one query; a few thousand rows at most)."""
    fields = (
        "id",
        "code",
        "limit_value",
        "limit_unit",
        "cutoff_hour",
        "fee_bearing",
        "e2e_eligible",
        "field_code",
        "field_name",
    )
    return {
        code: ProcedureInfo(pk, limit, unit, cutoff, fee, e2e, is_certification(fcode, fname))
        for pk, code, limit, unit, cutoff, fee, e2e, fcode, fname in Procedure.objects.values_list(*fields)
    }


# --- classification -----------------------------------------------------------------------


@dataclass
class Stored:
    """The stored version of a record: its id, version marker and the facts it contributed."""

    version_at: datetime
    version_hash: str
    row: dict[str, Any]


def classify(
    items: Sequence[tuple[int, str, datetime, str]], stored: dict[str, Stored | None]
) -> tuple[list[str], dict[str, int]]:
    """Classify (row, key, version_at, hash) in row order; return statuses and key → winning item index."""
    current: dict[str, tuple[datetime, str] | None] = {
        k: (s.version_at, s.version_hash) if s else None for k, s in stored.items()
    }
    statuses, winners = [], {}
    for i, (_row, key, version_at, digest) in enumerate(items):
        cur = current.get(key)
        if cur is None:
            status = "created" if key not in winners else "updated"
        elif digest == cur[1]:
            status = "unchanged"
        elif version_at < cur[0]:
            status = "ignored"
        else:
            status = "updated"
        if status in ("created", "updated"):
            current[key], winners[key] = (version_at, digest), i
        statuses.append(status)
    return statuses, winners


def fetch_stored(
    model: type[models.Model], system: str, key_field: str, keys: list[str], fact_fields: tuple[str, ...]
) -> dict[str, Stored | None]:
    """The stored versions of ``keys`` (None for new ones), with the facts they contributed."""
    found: dict[str, Stored | None] = dict.fromkeys(keys)
    rows = model._default_manager.filter(
        source_system=system, **{f"{key_field}__in": copyload.key_set(keys)}
    ).values(key_field, "version_at", "version_hash", *fact_fields)
    for row in rows:
        found[row[key_field]] = Stored(local(row["version_at"]), row["version_hash"], row)  # type: ignore[arg-type]
    return found


# --- dossiers -----------------------------------------------------------------------------


def ensure_procedures(ctx: Context, records: Sequence[DossierRecord]) -> list[ProcedureInfo | None]:
    """Look up each record's procedure, adding unknown codes as unverified (and flagging them)."""
    missing: dict[str, DossierRecord] = {}
    for rec in records:
        if rec.procedure_code not in ctx.procedures:
            missing.setdefault(rec.procedure_code, rec)  # the first record names it
    if missing:
        Procedure.objects.bulk_create([_unverified(r) for r in missing.values()], ignore_conflicts=True)
        ctx.procedures = load_procedures()
        Flag.objects.bulk_create(
            [
                Flag(batch=ctx.batch, code="thu_tuc_chua_xac_minh", message_vi=message, params=params)
                for message, params in (flag_params("unknown_procedure", code=code) for code in missing)
            ]
        )
        ctx.counts["flagged"] += len(missing)
    return [ctx.procedures.get(r.procedure_code) for r in records]


def _unverified(rec: DossierRecord) -> Procedure:
    return Procedure(
        code=rec.procedure_code,
        name=rec.procedure_name or rec.procedure_code,
        verified=False,
        limit_value=rec.record_limit,
        limit_unit=rec.record_limit_unit,
        field_code=rec.field_code,
        field_name=rec.field_name,
    )


def validate_chunk(
    ctx: Context, chunk: list[tuple[int, Any]], digests: dict[int, str] | None = None
) -> list[tuple[int, Any, DossierRecord]]:
    """Validate records, sending failures to quarantine; return the valid ones.

    ``digests``: content hashes already computed, by row.
    """
    from kpixa.dossiers.records import validate_dossier

    digests = digests or {}
    valid = []
    for row, raw in chunk:
        try:
            valid.append((row, raw, validate_dossier(raw, ctx.units, ctx.allowed, digests.get(row), ctx.now)))
        except Reject as error:
            ctx.reject(row, raw, error)
    return valid


def _dossier_key(raw: Any) -> str:
    """MaHoSo as validation reads it ('' when the record has none or is malformed)."""
    try:
        return text(split_payload(raw)[0], "MaHoSo")
    except Reject:
        return ""


def skip_unchanged(
    ctx: Context, chunk: list[tuple[int, Any]]
) -> tuple[list[tuple[int, Any]], dict[int, str]]:
    """Count records identical to their stored version as unchanged without validating them.

    A re-sent file is mostly such records; hashing is far cheaper than validation. Keys sent
    twice in the chunk go the full way (their classification depends on row order). Returns
    the records left to process and the content hashes computed, by row.
    """
    keyed = [(row, raw, _dossier_key(raw), record_hash(raw)) for row, raw in chunk]
    seen = Counter(key for _row, _raw, key, _d in keyed)
    single = [key for key, n in seen.items() if key and n == 1]
    stored = dict(
        Dossier.objects.filter(
            source_system=ctx.batch.source_system, ma_ho_so__in=copyload.key_set(single)
        ).values_list("ma_ho_so", "version_hash")
    )
    rest = []
    for row, raw, key, digest in keyed:
        if seen[key] == 1 and stored.get(key) == digest:
            ctx.result(row, key, "unchanged")
        else:
            rest.append((row, raw))
    return rest, {row: digest for row, _raw, _key, digest in keyed}


def ingest_dossiers(ctx: Context, chunk: list[tuple[int, Any]]) -> None:
    """Ingest one chunk of dossier records (see the module docstring)."""
    chunk, digests = skip_unchanged(ctx, chunk)
    valid = validate_chunk(ctx, chunk, digests)
    procs = ensure_procedures(ctx, [rec for _r, _raw, rec in valid])
    facts = compute_facts([rec for _r, _raw, rec in valid], procs, ctx.now)
    kept = _drop_bad_ends(ctx, valid, procs, facts)
    ctx.flush_rejections()
    items = [(row, rec.ma_ho_so, rec.version_at, rec.version_hash) for row, _raw, rec, _p, _f in kept]
    # On PostgreSQL the old facts are snapshot in SQL (copyload), so only versions are fetched.
    fact_fields = () if copyload.available() else rollups.DOSSIER_FACT_FIELDS
    stored = fetch_stored(Dossier, ctx.batch.source_system, "ma_ho_so", [i[1] for i in items], fact_fields)
    statuses, winners = classify(items, stored)
    replacing = [key for key in winners if stored.get(key) is not None]
    previous = history.previous_rows(ctx.batch.source_system, replacing)
    refused = _refused(ctx, [kept[i] for i in winners.values()], previous)
    for (row, key, *_rest), status, (_row, raw, *_k) in zip(items, statuses, kept, strict=True):
        if key in refused and status in ("created", "updated"):  # authority.py: quarantined, not written
            ctx.reject(row, raw, refused[key], key)
        else:
            ctx.result(row, key, status, notes=_notes(_k[0]))
    ctx.flush_rejections()
    write = [kept[i] for key, i in winners.items() if key not in refused]
    common = {
        "source_system": ctx.batch.source_system,
        "batch_id": ctx.batch.pk,
        "ingested_at": timezone.now(),
    }
    values = [_dossier_values(common, rec, proc, f) for _row, _raw, rec, proc, f in write]
    replaced = _upsert_dossiers(values, history.staged_versions(ctx.batch) if previous else None)
    history.record(ctx.batch, previous, values)  # SQLite; on PostgreSQL done in the upsert
    _dossier_rollups(stored, values, replaced)
    _dossier_flags(ctx, write)


def _refused(
    ctx: Context,
    winning: list[tuple[int, Any, DossierRecord, Any, Facts]],
    previous: dict[str, dict[str, Any]],
) -> dict[str, Reject]:
    """The winning records the batch may not write, by key (kpixa/dossiers/services/authority.py)."""
    if ctx.authority is None:
        return {}
    written = [(rec.ma_ho_so, rec, f) for _row, _raw, rec, _p, f in winning]
    return authority.refused_writes(ctx.batch, ctx.authority, ctx.allowed, written, previous)


def _drop_bad_ends(
    ctx: Context, valid: list[tuple[int, Any, DossierRecord]], procs: list[Any], facts: list[Facts]
) -> list[tuple[int, Any, DossierRecord, Any, Facts]]:
    kept = []
    for (row, raw, rec), proc, f in zip(valid, procs, facts, strict=True):
        if f.end_at is not None and f.end_at < rec.received_at:
            error = Reject(
                f.end_source, f.end_at, gettext_noop("Thời điểm kết thúc xử lý trước ngày tiếp nhận hồ sơ.")
            )
            ctx.reject(row, raw, error, rec.ma_ho_so)
        else:
            kept.append((row, raw, rec, proc, f))
    return kept


DOSSIER_UPDATE_FIELDS = [
    f.name for f in Dossier._meta.concrete_fields if f.name not in ("id", "source_system", "ma_ho_so")
]


def _upsert_dossiers(values: list[dict[str, Any]], keep_versions: Callable[[Any], None] | None = None) -> int:
    """Insert or update the chunk's winning rows (COPY on PostgreSQL, bulk_create elsewhere);
    return how many stored rows they replaced (-1 when not counted). ``keep_versions``: run on
    PostgreSQL between staging and writing (history.staged_versions)."""
    if copyload.available():
        return copyload.upsert(values, keep_versions)
    Dossier.objects.bulk_create(
        [Dossier(**v) for v in values],
        update_conflicts=True,
        unique_fields=["source_system", "ma_ho_so"],
        update_fields=DOSSIER_UPDATE_FIELDS,
        batch_size=1000,
    )
    return -1


def _dossier_values(
    common: dict[str, Any], rec: DossierRecord, proc: ProcedureInfo | None, f: Facts
) -> dict[str, Any]:
    """A dossier row by column name (``common``: source_system, batch_id, ingested_at)."""
    return dict(
        common,
        ma_ho_so=rec.ma_ho_so,
        commune_id=rec.commune_id,
        procedure_id=proc.id if proc else None,
        procedure_code=rec.procedure_code,
        unit_code=rec.unit_code[:80],
        channel=rec.channel,
        status=rec.status,
        submitted_at=aware(rec.submitted_at),
        received_at=aware(rec.received_at),
        due_at=aware(rec.due_at),
        finished_at=aware(rec.finished_at),
        returned_at=aware(rec.returned_at),
        refused_at=aware(rec.refused_at),
        owner_name=rec.owner_name,
        owner_phone=rec.owner_phone,
        owner_id_masked=rec.owner_id_masked,
        steps=[_step_json(s) for s in rec.steps],
        supplements=[_supplement_json(s) for s in rec.supplements],
        effective_due_at=aware(f.effective_due_at),
        due_source=f.due_source,
        wait_seconds=f.wait_seconds,
        supplement_count=f.supplement_count,
        supplement_open=f.supplement_open,
        end_at=aware(f.end_at),
        end_source=f.end_source,
        on_time=f.on_time,
        overdue_at=aware(f.overdue_at),
        received_day=f.received_day,
        end_day=f.end_day,
        overdue_day=f.overdue_day,
        online=f.online,
        paid_online=f.paid_online,
        fee_bearing=f.fee_bearing,
        e2e_eligible=f.e2e_eligible,
        digitised=rec.digitised,
        e_result=rec.e_result,
        reused=rec.reused,
        vneid=rec.vneid,
        resident_data_used=rec.resident_data,
        late_receipt=f.late_receipt,
        synced_on_time=f.synced_on_time,
        certification=f.certification,
        version_at=aware(rec.version_at),
        version_hash=rec.version_hash,
    )


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def _step_json(step: Any) -> dict[str, Any]:
    return {
        "at": _iso(step.at),
        "status": step.status,
        "content": step.content,
        "handler": step.handler,
        "title": step.title,
        "department": step.department,
        "step_due": _iso(step.step_due),
    }


def _supplement_json(sup: Any) -> dict[str, Any]:
    return {
        "requested_at": _iso(sup.requested_at),
        "answered_at": _iso(sup.answered_at),
        "due_before": _iso(sup.due_before),
        "due_after": _iso(sup.due_after),
    }


def _dossier_rollups(stored: dict[str, Stored | None], values: list[dict[str, Any]], replaced: int) -> None:
    """Apply the chunk's rollup deltas: set-based from the staged tables on PostgreSQL."""
    if copyload.available():
        rollups.apply_staged_deltas(copyload.STAGE, copyload.OLD, replaced=replaced != 0)
        return
    deltas: Counter[rollups.Key] = Counter()
    per_procedure: Counter[Any] = Counter()
    old = [s.row for v in values if (s := stored.get(v["ma_ho_so"])) is not None]
    new = [{name: v[name] for name in rollups.DOSSIER_FACT_FIELDS} for v in values]
    rollups.contributions(old, rollups.DOSSIER_SPECS, -1, deltas)
    rollups.contributions(new, rollups.DOSSIER_SPECS, 1, deltas)
    rollups.procedure_contributions(old, -1, per_procedure)
    rollups.procedure_contributions(new, 1, per_procedure)
    rollups.apply_deltas(deltas)
    rollups.apply_procedure_deltas(per_procedure)


def _notes(rec: DossierRecord) -> list[str]:
    """The Vietnamese texts of how a record was read (records.Note), for its API result."""
    return [flag_params(template, key=rec.ma_ho_so, **values)[0] for _code, template, values in rec.flags]


def _dossier_flags(ctx: Context, written: list[tuple[int, Any, DossierRecord, Any, Facts]]) -> None:
    found = {rec.ma_ho_so: [*rec.flags, *iter_flags(rec, f)] for _row, _raw, rec, _p, f in written}
    write_flags(ctx, {k: v for k, v in found.items() if v})


def write_flags(ctx: Context, found: dict[str, list[tuple[str, str, dict[str, object]]]]) -> None:
    """Store the flags of stored dossiers of the batch, by key: (code, template id, values) each,
    in one look-up of their ids and one bulk insert (both import paths)."""
    if not found:
        return
    ids = dict(
        Dossier.objects.filter(
            source_system=ctx.batch.source_system, ma_ho_so__in=copyload.key_set(list(found))
        ).values_list("ma_ho_so", "id")
    )
    flags = [
        Flag(batch=ctx.batch, dossier_id=ids[key], code=code, message_vi=message, params=params)
        for key, items in found.items()
        for code, template, values in items
        for message, params in (flag_params(template, key=key, **values),)
    ]
    Flag.objects.bulk_create(flags)
    ctx.counts["flagged"] += len(flags)


# --- petitions and ratings ----------------------------------------------------------------

# Working days to handle a petition when HanXuLy is missing (docs/rules.md, "The service index").
PETITION_DAYS = 15
RATING_SUBJECTS = {"1": "dossier", "hoso": "dossier", "2": "petition", "pakn": "petition"}


def _petition(ctx: Context, raw: Any) -> Petition:
    rec, _steps = split_payload(raw)
    code = text(rec, "MaPAKN")
    if not code:
        raise Reject("MaPAKN", "", gettext_noop("Thiếu mã phản ánh, kiến nghị (MaPAKN)."))
    commune_id = resolve_commune(rec, ctx.units, ctx.allowed)
    received = date_field(rec, "NgayTiepNhan", required=True)
    assert received is not None
    handled = date_field(rec, "NgayXuLy")
    if handled is not None and handled < received:
        raise Reject("NgayXuLy", rec.get("NgayXuLy"), gettext_noop("Ngày xử lý xong trước ngày tiếp nhận."))
    due = date_field(rec, "HanXuLy") or _petition_due(received)
    status = text(rec, "TrangThai") or "1"
    if ascii_int(status) is None:
        raise Reject(
            "TrangThai",
            status,
            gettext_noop("Mã trạng thái không hợp lệ: '%(status)s'.") % {"status": status},
        )
    return Petition(
        source_system=ctx.batch.source_system,
        code=code[:100],
        commune_id=commune_id,
        title=text(rec, "TieuDe")[:500],
        status=int(status),
        received_at=aware(received),
        due_at=aware(due),
        handled_at=aware(handled),
        on_time=None if handled is None else handled <= due,
        count_day=(handled or due).date(),
        version_at=aware(max(d for d in (received, handled) if d)),
        version_hash=record_hash(raw),
        batch=ctx.batch,
    )


def _petition_due(received: datetime) -> datetime:
    from kpixa.workdays.calendar import get_calendar

    due = local(get_calendar().due_at(received, PETITION_DAYS, "ngay_lam_viec"))
    assert due is not None
    return due


def _rating(ctx: Context, raw: Any) -> Rating:
    rec, _steps = split_payload(raw)
    code = text(rec, "MaDanhGia")
    if not code:
        raise Reject("MaDanhGia", "", gettext_noop("Thiếu mã đánh giá (MaDanhGia)."))
    commune_id = resolve_commune(rec, ctx.units, ctx.allowed)
    subject = RATING_SUBJECTS.get(text(rec, "DoiTuong").lower())
    if subject is None:
        raise Reject(
            "DoiTuong",
            text(rec, "DoiTuong"),
            gettext_noop("Đối tượng đánh giá phải là 1 (hồ sơ) hoặc 2 (PAKN)."),
        )
    level = text(rec, "MucDoHaiLong")
    if level not in ("1", "2", "3", "4"):
        raise Reject("MucDoHaiLong", level, gettext_noop("Mức độ hài lòng phải là 1, 2, 3 hoặc 4."))
    rated = date_field(rec, "NgayDanhGia", required=True)
    assert rated is not None
    return Rating(
        source_system=ctx.batch.source_system,
        code=code[:100],
        commune_id=commune_id,
        subject=subject,
        subject_code=text(rec, "MaDoiTuong")[:100],
        level=int(level),
        satisfied=int(level) <= 2,
        rated_at=aware(rated),
        rated_day=rated.date(),
        version_at=aware(rated),
        version_hash=record_hash(raw),
        batch=ctx.batch,
    )


SIMPLE_KINDS: dict[str, tuple[Any, type[models.Model], tuple[str, ...]]] = {
    "petition": (_petition, Petition, rollups.PETITION_FACT_FIELDS),
    "rating": (_rating, Rating, rollups.RATING_FACT_FIELDS),
}


def ingest_simple(ctx: Context, chunk: list[tuple[int, Any]]) -> None:
    """Ingest one chunk of petitions or ratings (same identity and classification as dossiers)."""
    build, model, fact_fields = SIMPLE_KINDS[ctx.batch.kind]
    objs: list[tuple[int, Any]] = []
    for row, raw in chunk:
        try:
            objs.append((row, build(ctx, raw)))
        except Reject as error:
            ctx.reject(row, raw, error)
    ctx.flush_rejections()
    items = [(row, o.code, local(o.version_at), o.version_hash) for row, o in objs]
    stored = fetch_stored(model, ctx.batch.source_system, "code", [i[1] for i in items], fact_fields)
    statuses, winners = classify(items, stored)  # type: ignore[arg-type]
    winning = [objs[i][1] for i in winners.values()]
    refused = authority.refused_simple_writes(ctx.batch, ctx.authority, ctx.allowed, winning, stored)
    raws = dict(chunk)
    for (row, key, *_r), status in zip(items, statuses, strict=True):
        if key in refused and status in ("created", "updated"):  # authority.py: quarantined, not written
            ctx.reject(row, raws[row], refused[key], key)
        else:
            ctx.result(row, key, status)
    ctx.flush_rejections()
    write = [o for o in winning if o.code not in refused]
    update = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "source_system", "code")]
    model._default_manager.bulk_create(
        write, update_conflicts=True, unique_fields=["source_system", "code"], update_fields=update
    )
    deltas: Counter[rollups.Key] = Counter()
    specs = rollups.SPECS_BY_MODEL[model]
    rollups.contributions([s.row for o in write if (s := stored.get(o.code)) is not None], specs, -1, deltas)
    rollups.contributions([{n: getattr(o, n) for n in fact_fields} for o in write], specs, 1, deltas)
    rollups.apply_deltas(deltas)


def ingest_chunk(ctx: Context, chunk: list[tuple[int, Any]]) -> None:
    """Ingest one chunk of the batch's kind of record."""
    ctx.counts["read"] += len(chunk)
    if ctx.authority is not None and ctx.authority.refusal is not None:
        authority.refuse_all(ctx, chunk, ctx.authority.refusal)
        return
    if ctx.batch.kind == "dossier":
        ingest_dossiers(ctx, chunk)
    else:
        ingest_simple(ctx, chunk)


def now_local() -> datetime:
    """The current time as naive Vietnam-local time."""
    return (timezone.now() + timedelta(0)).astimezone(timezone.get_fixed_timezone(420)).replace(tzinfo=None)
