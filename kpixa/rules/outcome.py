"""The dossier outcome rule, stated once (docs/rules.md, "Dossier outcome (on time, late, open)").

In the order it is applied:

* end of processing: NgayKetThucXuLy; else the time of the status 9 step, else 10, else 8, 3
  or 7; else NgayTra for status 10 or NgayTuChoi for status 3; else, when the only event is
  one unanswered supplement request, that request.
* due time: NgayHenTra; with supplements and the ``truoc`` base, the first supplement's
  NgayHenTraTruoc instead; without either, a time limit counted from receipt by the
  working-day calendar (with the procedure's cut-off hour): the record's own
  ThoiGianGiaiQuyet/DonViTinh when it carries one, else the catalogue's.
* waiting time: the sum of NgayTiepNhanBoSung − NgayBoSung (wall-clock); it extends the due time.
* more than one supplement request makes the dossier late (from the second request on).
* no due time at all (no date and no limit): the dossier is not on time (it stays in the
  denominator, is never counted on time, and is flagged ``no_due``) — NO_DUE_POLICY.
* open at a period end: judged at that end; overdue once the (extended) due time has passed.
* late receipt: an online dossier received more than 8 working hours after its submission.

Everything here is plain Python (numpy only through the calendar object passed in): the
ingest (``kpixa.dossiers.facts``) calls it, the column-wise fast path and the SQL rollups are
checked against it by the shared table of cases (``kpixa/rules/cases/outcome_cases.yaml``).
The calendar is any object with ``due_at``/``due_at_many`` (``kpixa.workdays.calendar.WorkCalendar``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, Protocol

import numpy as np

from kpixa.rules.codes import END_STATUSES, Channel, DossierStatus

Outcome = Literal["on_time", "late", "open_within", "open_overdue"]
DueBase = Literal["truoc", "hentra"]

LONG_OPEN_DAYS = 365  # closed more than this after receipt: accepted, flagged
LATE_RECEIPT_HOURS = 8  # online dossiers are received within 8 working hours of submission
SYNC_HOURS = 24  # synced on time: reached kpixa within 24 hours of its last change
# A dossier whose due time cannot be determined: "not_on_time" (in the denominator, never on
# time, flagged no_due). The documented default; no framework or province setting changes it.
NO_DUE_POLICY = "not_on_time"

# Where the due time came from (stored in Dossier.due_source).
DUE_FROM_SUPPLEMENT = "NgayHenTraTruoc"
DUE_FROM_RECORD = "NgayHenTra"
DUE_FROM_RECORD_LIMIT = "ThoiGianGiaiQuyet"
DUE_FROM_CATALOGUE = "luat_dinh"


class SupplementLike(Protocol):
    requested_at: datetime
    answered_at: datetime | None
    due_before: datetime | None


class StepLike(Protocol):
    at: datetime | None
    status: int | None


class TimelineLike(Protocol):
    """What the rule reads of a dossier record (``kpixa.dossiers.records.DossierRecord``)."""

    status: int
    channel: int
    submitted_at: datetime | None
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    refused_at: datetime | None
    record_limit: float | None
    record_limit_unit: str

    @property
    def supplements(self) -> Sequence[SupplementLike]: ...

    @property
    def steps(self) -> Sequence[StepLike]: ...


@dataclass(frozen=True)
class Limit:
    """A time limit counted from receipt: value, unit code, cut-off hour, where it came from."""

    value: float
    unit: str
    cutoff_hour: int | None
    source: str

    @property
    def cutoff_minutes(self) -> int:
        return -1 if self.cutoff_hour is None else self.cutoff_hour * 60


@dataclass(frozen=True)
class Judgement:
    """The outcome facts of one dossier (what the rollups and the drill-down count)."""

    effective_due_at: datetime | None
    due_source: str
    wait_seconds: int
    supplement_open: bool
    end_at: datetime | None
    end_source: str
    on_time: bool | None
    overdue_at: datetime | None
    overdue_day: date | None
    no_due: bool


# --- end of processing ------------------------------------------------------------------------


def end_of_processing(rec: TimelineLike) -> tuple[datetime | None, str]:
    """Return (end time, which field or step gave it), or (None, "") while open."""
    if rec.finished_at is not None:
        return rec.finished_at, "NgayKetThucXuLy"
    step_at, step_source = step_end(rec.steps)
    if step_at is not None:
        return step_at, step_source
    if rec.status == DossierStatus.RETURNED and rec.returned_at is not None:
        return rec.returned_at, "NgayTra"
    if rec.status == DossierStatus.NOT_RECEIVED and rec.refused_at is not None:
        return rec.refused_at, "NgayTuChoi"
    sups = rec.supplements
    if len(sups) == 1 and sups[0].answered_at is None:
        return sups[0].requested_at, "bo_sung"
    return None, ""


def step_end(steps: Sequence[StepLike]) -> tuple[datetime | None, str]:
    """The end of processing the steps give: the earliest step of the first END_STATUSES status
    present, or (None, "")."""
    for status in END_STATUSES:
        times = [s.at for s in steps if s.status == status and s.at is not None]
        if times:
            return min(times), f"buoc_{int(status)}"
    return None, ""


# --- due time -----------------------------------------------------------------------------


def supplement_waiting(supplements: Sequence[SupplementLike]) -> tuple[int, bool]:
    """Return (seconds waited for answered supplement requests, whether one is still unanswered)."""
    total = 0
    open_ = False
    for sup in supplements:
        if sup.answered_at is None:
            open_ = True
        else:
            total += int((sup.answered_at - sup.requested_at).total_seconds())
    return total, open_


def given_due(rec: TimelineLike, base: str) -> tuple[datetime | None, str]:
    """The due time the record itself gives (before waiting time), and its source."""
    first = rec.supplements[0] if rec.supplements else None
    if base == "truoc" and first is not None and first.due_before is not None:
        return first.due_before, DUE_FROM_SUPPLEMENT
    if rec.due_at is not None:
        return rec.due_at, DUE_FROM_RECORD
    return None, ""


def limit_for(
    rec: TimelineLike, catalogue_value: float | None, catalogue_unit: str, cutoff_hour: int | None
) -> Limit | None:
    """The time limit counted from receipt when the record gives no due date: the record's own
    ThoiGianGiaiQuyet/DonViTinh when it carries one, else the catalogue's; the catalogue's
    cut-off hour either way (a record carries none). None when neither has a limit."""
    if rec.record_limit is not None:
        return Limit(rec.record_limit, rec.record_limit_unit, cutoff_hour, DUE_FROM_RECORD_LIMIT)
    if catalogue_value is not None:
        return Limit(catalogue_value, catalogue_unit, cutoff_hour, DUE_FROM_CATALOGUE)
    return None


def statutory_dues(calendar: Any, starts: Sequence[datetime], limits: Sequence[Limit]) -> list[datetime]:
    """Due times of ``limits`` counted from ``starts`` by the working-day calendar (vectorised)."""
    if not starts:
        return []
    dues = calendar.due_at_many(
        np.array(starts, dtype="datetime64[s]"),
        np.array([lim.value for lim in limits], dtype=np.float64),
        np.array([lim.unit for lim in limits]),
        np.array([lim.cutoff_minutes for lim in limits], dtype=np.int64),
    )
    return list(dues.astype(datetime))


# --- late receipt --------------------------------------------------------------------------


def receipt_timed(channel: int, submitted_at: datetime | None) -> bool:
    """Whether the receipt deadline applies: an online dossier with a submission time."""
    return channel == Channel.ONLINE and submitted_at is not None


def late_receipts(calendar: Any, submitted: Sequence[datetime], received: Sequence[datetime]) -> list[bool]:
    """For online dossiers: received more than LATE_RECEIPT_HOURS working hours after submission."""
    n = len(submitted)
    if not n:
        return []
    limit = calendar.due_at_many(
        np.array(submitted, dtype="datetime64[s]"),
        np.full(n, LATE_RECEIPT_HOURS),
        np.full(n, "gio"),
        np.full(n, -1),
    )
    return [bool(late) for late in np.array(received, dtype="datetime64[s]") > limit]


# --- the judgement ------------------------------------------------------------------------


def judge(rec: TimelineLike, due: datetime | None, due_source: str) -> Judgement:
    """The outcome facts of a dossier whose due time (before waiting time) is ``due``."""
    wait, supplement_open = supplement_waiting(rec.supplements)
    effective = due + timedelta(seconds=wait) if due is not None else None
    end, end_source = end_of_processing(rec)
    overdue_at = overdue_since(rec, effective)
    on_time = None if end is None else ended_on_time(rec, effective, end)
    return Judgement(
        effective_due_at=effective,
        due_source=due_source,
        wait_seconds=wait,
        supplement_open=supplement_open,
        end_at=end,
        end_source=end_source,
        on_time=on_time,
        overdue_at=overdue_at,
        overdue_day=overdue_day(rec, effective, overdue_at, end),
        no_due=effective is None,
    )


def overdue_since(rec: TimelineLike, effective: datetime | None) -> datetime | None:
    """The instant after which the dossier is late: the (extended) due time, or just before the
    second supplement request; None when it has no due time and at most one request."""
    sups = rec.supplements
    second = sups[1].requested_at - timedelta(seconds=1) if len(sups) > 1 else None
    candidates = [t for t in (effective, second) if t is not None]
    return min(candidates) if candidates else None


def ended_on_time(rec: TimelineLike, effective: datetime | None, end: datetime) -> bool:
    """On time: a due time, at most one supplement request and an end no later than the
    extended due time (no due time: not on time, NO_DUE_POLICY)."""
    return len(rec.supplements) <= 1 and effective is not None and end <= effective


def overdue_day(
    rec: TimelineLike, effective: datetime | None, overdue_at: datetime | None, end: datetime | None
) -> date | None:
    """First day at whose end the dossier is open and not on time; None when never. Without a
    due time (NO_DUE_POLICY) that is the day of receipt."""
    if overdue_at is None and effective is None:
        day = rec.received_at.date()
    elif overdue_at is None:
        return None
    else:
        day = max(overdue_at.date(), rec.received_at.date())
    if end is not None and day >= end.date():
        return None
    return day


def outcome_as_of(facts: object, period_end: date) -> Outcome:
    """Outcome of a dossier judged at the end of ``period_end``.

    Ended by then: on time or late. Still open: within its deadline or overdue.
    Accepts any object or mapping with ``end_day``, ``on_time`` and ``overdue_day``.
    """
    end_day, on_time, overdue = _get(facts, "end_day"), _get(facts, "on_time"), _get(facts, "overdue_day")
    if end_day is not None and end_day <= period_end:  # type: ignore[operator]
        return "on_time" if on_time else "late"
    if overdue is not None and overdue <= period_end:  # type: ignore[operator]
        return "open_overdue"
    return "open_within"


def counted_in_period(facts: object, start: date, end: date) -> bool:
    """In the denominator of the on-time rate of [start, end]: received by its end and not
    finished before its start (received within it, or carried over open from before)."""
    received, end_day = _get(facts, "received_day"), _get(facts, "end_day")
    return received <= end and (end_day is None or end_day >= start)  # type: ignore[operator]


def carried_over(facts: object, start: date) -> bool:
    """Received before the period and still open at its start."""
    received, end_day = _get(facts, "received_day"), _get(facts, "end_day")
    return received < start and (end_day is None or end_day >= start)  # type: ignore[operator]


def _get(obj: object, name: str) -> Any:
    return obj[name] if isinstance(obj, Mapping) else getattr(obj, name)


def long_open(received_at: datetime, end_at: datetime | None) -> bool:
    """A dossier closed more than LONG_OPEN_DAYS after its receipt (suspicious, flagged)."""
    return end_at is not None and (end_at - received_at).days > LONG_OPEN_DAYS


def synced_on_time(now: datetime, version_at: datetime) -> bool:
    """Reached kpixa within SYNC_HOURS of its last change."""
    return now - version_at <= timedelta(hours=SYNC_HOURS)
