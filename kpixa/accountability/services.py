"""The set-based accountability pass and the province's review (docs/flags.md).

``detect_dossiers`` reads the stored dossiers (and their versions) in a few queries, applies the
pure rules of ``kpixa.rules.steps`` to each and brings the stored flags and delays in line:
new findings are inserted, changed ones updated (their review kept), vanished open ones deleted.
A re-run over the same data changes nothing. It runs after every committed dossier batch
(``receivers.batch_saved``) and from the ``detect_flags`` command; ``detect_period`` adds the
unit-level ``period_end_burst``.

``review_flag`` is the only state change a person makes: confirm or dismiss with a note, audited.
"""

from __future__ import annotations

import gc
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from django.db import connection, transaction
from django.db.models import Count, JSONField, Model, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.accountability import candidates
from kpixa.accountability.models import AccountabilityFlag, DossierDelay, FlagStatus, SyncExclusion
from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.dossiers.models import Dossier, DossierVersion
from kpixa.dossiers.step_analysis import naive_local as local
from kpixa.dossiers.step_analysis import parse_time as _parse
from kpixa.dossiers.step_analysis import step_rows, supplement_rows
from kpixa.rules import steps as rules
from kpixa.scoring.engine.periods import PeriodSpan, parse_period, previous
from kpixa.units.models import Province

logger = logging.getLogger(__name__)

CHUNK = 10_000
# The JSON columns the pass reads: fetched as text and decoded with orjson (``_json``).
JSON_FIELDS = ("steps", "supplements")
FIELDS = (
    "id",
    "commune_id",
    "ma_ho_so",
    "status",
    "received_at",
    "due_at",
    "effective_due_at",
    "end_at",
    "steps",
    "supplements",
    "synced_on_time",
    "late_receipt",
    "end_day",
    "received_day",
    "on_time",
    "overdue_day",
    "version_at",
    "ingested_at",
)
# A record reaching kpixa more than this long after its last change is a back-fill of history,
# not a sync fault: it is not flagged sync_late for arriving late.
BACKFILL_DAYS = 30
# How many earlier periods of the same kind make a commune's own pattern for period_end_burst.
BURST_HISTORY_PERIODS = 3


class ReviewError(ValueError):
    """A review the service refuses (Vietnamese message)."""


@dataclass
class Result:
    """What one pass changed."""

    dossiers: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kinds: Counter[str] = field(default_factory=Counter)

    def add(self, other: Result) -> None:
        self.dossiers += other.dossiers
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.kinds.update(other.kinds)


def _history(
    versions: Sequence[dict[str, list[Any]]], name: str, current: datetime | None
) -> list[datetime | None]:
    """The values a field had, oldest first, the current one last (from the versions' diffs)."""
    before = [_parse(changes[name][0]) for changes in versions if name in changes]
    return [*before, current]


# --- the per-dossier pass ---------------------------------------------------------------------


@dataclass
class Analysis:
    """What the rules found in one dossier."""

    findings: list[rules.Finding]
    delay: dict[str, Any] | None


def analyse(
    row: dict[str, Any],
    versions: Sequence[dict[str, list[Any]]],
    calendar: Any,
    t: rules.Thresholds,
    as_of: datetime,
) -> Analysis:
    """Apply every dossier-level detector and the lateness attribution to one stored dossier."""
    received = local(row["received_at"])
    assert received is not None
    due, effective, end = local(row["due_at"]), local(row["effective_due_at"]), local(row["end_at"])
    steps, sups = step_rows(row["steps"]), supplement_rows(row["supplements"])
    # ``may_pass_around``: False when the pass read the row knowing it has too few hand steps
    # for pass_around (candidates.hands); absent when every dossier is read.
    found: list[rules.Finding | None] = [
        rules.pass_around(steps, sups, t) if row.get("may_pass_around", True) else None
    ]
    found += rules.supplement_findings(calendar, sups, due, t)
    found.append(rules.due_extended(_history(versions, "due_at", due), t))
    found.append(rules.backdated_end(end, steps, _history(versions, "end_at", end)[:-1], t))
    found.append(rules.refused_near_due(calendar, row["status"], end, effective, received, t))
    if row["late_receipt"]:
        found.append(rules.Finding(rules.LATE_RECEIPT, "over_8_working_hours", {}))
    # A record that reached kpixa late matters only where the dossier is not on time (a bulk
    # import of old records arrives "late" every time); an end changed after the fact always does.
    not_on_time = row["on_time"] is False or (row["on_time"] is None and row["overdue_day"] is not None)
    backfill = row["ingested_at"] - row["version_at"] > timedelta(days=BACKFILL_DAYS)
    arrived_on_time = row["synced_on_time"] or not not_on_time or backfill
    sync = rules.sync_late(arrived_on_time, _history(versions, "end_at", end) if versions else ())
    found.append(sync)
    findings = [f for f in found if f is not None]
    finish = end or as_of
    late = effective is not None and finish > effective
    if not late and not any(st.step_due and st.at and st.at > st.step_due for st in steps):
        return Analysis(findings, None)  # nothing to attribute: skip the hours
    lateness = rules.who_made_it_late(
        calendar,
        received_at=received,
        effective_due_at=effective,
        end_at=end,
        steps=steps,
        supplements=sups,
        as_of=None if end else as_of,
        sync_late=sync is not None,
    )
    return Analysis(findings, _delay(lateness))


def _delay(lateness: rules.Lateness) -> dict[str, Any] | None:
    late_steps = [s for s in lateness.spans if s.late]
    if lateness.cause is None and not late_steps:
        return None
    departments: dict[str, dict[str, float]] = defaultdict(
        lambda: {"late_steps": 0, "hours_over": 0.0, "overrun_hours": 0.0}
    )
    for s in lateness.spans:
        if not (s.late or s.overrun_hours > 0):
            continue
        d = departments[s.department or s.handler]
        d["late_steps"] += int(s.late)
        d["hours_over"] = round(d["hours_over"] + s.hours_over, 2)
        d["overrun_hours"] = round(d["overrun_hours"] + s.overrun_hours, 2)
    return {
        "cause": lateness.cause or "",
        "overrun_hours": round(lateness.overrun_hours, 2),
        "late_steps": len(late_steps),
        "hours_over": round(sum(s.hours_over for s in late_steps), 2),
        "departments": dict(departments),
    }


def pass_as_of() -> datetime:
    """Open dossiers are judged at the start of the day of the pass (a re-run the same day
    gives the same hours)."""
    now = timezone.localtime().replace(tzinfo=None)
    return datetime.combine(now.date(), datetime.min.time())


def detect_dossiers(dossier_ids: Iterable[int], *, as_of: datetime | None = None) -> Result:
    """Run the dossier-level detectors on the given stored dossiers and store what they find."""
    ids = sorted(set(dossier_ids))
    return detect_scope(Dossier.objects.filter(id__in=ids), ids, as_of=as_of)


@contextmanager
def _young_objects_only() -> Iterator[None]:
    """Let the garbage collector look only at the objects made from now on: the pass makes
    many short-lived objects, and in an importing process every full collection they trigger
    would also walk everything the import holds (``gc.freeze``; nothing is freed early or late
    but cycles among the frozen objects, which wait for the end of the block). Leaves a
    freeze made by someone else (a preforking server) alone."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def detect_scope(scope: QuerySet[Dossier], ids: Sequence[int], *, as_of: datetime | None = None) -> Result:
    """The pass over the dossiers of ``scope`` whose sorted ids are ``ids``, read in chunks of
    CHUNK by id range (a range, not a list of ids, keeps each query short). On PostgreSQL only
    the dossiers some rule could find something in are read (``candidates``)."""
    with _young_objects_only():
        return _detect_scope(scope, ids, as_of=as_of)


def _detect_scope(scope: QuerySet[Dossier], ids: Sequence[int], *, as_of: datetime | None = None) -> Result:
    from kpixa.workdays.calendar import get_calendar

    result = Result()
    calendar, when = get_calendar(), as_of or pass_as_of()
    by_province: dict[str, rules.Thresholds] = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        rows: QuerySet[Any]
        if candidates.available():
            # By the chunk's ids, not the scope's filter: right after a batch's commit the planner
            # has no statistics for its rows and scanned the whole batch for every chunk. A dense
            # chunk (a batch's ids) is read by id range, the rows of other scopes dropped after.
            dense = part[-1] - part[0] < 2 * len(part)
            rows = Dossier.objects.annotate(may_pass_around=candidates.hands()).filter(
                candidates.condition(when, BACKFILL_DAYS),
                **(
                    {"id__gte": part[0], "id__lte": part[-1]}
                    if dense
                    else {"id__in": RawSQL("SELECT unnest(%s::bigint[])", [list(part)])}  # noqa: S611
                ),
            )
        else:
            rows = scope.filter(id__gte=part[0], id__lte=part[-1])
        result.add(_detect_chunk(rows, part, calendar, when, by_province))
    return result


def _detect_chunk(
    chunk: QuerySet[Any],
    part: Sequence[int],
    calendar: Any,
    as_of: datetime,
    by_province: dict[str, rules.Thresholds],
) -> Result:
    """Analyse the dossiers of ``chunk`` (those of ``part`` the rules need to see) and store what
    they find; ``part`` (the scope's ids from part[0] to part[-1]) bounds what a vanished
    finding deletes."""
    lo, hi = part[0], part[-1]
    ids = set(part)
    extra = ["may_pass_around"] if "may_pass_around" in chunk.query.annotations else []
    texts = {f"{name}_text": Cast(name, output_field=TextField()) for name in JSON_FIELDS}
    plain = [name for name in FIELDS if name not in JSON_FIELDS]
    rows = []
    for row in chunk.annotate(**texts).values(*plain, *extra, *texts, "commune__province__code"):
        if row["id"] in ids:
            for name in JSON_FIELDS:
                row[name] = _json(row.pop(f"{name}_text"))
            rows.append(row)
    versions: dict[int, list[dict[str, list[Any]]]] = defaultdict(list)
    if rows:
        for dossier_id, changes in (
            DossierVersion.objects.filter(dossier_id__gte=lo, dossier_id__lte=hi)
            .order_by("id")
            .values_list("dossier_id", "changes")
        ):
            versions[dossier_id].append(changes)
    flags: dict[tuple[int, str], dict[str, Any]] = {}
    delays: dict[int, dict[str, Any]] = {}
    for row in rows:
        code = row["commune__province__code"]
        t = by_province.get(code)
        if t is None:
            t = by_province[code] = candidates.thresholds_for(code)
        found = analyse(row, versions.get(row["id"], []), calendar, t, as_of)
        day = row["end_day"] or row["received_day"]
        for f in found.findings:
            flags[(row["id"], f.kind)] = {
                "commune_id": row["commune_id"],
                "dossier_id": row["id"],
                "ma_ho_so": row["ma_ho_so"],
                "kind": f.kind,
                "reason": f.reason,
                "evidence": f.evidence,
                "day": day,
            }
        if found.delay is not None:
            delays[row["id"]] = {
                "dossier_id": row["id"],
                "commune_id": row["commune_id"],
                "day": day,
                **found.delay,
            }
    with transaction.atomic():
        result = _store_flags(lo, hi, ids, flags)
        _store_delays(lo, hi, ids, delays)
    result.dossiers = len(part)
    return result


def _json(text: str | None) -> Any:
    """A JSON column read as text, decoded as ``JSONField`` would (orjson, else json for what
    orjson refuses, such as integers beyond 64 bits)."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _json_text(value: Any) -> str:
    """A JSON column's value as text for ``COPY`` (orjson; json for what orjson refuses). The
    database stores it as jsonb, so the same value gives the same stored row either way."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


FLAG_FIELDS = ("reason", "evidence", "day", "commune_id")
# A new dossier flag's other columns (written by COPY, which sets no model defaults).
NEW_FLAG: dict[str, Any] = {
    "period_code": "",
    "status": FlagStatus.OPEN.value,
    "reviewer_note": "",
    "reviewed_by_id": None,
    "reviewed_at": None,
}


def _store_flags(lo: int, hi: int, ids: set[int], new: dict[tuple[int, str], dict[str, Any]]) -> Result:
    result = Result(kinds=Counter(k for _, k in new))
    stored = AccountabilityFlag.objects.filter(dossier_id__gte=lo, dossier_id__lte=hi)
    existing = {
        (row[1], row[2]): (row[0], row[3], row[4:])
        for row in stored.values_list("id", "dossier_id", "kind", "status", *FLAG_FIELDS)
    }
    create = [f for key, f in new.items() if key not in existing]
    update = []
    for key, f in new.items():
        old = existing.get(key)
        if old is not None and old[2] != tuple(f[name] for name in FLAG_FIELDS):
            update.append(AccountabilityFlag(id=old[0], **{name: f[name] for name in FLAG_FIELDS}))
    gone = [
        pk
        for key, (pk, status, _) in existing.items()
        if key not in new and key[0] in ids and status == FlagStatus.OPEN
    ]
    insert(AccountabilityFlag, [{**f, **NEW_FLAG, "detected_at": timezone.now()} for f in create])
    AccountabilityFlag.objects.bulk_update(update, list(FLAG_FIELDS), batch_size=500)
    if gone:
        AccountabilityFlag.objects.filter(id__in=gone).delete()
    result.created, result.updated, result.deleted = len(create), len(update), len(gone)
    return result


DELAY_FIELDS = ("commune_id", "day", "cause", "overrun_hours", "late_steps", "hours_over", "departments")


def _store_delays(lo: int, hi: int, ids: set[int], new: dict[int, dict[str, Any]]) -> None:
    existing = {
        row[0]: row[1:]
        for row in DossierDelay.objects.filter(dossier_id__gte=lo, dossier_id__lte=hi).values_list(
            "dossier_id", "id", *DELAY_FIELDS
        )
    }
    create = [d for key, d in new.items() if key not in existing]
    update = []
    for key, d in new.items():
        old = existing.get(key)
        if old is not None and old[1:] != tuple(d[name] for name in DELAY_FIELDS):
            update.append(DossierDelay(id=old[0], dossier_id=key, **{name: d[name] for name in DELAY_FIELDS}))
    insert(DossierDelay, create)
    DossierDelay.objects.bulk_update(update, list(DELAY_FIELDS), batch_size=500)
    gone = [key for key in existing if key not in new and key in ids]
    if gone:
        DossierDelay.objects.filter(dossier_id__in=gone).delete()


def insert(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows (dicts by attribute name, JSON fields as Python values): one COPY on
    PostgreSQL, ``bulk_create`` elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=1000)
        return
    names = list(rows[0])
    fields = {f.attname: f for f in model._meta.concrete_fields if f.column}
    json_fields = {name for name, f in fields.items() if isinstance(f, JSONField)}
    columns = ", ".join(connection.ops.quote_name(str(fields[name].column)) for name in names)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row([_json_text(row[n]) if n in json_fields else row[n] for n in names])


# --- after a batch, per period ----------------------------------------------------------------


def detect_for_batch(batch_id: int) -> Result:
    """The pass over the dossiers a committed batch wrote, then period_end_burst for the months
    their ends fall in (the batch's communes only)."""
    scope = Dossier.objects.filter(batch_id=batch_id)
    # one read of the batch for both: its ids and the months its communes' dossiers ended in
    written = list(scope.order_by("id").values_list("id", "commune_id", "end_day"))
    result = detect_scope(scope, [row[0] for row in written])
    by_month: dict[tuple[int, int], set[int]] = defaultdict(set)
    for _id, commune_id, end_day in written:
        if end_day is not None:
            by_month[(end_day.year, end_day.month)].add(commune_id)
    del written
    spans = {key: parse_period(f"{key[0]}-{key[1]:02d}") for key in by_month}
    if spans:
        # one count of closures per commune and day for every month and its history
        first = min(_history_spans(span)[-1].start for span in spans.values())
        last = max(span.end for span in spans.values())
        counts = closure_counts(set().union(*by_month.values()), first, last)
        for key, communes in by_month.items():
            result.add(detect_bursts(spans[key], communes, counts))
    return result


def detect_period(province_code: str, period_code: str) -> Result:
    """The pass over every dossier of a province counted in a period (received by its end and
    not finished before its start), then period_end_burst for each of its communes."""
    span = parse_period(period_code)
    dossiers = Dossier.objects.filter(commune__province__code=province_code, received_day__lte=span.end)
    scope = dossiers.exclude(end_day__lt=span.start)
    result = detect_scope(scope, list(scope.order_by("id").values_list("id", flat=True)))
    from kpixa.units.models import Commune

    communes = set(Commune.objects.filter(province__code=province_code).values_list("id", flat=True))
    result.add(detect_bursts(span, communes))
    return result


def last_working_days(calendar: Any, end: date, count: int) -> list[date]:
    """The last ``count`` working days up to ``end``."""
    out: list[date] = []
    day = end
    while len(out) < count and (end - day).days < 60:
        if calendar.is_working_day(day):
            out.append(day)
        day -= timedelta(days=1)
    return out


def _history_spans(span: PeriodSpan) -> list[PeriodSpan]:
    """``span`` and the BURST_HISTORY_PERIODS periods before it, latest first."""
    spans = [span]
    for _n in range(BURST_HISTORY_PERIODS):
        spans.append(previous(spans[-1]))
    return spans


def closure_counts(commune_ids: set[int], first: date, last: date) -> dict[tuple[int, date], int]:
    """How many dossiers of each commune ended on each day from ``first`` to ``last`` (one
    grouped query)."""
    rows = (
        Dossier.objects.filter(commune_id__in=commune_ids, end_day__gte=first, end_day__lte=last)
        .values_list("commune_id", "end_day")
        .order_by()
        .annotate(n=Count("id"))
    )
    return {(commune_id, day): n for commune_id, day, n in rows}


def detect_bursts(
    span: PeriodSpan, commune_ids: set[int], counts: dict[tuple[int, date], int] | None = None
) -> Result:
    """Unit-level period_end_burst of each commune for ``span`` against its own earlier periods;
    ``counts``: closure_counts covering the span and its history, when the caller has them."""
    from kpixa.units.models import Commune
    from kpixa.workdays.calendar import get_calendar

    if not commune_ids:
        return Result()
    calendar = get_calendar()
    spans = _history_spans(span)
    codes = dict(Commune.objects.filter(id__in=commune_ids).values_list("id", "province__code"))
    if counts is None:
        counts = closure_counts(commune_ids, spans[-1].start, span.end)
    new: dict[int, AccountabilityFlag] = {}
    for commune_id in commune_ids:
        t = candidates.thresholds_for(codes.get(commune_id, ""))
        per = [
            _split(counts, commune_id, s, last_working_days(calendar, s.end, t.burst_last_days))
            for s in spans
        ]
        found = rules.period_end_burst(per[0][0], per[0][1], [p for p in per[1:] if p[1]], t)
        if found is not None:
            found.evidence["days"] = [
                d.isoformat() for d in last_working_days(calendar, span.end, t.burst_last_days)
            ]
            new[commune_id] = AccountabilityFlag(
                commune_id=commune_id,
                kind=found.kind,
                reason=found.reason,
                evidence=found.evidence,
                day=span.end,
                period_code=span.code,
            )
    with transaction.atomic():
        return _store_unit_flags(span.code, commune_ids, new)


def _split(
    counts: dict[tuple[int, date], int], commune_id: int, span: PeriodSpan, last: list[date]
) -> tuple[int, int]:
    days = [span.start + timedelta(days=i) for i in range((span.end - span.start).days + 1)]
    total = sum(counts.get((commune_id, d), 0) for d in days)
    return sum(counts.get((commune_id, d), 0) for d in last), total


def _store_unit_flags(period_code: str, commune_ids: set[int], new: dict[int, AccountabilityFlag]) -> Result:
    existing = {
        f.commune_id: f
        for f in AccountabilityFlag.objects.filter(
            dossier__isnull=True,
            kind=rules.PERIOD_END_BURST,
            period_code=period_code,
            commune_id__in=commune_ids,
        )
    }
    result = Result(kinds=Counter({rules.PERIOD_END_BURST: len(new)}) if new else Counter())
    for commune_id, f in new.items():
        old = existing.get(commune_id)
        if old is None:
            f.save()
            result.created += 1
        elif (old.reason, old.evidence, old.day) != (f.reason, f.evidence, f.day):
            old.reason, old.evidence, old.day = f.reason, f.evidence, f.day
            old.save(update_fields=["reason", "evidence", "day"])
            result.updated += 1
    gone = [f.id for cid, f in existing.items() if cid not in new and f.status == FlagStatus.OPEN]
    if gone:
        AccountabilityFlag.objects.filter(id__in=gone).delete()
        result.deleted += len(gone)
    return result


# --- review ---------------------------------------------------------------------------------


def review_flag(flag: AccountabilityFlag, status: str, note: str, *, actor: User) -> AccountabilityFlag:
    """Confirm or dismiss a flag with a note (required), audited with the province's code.
    A flag is reviewed again only to change its decision."""
    if status not in (FlagStatus.CONFIRMED, FlagStatus.DISMISSED):
        raise ReviewError(_("Chỉ có thể xác nhận hoặc bác bỏ cảnh báo."))
    note = note.strip()
    if not note:
        raise ReviewError(_("Cần ghi chú lý do khi xem xét cảnh báo."))
    with transaction.atomic():
        locked = (
            AccountabilityFlag.objects.select_for_update().select_related("commune__province").get(pk=flag.pk)
        )
        before = {"status": locked.status, "note": locked.reviewer_note}
        locked.status, locked.reviewer_note = status, note[:2000]
        locked.reviewed_by = actor if actor is not None and getattr(actor, "pk", None) else None
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reviewer_note", "reviewed_by", "reviewed_at"])
        audit.record(
            "accountability.review_flag",
            actor=actor,
            object_type="accountability.AccountabilityFlag",
            object_id=locked.pk,
            province_code=locked.commune.province.code,
            before=before,
            after={
                "status": status,
                "note": locked.reviewer_note,
                "kind": locked.kind,
                "ma_ho_so": locked.ma_ho_so,
                "commune": locked.commune.code,
            },
            reason=locked.reviewer_note,
        )
    return locked


# --- sync-caused lateness and consequences -----------------------------------------------------


def decide_sync_exclusion(
    province: Province, period_code: str, excluded: bool, note: str, *, actor: User | None
) -> SyncExclusion:
    """Record (or change) the province's decision to leave sync-caused lateness out of the
    consequences of a period; a note is required; audited with the province's code. The
    published score is never changed by it."""
    span = parse_period(period_code)
    note = note.strip()
    if not note:
        raise ReviewError(_("Cần ghi căn cứ của quyết định."))
    with transaction.atomic():
        found = (
            SyncExclusion.objects.select_for_update().filter(province=province, period_code=span.code).first()
        )
        before = None if found is None else {"excluded": found.excluded, "note": found.note}
        decision = found or SyncExclusion(province=province, period_code=span.code)
        decision.excluded, decision.note = excluded, note[:2000]
        decision.decided_by = actor if actor is not None and getattr(actor, "pk", None) else None
        decision.decided_at = timezone.now()
        decision.save()
        audit.record(
            "accountability.sync_exclusion",
            actor=actor,
            object_type="accountability.SyncExclusion",
            object_id=decision.pk,
            province_code=province.code,
            before=before,
            after={"period": span.code, "excluded": excluded, "note": decision.note},
            reason=decision.note,
        )
    return decision


def sync_excluded(province_code: str, period_code: str) -> bool:
    """Whether the province decided to leave sync-caused lateness out of the period's consequences."""
    from kpixa.accountability.models import SyncExclusion

    return SyncExclusion.objects.filter(
        province__code=province_code, period_code=period_code, excluded=True
    ).exists()
