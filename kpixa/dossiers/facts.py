"""Per-dossier facts (RULES.md §3–§4), computed once at ingest, and the outcome as of a period end.

The on-time rule, in the order it is applied (docs/dossier-format.md, "How the outcome is decided"):

* end of processing: NgayKetThucXuLy; else the time of the status 9 step, else 10, else 8, 3
  or 7; else NgayTra for status 10 or NgayTuChoi for status 3; else, when the only event is
  one unanswered supplement request, that request.
* due time: NgayHenTra; with supplements and the ``truoc`` setting, the first supplement's
  NgayHenTraTruoc instead; without NgayHenTra, the procedure's statutory limit by the
  working-day calendar (with its cut-off hour) from receipt.
* waiting time: the sum of NgayTiepNhanBoSung − NgayBoSung (wall-clock); it extends the due time.
* more than one supplement request makes the dossier late (from the second request on).
* open at a period end: judged at that end; overdue once the (extended) due time has passed.
  An unanswered request keeps the clock stopped: a single one ends the dossier at the request
  (see above); after a second one the dossier is late anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import numpy as np
from django.conf import settings

from kpixa.dossiers.records import DossierRecord, Step, Supplement

Outcome = Literal["on_time", "late", "open_within", "open_overdue"]
END_STATUSES = (9, 10, 8, 3, 7)  # precedence of the step statuses that end processing
LONG_OPEN_DAYS = 365  # closed more than this after receipt: accepted, flagged
LATE_RECEIPT_HOURS = 8  # Gia Lai: online dossiers received within 8 working hours
SYNC_HOURS = 24  # synced on time: reached kpixa within 24 hours of its last change


def due_base_setting() -> str:
    """``truoc`` (default): compare with the first supplement's NgayHenTraTruoc + wait; ``hentra``:
    always NgayHenTra + wait (RULES.md §4, unverified; docs/dossier-format.md)."""
    return str(getattr(settings, "KPIXA_SUPPLEMENT_DUE_BASE", "truoc"))


@dataclass(frozen=True)
class ProcedureInfo:
    """What the facts need from the catalogue about one procedure."""

    id: int
    limit_value: float | None
    limit_unit: str
    cutoff_hour: int | None
    fee_bearing: bool
    e2e_eligible: bool
    certification: bool = False


# The catalogue's field (lĩnh vực) of certification procedures (chứng thực): by code, or by name
# for catalogues that use other codes.
CERTIFICATION_FIELD_CODES = frozenset({"CHUNGTHUC"})
CERTIFICATION_FIELD_NAMES = frozenset({"chứng thực"})


def is_certification(field_code: str, field_name: str) -> bool:
    """True for a procedure of the certification field (chứng thực)."""
    return (
        field_code.strip().upper() in CERTIFICATION_FIELD_CODES
        or field_name.strip().casefold() in CERTIFICATION_FIELD_NAMES
    )


@dataclass
class Facts:
    """The facts of one dossier; the rollups count only these."""

    effective_due_at: datetime | None
    due_source: str
    wait_seconds: int
    supplement_count: int
    supplement_open: bool
    end_at: datetime | None
    end_source: str
    on_time: bool | None
    overdue_at: datetime | None
    received_day: date
    end_day: date | None
    overdue_day: date | None
    online: bool
    paid_online: bool
    fee_bearing: bool
    e2e_eligible: bool
    late_receipt: bool
    synced_on_time: bool
    certification: bool = False


def end_of_processing(rec: DossierRecord) -> tuple[datetime | None, str]:
    """Return (end time, which field or step gave it), or (None, "") while open."""
    if rec.finished_at is not None:
        return rec.finished_at, "NgayKetThucXuLy"
    step_at, step_source = step_end(rec.steps)
    if step_at is not None:
        return step_at, step_source
    if rec.status == 10 and rec.returned_at is not None:
        return rec.returned_at, "NgayTra"
    if rec.status == 3 and rec.refused_at is not None:
        return rec.refused_at, "NgayTuChoi"
    sups = rec.supplements
    if len(sups) == 1 and sups[0].answered_at is None:
        return sups[0].requested_at, "bo_sung"
    return None, ""


def step_end(steps: Sequence[Step]) -> tuple[datetime | None, str]:
    """The end of processing the steps give: the earliest step of the first END_STATUSES status
    present, or (None, "")."""
    for status in END_STATUSES:
        times = [s.at for s in steps if s.status == status and s.at is not None]
        if times:
            return min(times), f"buoc_{status}"
    return None, ""


def waiting(rec: DossierRecord) -> tuple[int, bool]:
    """Return (seconds waited for answered supplements, whether one is still unanswered)."""
    return supplement_waiting(rec.supplements)


def supplement_waiting(supplements: Sequence[Supplement]) -> tuple[int, bool]:
    """``waiting`` of a list of supplement requests."""
    total = 0
    open_ = False
    for sup in supplements:
        if sup.answered_at is None:
            open_ = True
        else:
            total += int((sup.answered_at - sup.requested_at).total_seconds())
    return total, open_


def given_due(rec: DossierRecord, base: str) -> tuple[datetime | None, str]:
    """The due time the record itself gives (before waiting time), and its source."""
    first = rec.supplements[0] if rec.supplements else None
    if base == "truoc" and first is not None and first.due_before is not None:
        return first.due_before, "NgayHenTraTruoc"
    if rec.due_at is not None:
        return rec.due_at, "NgayHenTra"
    return None, ""


def statutory_dues(
    records: Sequence[DossierRecord], procs: Sequence[ProcedureInfo | None], need: Sequence[bool]
) -> list[datetime | None]:
    """Statutory due times (from receipt, by the working-day calendar) for the records that need one."""
    from kpixa.workdays.calendar import get_calendar

    out: list[datetime | None] = [None] * len(records)
    idx = [i for i, n in enumerate(need) if n and _has_limit(procs[i])]
    if not idx:
        return out
    starts = np.array([records[i].received_at for i in idx], dtype="datetime64[s]")
    limits = np.array([procs[i].limit_value for i in idx], dtype=np.float64)  # type: ignore[union-attr]
    units = np.array([procs[i].limit_unit for i in idx])  # type: ignore[union-attr]
    cutoffs = np.array([_cutoff_minutes(procs[i]) for i in idx], dtype=np.int64)
    dues = get_calendar().due_at_many(starts, limits, units, cutoffs)
    for i, due in zip(idx, dues.astype(datetime), strict=True):
        out[i] = due
    return out


def _has_limit(proc: ProcedureInfo | None) -> bool:
    return proc is not None and proc.limit_value is not None


def _cutoff_minutes(proc: ProcedureInfo | None) -> int:
    return -1 if proc is None or proc.cutoff_hour is None else proc.cutoff_hour * 60


def late_receipts(records: Sequence[DossierRecord]) -> list[bool]:
    """Online dossiers received more than 8 working hours after submission (RULES.md §3)."""
    from kpixa.workdays.calendar import get_calendar

    out = [False] * len(records)
    idx = [i for i, r in enumerate(records) if r.channel == 2 and r.submitted_at is not None]
    if not idx:
        return out
    starts = np.array([records[i].submitted_at for i in idx], dtype="datetime64[s]")
    n = len(idx)
    limit = get_calendar().due_at_many(
        starts, np.full(n, LATE_RECEIPT_HOURS), np.full(n, "gio"), np.full(n, -1)
    )
    received = np.array([records[i].received_at for i in idx], dtype="datetime64[s]")
    for i, late in zip(idx, received > limit, strict=True):
        out[i] = bool(late)
    return out


def compute_facts(
    records: Sequence[DossierRecord], procs: Sequence[ProcedureInfo | None], now: datetime
) -> list[Facts]:
    """Facts of a chunk of records (``procs[i]`` is record i's procedure); ``now`` is naive local."""
    base = due_base_setting()
    given = [given_due(r, base) for r in records]
    statutory = statutory_dues(records, procs, [g[0] is None for g in given])
    late = late_receipts(records)
    return [
        _facts(rec, proc, given[i], statutory[i], late[i], now)
        for i, (rec, proc) in enumerate(zip(records, procs, strict=True))
    ]


def _facts(
    rec: DossierRecord,
    proc: ProcedureInfo | None,
    given: tuple[datetime | None, str],
    statutory: datetime | None,
    late_receipt: bool,
    now: datetime,
) -> Facts:
    due, source = given if given[0] is not None else (statutory, "luat_dinh" if statutory else "")
    wait, supplement_open = waiting(rec)
    effective = due + timedelta(seconds=wait) if due is not None else None
    end, end_source = end_of_processing(rec)
    overdue_at = _overdue_at(rec, effective)
    on_time = None if end is None else _ended_on_time(rec, effective, end)
    return Facts(
        effective_due_at=effective,
        due_source=source,
        wait_seconds=wait,
        supplement_count=len(rec.supplements),
        supplement_open=supplement_open,
        end_at=end,
        end_source=end_source,
        on_time=on_time,
        overdue_at=overdue_at,
        received_day=rec.received_at.date(),
        end_day=end.date() if end is not None else None,
        overdue_day=_overdue_day(rec, overdue_at, end),
        online=rec.channel == 2,
        paid_online=rec.paid_online,
        fee_bearing=_fee_bearing(rec, proc),
        e2e_eligible=bool(proc and proc.e2e_eligible),
        late_receipt=late_receipt,
        synced_on_time=now - rec.version_at <= timedelta(hours=SYNC_HOURS),
        certification=bool(proc and proc.certification),
    )


def _overdue_at(rec: DossierRecord, effective: datetime | None) -> datetime | None:
    """The instant after which the dossier is late: the (extended) due time, or just before the
    second supplement request; None when it has no due time and at most one request."""
    second = rec.supplements[1].requested_at - timedelta(seconds=1) if len(rec.supplements) > 1 else None
    candidates = [t for t in (effective, second) if t is not None]
    return min(candidates) if candidates else None


def _ended_on_time(rec: DossierRecord, effective: datetime | None, end: datetime) -> bool:
    """On time: at most one supplement request and an end no later than the extended due time."""
    return len(rec.supplements) <= 1 and (effective is None or end <= effective)


def _overdue_day(rec: DossierRecord, overdue_at: datetime | None, end: datetime | None) -> date | None:
    """First day at whose end the dossier is open and overdue; None when never."""
    if overdue_at is None:
        return None
    day = max(overdue_at.date(), rec.received_at.date())
    if end is not None and day >= end.date():
        return None
    return day


def _fee_bearing(rec: DossierRecord, proc: ProcedureInfo | None) -> bool:
    if rec.fees is not None:
        return any(amount > 0 for amount in rec.fees)
    return bool(proc and proc.fee_bearing)


def outcome_as_of(facts: object, period_end: date) -> Outcome:
    """Outcome of a dossier judged at the end of ``period_end`` (RULES.md §4).

    Ended by then: on time or late. Still open: within its deadline or overdue.
    Accepts a Facts, a Dossier or a mapping with ``end_day``, ``on_time`` and ``overdue_day``.
    """
    end_day, on_time, overdue_day = _get(facts, "end_day"), _get(facts, "on_time"), _get(facts, "overdue_day")
    if end_day is not None and end_day <= period_end:  # type: ignore[operator]
        return "on_time" if on_time else "late"
    if overdue_day is not None and overdue_day <= period_end:  # type: ignore[operator]
        return "open_overdue"
    return "open_within"


def _get(obj: object, name: str) -> object:
    return obj[name] if isinstance(obj, Mapping) else getattr(obj, name)


def long_open(rec: DossierRecord, facts: Facts) -> bool:
    """A dossier closed more than LONG_OPEN_DAYS after its receipt (suspicious, flagged)."""
    return facts.end_at is not None and (facts.end_at - rec.received_at).days > LONG_OPEN_DAYS


def iter_flags(rec: DossierRecord, facts: Facts) -> Iterable[tuple[str, str, dict[str, object]]]:
    """Suspicious-but-accepted findings about one dossier: (code, message template id, values)
    (the templates are kpixa.dossiers.models.FLAG_TEMPLATES)."""
    if long_open(rec, facts):
        days = (facts.end_at - rec.received_at).days  # type: ignore[operator]
        yield "dong_qua_muon", "closed_late", {"days": days, "limit": LONG_OPEN_DAYS}
    if rec.status in (3, 7, 8, 9, 10) and facts.end_at is None:
        yield "thieu_thoi_diem_ket_thuc", "no_end", {}
    if facts.effective_due_at is None:
        yield "khong_xac_dinh_han", "no_due", {}
