"""Who made a dossier late, pass-around and gaming patterns, from its processing steps
(docs/rules.md, "Accountability: who made it late, pass-around, gaming patterns").

A dossier's processing steps (``tienTrinhDongBo``) each record an action: when it was taken
(``ThoiDiemXuLy``), by whom (``NguoiXuLy``, ``ChucDanh``), in which department
(``PhongBanXuLy``), with the status it left (``TrangThai``) and the step's own due time
(``NgayKetThucTheoQuyDinh``). Read in time order:

* a step's span runs from the previous step (or the receipt) to its own time; the desk and
  department of the step held the dossier during that span. Working hours are counted by the
  working-day calendar passed in; time the citizen spent answering a supplement request is the
  citizen's, not the desk's, and is left out of every span.
* a step is late when its time is after its own due time; its hours over are the working
  hours between the two.
* a late dossier's overrun (working hours from the effective due time to the end, or to the
  judgement instant while open) is attributed to the steps whose spans cover it — or to the
  citizen, when a supplement request was unanswered at the due time, or to the sync, when the
  portal's record arrived late or changed its end after the fact while the staff's last step
  was on time.

Every threshold is a parameter with a documented default (``Thresholds``); a framework or a
province setting passes other values. No Django here: the service
(``kpixa.accountability.services``) applies these rules set-based after a batch commits and the
shared table of cases (``kpixa/rules/cases/step_cases.yaml``) tests them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from kpixa.rules.codes import REFUSED_OR_WITHDRAWN, DossierStatus

Cause = Literal["staff", "citizen", "sync"]

# The flag kinds (stored in the flags' ``kind``; their measures are listed in docs/flags.md).
PASS_AROUND = "pass_around"  # noqa: S105 — a flag kind, not a secret
SUPPLEMENT_NEAR_DUE = "supplement_near_due"
REPEATED_SUPPLEMENT = "repeated_supplement"
DUE_EXTENDED = "due_extended"
BACKDATED_END = "backdated_end"
REFUSED_NEAR_DUE = "refused_near_due"
PERIOD_END_BURST = "period_end_burst"
LATE_RECEIPT = "late_receipt"
SYNC_LATE = "sync_late"
DOSSIER_KINDS: tuple[str, ...] = (
    PASS_AROUND,
    SUPPLEMENT_NEAR_DUE,
    REPEATED_SUPPLEMENT,
    DUE_EXTENDED,
    BACKDATED_END,
    REFUSED_NEAR_DUE,
    LATE_RECEIPT,
    SYNC_LATE,
)
UNIT_KINDS: tuple[str, ...] = (PERIOD_END_BURST,)
KINDS: tuple[str, ...] = DOSSIER_KINDS + UNIT_KINDS

# Steps that do not count as the dossier changing hands: the supplement request (it goes to the
# citizen) and the hand-back of the result at the one-stop desk (the normal last step).
NOT_A_HAND_CHANGE: frozenset[int] = frozenset({DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.RETURNED})

# Words in PhongBanXuLy naming an agency other than the commune (a land registration branch, the
# tax office, the police, a provincial department, the district level kept by some systems).
# A heuristic: the province may pass its own classifier (``Thresholds.agency_of``).
OTHER_AGENCY_MARKERS: tuple[str, ...] = (
    "văn phòng đăng ký đất đai",
    "chi nhánh",
    "thuế",
    "công an",
    "bảo hiểm xã hội",
    "sở ",
    "ubnd tỉnh",
    "ubnd huyện",
    "kho bạc",
)


def default_agency(department: str) -> str:
    """``"commune"`` for a department of the commune, else the department itself (an outside
    agency), by OTHER_AGENCY_MARKERS."""
    name = " ".join(department.casefold().split())
    if any(marker in name + " " for marker in OTHER_AGENCY_MARKERS):
        return name
    return "commune"


@dataclass(frozen=True)
class Thresholds:
    """The detectors' parameters, with their documented defaults (docs/flags.md)."""

    # pass_around: more than this many hand changes (between departments, or desks when the
    # department is not given) is flagged even without a return.
    max_hand_changes: int = 6
    # supplement_near_due / refused_near_due: within this many working hours before the due time
    # (8 = the last working day).
    near_due_hours: float = 8.0
    # repeated_supplement: more than this many supplement requests.
    max_supplements: int = 1
    # due_extended: the due time moved later by more than this (seconds) between versions.
    due_extension_tolerance_s: int = 60
    # backdated_end: the end earlier than the last processing step by more than this (seconds).
    backdate_tolerance_s: int = 60
    # period_end_burst: the share of closures on the period's last working days is at least
    # ``burst_ratio`` times the commune's own share in earlier periods, with at least
    # ``burst_min_closures`` closures on those days; the last days are ``burst_last_days`` working days.
    burst_last_days: int = 3
    burst_ratio: float = 2.0
    burst_min_closures: int = 10
    agency_of: Callable[[str], str] = field(default=default_agency, compare=False)


DEFAULTS = Thresholds()


class StepLike(Protocol):
    at: datetime | None
    status: int | None
    handler: str
    title: str
    department: str
    step_due: datetime | None


class SupplementLike(Protocol):
    requested_at: datetime
    answered_at: datetime | None
    due_before: datetime | None


class Calendar(Protocol):
    def working_time_between(self, a: datetime, b: datetime) -> timedelta: ...


@dataclass(frozen=True)
class StepSpan:
    """One step's span: who held the dossier, from when to when, hours, its own due time."""

    index: int
    department: str
    handler: str
    title: str
    status: int | None
    start: datetime
    end: datetime
    hours: float  # working hours held, less the citizen's waiting
    step_due: datetime | None
    late: bool
    hours_over: float  # working hours after the step's own due time
    overrun_hours: float = 0.0  # share of the dossier's overrun in this span

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "department": self.department,
            "handler": self.handler,
            "title": self.title,
            "status": self.status,
            "start": self.start.isoformat(sep=" "),
            "end": self.end.isoformat(sep=" "),
            "hours": round(self.hours, 2),
            "step_due": self.step_due.isoformat(sep=" ") if self.step_due else None,
            "late": self.late,
            "hours_over": round(self.hours_over, 2),
            "overrun_hours": round(self.overrun_hours, 2),
        }


@dataclass(frozen=True)
class Lateness:
    """Who made a dossier late: the cause, the overrun in working hours and the spans that
    consumed it (cause ``None``: not late)."""

    cause: Cause | None
    overrun_hours: float
    spans: tuple[StepSpan, ...]

    @property
    def departments(self) -> dict[str, float]:
        """Overrun hours per department (staff-caused lateness only)."""
        out: dict[str, float] = {}
        for s in self.spans:
            if s.overrun_hours > 0:
                out[s.department] = out.get(s.department, 0.0) + s.overrun_hours
        return out


def hours(td: timedelta) -> float:
    return td.total_seconds() / 3600


Between = Callable[[datetime, datetime], float]


def working_seconds(calendar: Calendar) -> Between:
    """The working seconds from ``a`` to ``b`` on ``calendar`` (0 when ``b`` <= ``a``), as a
    function of the two instants. With a calendar that has a working clock
    (``WorkCalendar.working_clock``: working seconds since its first day) each instant's clock
    is read once and kept, so the spans of a timeline (each step's time ends one span and
    starts the next) cost one clock reading per distinct instant; the result is the same as
    ``calendar.working_time_between(a, b)`` in seconds, which is also used where an instant
    is outside the calendar (it then raises, or gives 0 for instants in the same second)."""
    clock: Callable[[datetime], int] | None = getattr(calendar, "working_clock", None)
    if clock is None:
        return lambda a, b: calendar.working_time_between(a, b).total_seconds()
    memo: dict[datetime, int] = {}

    def between(a: datetime, b: datetime) -> float:
        try:
            wa = memo.get(a)
            if wa is None:
                wa = memo[a] = clock(a)
            wb = memo.get(b)
            if wb is None:
                wb = memo[b] = clock(b)
        except ValueError:
            return calendar.working_time_between(a, b).total_seconds()
        return wb - wa if wb > wa else 0

    return between


def _waits(supplements: Sequence[SupplementLike], until: datetime) -> list[tuple[datetime, datetime]]:
    return [(s.requested_at, s.answered_at or until) for s in supplements]


def _working_hours(
    between: Between, a: datetime, b: datetime, waits: Sequence[tuple[datetime, datetime]]
) -> float:
    """Working hours from ``a`` to ``b`` less those inside the citizen's waiting intervals."""
    if b <= a:
        return 0.0
    total = between(a, b)
    for wa, wb in waits:
        lo, hi = max(a, wa), min(b, wb)
        if hi > lo:
            total -= between(lo, hi)
    return max(total / 3600, 0.0)


def timed_steps(steps: Sequence[StepLike]) -> list[tuple[int, StepLike]]:
    """The steps with a time, in time order, with their index in the record."""
    return sorted(((i, s) for i, s in enumerate(steps) if s.at is not None), key=lambda p: p[1].at)  # type: ignore[arg-type,return-value]


# A span's fields before its share of the overrun (StepSpan's first eleven fields).
_SpanFields = tuple[
    int, str, str, str, "int | None", datetime, datetime, float, "datetime | None", bool, float
]


def _span_fields(
    between: Between,
    received_at: datetime,
    timed: Sequence[tuple[int, StepLike]],
    waits: Sequence[tuple[datetime, datetime]],
) -> list[_SpanFields]:
    out: list[_SpanFields] = []
    start = received_at
    for i, s in timed:
        at = s.at
        assert at is not None
        begin = min(start, at)
        held = _working_hours(between, begin, at, waits)
        due = s.step_due
        late = due is not None and at > due
        over = _working_hours(between, due, at, waits) if late and due else 0.0
        out.append((i, s.department, s.handler, s.title, s.status, begin, at, held, due, late, over))
        start = max(start, at)
    return out


def step_spans(
    calendar: Calendar,
    received_at: datetime,
    steps: Sequence[StepLike],
    supplements: Sequence[SupplementLike] = (),
    *,
    until: datetime | None = None,
) -> list[StepSpan]:
    """Each timed step's span (from the previous step or the receipt to its own time), its
    working hours less the citizen's waiting, and its lateness against its own due time.
    ``until`` is the instant an unanswered supplement request is counted to (default: the last step)."""
    timed = timed_steps(steps)
    if not timed:
        return []
    last = until or max(s.at for _, s in timed if s.at is not None)
    fields = _span_fields(working_seconds(calendar), received_at, timed, _waits(supplements, last))
    return [StepSpan(*f) for f in fields]


def hours_by_department(spans: Sequence[StepSpan]) -> dict[str, float]:
    """Working hours held per department (desk name when the department is not given)."""
    out: dict[str, float] = {}
    for s in spans:
        key = s.department or s.handler
        out[key] = out.get(key, 0.0) + s.hours
    return out


def who_made_it_late(
    calendar: Calendar,
    *,
    received_at: datetime,
    effective_due_at: datetime | None,
    end_at: datetime | None,
    steps: Sequence[StepLike],
    supplements: Sequence[SupplementLike] = (),
    as_of: datetime | None = None,
    sync_late: bool = False,
) -> Lateness:
    """The cause and the spans of a dossier's overrun past its effective due time (judged at
    its end, or at ``as_of`` while open). Not late (or no due time to judge by): cause None.

    * ``citizen``: a supplement request was unanswered at the due time (the waiting clock was
      still running when the time ran out).
    * ``sync``: the record is ``sync_late`` and the staff's last processing step (before the
      hand-back) was on time.
    * ``staff``: otherwise; each span's share of the overrun is its working hours after the due time.
    """
    finish = end_at or as_of
    timed = timed_steps(steps)
    between = working_seconds(calendar)
    fields: list[_SpanFields] = []
    if timed:
        last = finish or max(s.at for _, s in timed if s.at is not None)
        fields = _span_fields(between, received_at, timed, _waits(supplements, last))
    if effective_due_at is None or finish is None or finish <= effective_due_at:
        return Lateness(None, 0.0, tuple(StepSpan(*f) for f in fields))
    waits = _waits(supplements, finish)
    overrun = _working_hours(between, effective_due_at, finish, waits)
    if any(
        s.requested_at <= effective_due_at and (s.answered_at is None or s.answered_at > effective_due_at)
        for s in supplements
    ):
        return Lateness("citizen", overrun, tuple(StepSpan(*f) for f in fields))
    # f[4]: the step's status, f[6]: its end
    work = [f for f in fields if f[4] != DossierStatus.RETURNED]
    if sync_late and (not work or work[-1][6] <= effective_due_at):
        return Lateness("sync", overrun, tuple(StepSpan(*f) for f in fields))
    shares = []
    for f in fields:
        lo, end = max(f[5], effective_due_at), f[6]
        shares.append(_working_hours(between, lo, end, waits) if end > lo else 0.0)
    if finish > (fields[-1][6] if fields else received_at) and end_at is None:
        # still open: the time since the last step belongs to whoever holds it now (the last desk)
        tail_start = max(fields[-1][6] if fields else received_at, effective_due_at)
        tail = _working_hours(between, tail_start, finish, waits)
        if shares:
            shares[-1] = shares[-1] + tail
    return Lateness(
        "staff", overrun, tuple(StepSpan(*f, share) for f, share in zip(fields, shares, strict=True))
    )


# --- pass-around ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A detector's finding: kind, a short reason code and the evidence (JSON-ready)."""

    kind: str
    reason: str
    evidence: dict[str, Any]


def holder(step: StepLike) -> str:
    """Who holds the dossier after a step: its department, or its desk when none is given."""
    return (step.department or step.handler).strip()


def hand_path(steps: Sequence[StepLike], supplements: Sequence[SupplementLike] = ()) -> list[str]:
    """The holders in time order with repeats collapsed, leaving out the steps that are not hand
    changes (NOT_A_HAND_CHANGE) and those inside a supplement wait."""
    path: list[str] = []
    for _, s in timed_steps(steps):
        if s.status in NOT_A_HAND_CHANGE or not holder(s):
            continue
        at = s.at
        assert at is not None
        if any(w.requested_at < at < (w.answered_at or datetime.max) for w in supplements):
            continue
        if not path or path[-1] != holder(s):
            path.append(holder(s))
    return path


def pass_around(
    steps: Sequence[StepLike], supplements: Sequence[SupplementLike] = (), t: Thresholds = DEFAULTS
) -> Finding | None:
    """``pass_around`` when the dossier returns to a holder it had left (A → B → A), changes hands
    more than ``t.max_hand_changes`` times, or goes out to another agency and back; None for a
    normal path (A → B → C, each once)."""
    path = hand_path(steps, supplements)
    changes = max(len(path) - 1, 0)
    returns = [h for i, h in enumerate(path) if h in path[:i]]
    agencies = [t.agency_of(h) for h in path]
    collapsed = [a for i, a in enumerate(agencies) if i == 0 or agencies[i - 1] != a]
    out_and_back = any(
        collapsed[i] == "commune" and collapsed[i + 1] != "commune" and "commune" in collapsed[i + 2 :]
        for i in range(len(collapsed) - 2)
    )
    reasons = []
    if returns:
        reasons.append("returned")
    if changes > t.max_hand_changes:
        reasons.append("hand_changes")
    if out_and_back:
        reasons.append("out_and_back")
    if not reasons:
        return None
    evidence = {
        "path": path,
        "hand_changes": changes,
        "returned_to": sorted(set(returns)),
        "limit": t.max_hand_changes,
    }
    return Finding(PASS_AROUND, "+".join(reasons), evidence)


# --- gaming patterns ------------------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(sep=" ")


def supplement_findings(
    calendar: Calendar,
    supplements: Sequence[SupplementLike],
    given_due: datetime | None,
    t: Thresholds = DEFAULTS,
) -> list[Finding]:
    """``supplement_near_due``: a request within ``t.near_due_hours`` working hours before the due
    time in force when it was made (its NgayHenTraTruoc, else the record's due time extended by
    the earlier answered waits), or after that due time; ``repeated_supplement``: more than
    ``t.max_supplements`` requests."""
    out = []
    waited = timedelta(0)
    near: list[dict[str, Any]] = []
    for n, s in enumerate(supplements):
        due = s.due_before or (given_due + waited if given_due is not None else None)
        if due is not None:
            if s.requested_at > due:
                near.append(
                    {"n": n + 1, "requested_at": _iso(s.requested_at), "due": _iso(due), "after_due": True}
                )
            elif hours(calendar.working_time_between(s.requested_at, due)) <= t.near_due_hours:
                left = round(hours(calendar.working_time_between(s.requested_at, due)), 2)
                near.append(
                    {"n": n + 1, "requested_at": _iso(s.requested_at), "due": _iso(due), "hours_left": left}
                )
        if s.answered_at is not None:
            waited += s.answered_at - s.requested_at
    if near:
        out.append(
            Finding(
                SUPPLEMENT_NEAR_DUE,
                "after_due" if all(x.get("after_due") for x in near) else "near_due",
                {"requests": near, "window_hours": t.near_due_hours},
            )
        )
    if len(supplements) > t.max_supplements:
        times = [_iso(s.requested_at) for s in supplements]
        out.append(
            Finding(
                REPEATED_SUPPLEMENT,
                "count",
                {"count": len(supplements), "requested_at": times, "limit": t.max_supplements},
            )
        )
    return out


def due_extended(due_history: Sequence[datetime | None], t: Thresholds = DEFAULTS) -> Finding | None:
    """``due_extended``: the record's due time (NgayHenTra) moved later between its versions
    (oldest first, the current one last) by more than ``t.due_extension_tolerance_s``."""
    seen = [d for d in due_history if d is not None]
    if len(seen) < 2:
        return None
    first = seen[0]
    latest = max(seen[1:])
    if (latest - first).total_seconds() <= t.due_extension_tolerance_s:
        return None
    return Finding(
        DUE_EXTENDED,
        "moved_later",
        {"first_due": _iso(first), "later_due": _iso(latest), "hours": round(hours(latest - first), 2)},
    )


def backdated_end(
    end_at: datetime | None,
    steps: Sequence[StepLike],
    previous_ends: Sequence[datetime | None] = (),
    t: Thresholds = DEFAULTS,
) -> Finding | None:
    """``backdated_end``: the end of processing earlier than the last processing step (the
    hand-back of the result left out) or than the end an earlier version of the record gave,
    by more than ``t.backdate_tolerance_s``."""
    if end_at is None:
        return None
    tol = timedelta(seconds=t.backdate_tolerance_s)
    work = [s.at for s in steps if s.at is not None and s.status != DossierStatus.RETURNED]
    if work and end_at < max(work) - tol:
        return Finding(BACKDATED_END, "before_last_step", {"end": _iso(end_at), "last_step": _iso(max(work))})
    earlier = [e for e in previous_ends if e is not None]
    if earlier and end_at < max(earlier) - tol:
        return Finding(
            BACKDATED_END,
            "earlier_than_version",
            {"end": _iso(end_at), "earlier_version_end": _iso(max(earlier))},
        )
    return None


def refused_near_due(
    calendar: Calendar,
    status: int,
    end_at: datetime | None,
    effective_due_at: datetime | None,
    received_at: datetime,
    t: Thresholds = DEFAULTS,
) -> Finding | None:
    """``refused_near_due``: a dossier stopped or withdrawn (or refused after it was being
    processed) within ``t.near_due_hours`` working hours before its due time. A refusal at
    receipt (status 3 the day it was received) is the one-stop desk's check, not flagged."""
    if status not in REFUSED_OR_WITHDRAWN or end_at is None or effective_due_at is None:
        return None
    if status == DossierStatus.NOT_RECEIVED and end_at.date() == received_at.date():
        return None
    if end_at > effective_due_at:
        return None
    left = hours(calendar.working_time_between(end_at, effective_due_at))
    if left > t.near_due_hours:
        return None
    return Finding(
        REFUSED_NEAR_DUE,
        f"status_{status}",
        {"end": _iso(end_at), "due": _iso(effective_due_at), "hours_left": round(left, 2), "status": status},
    )


def sync_late(synced_on_time: bool, end_history: Sequence[datetime | None] = ()) -> Finding | None:
    """``sync_late``: the portal's record reached kpixa late (not ``synced_on_time``, the sync
    measure's rule) or changed its end of processing after an end had been sent."""
    ends = [e for e in end_history if e is not None]
    changed = len(set(ends)) > 1
    if synced_on_time and not changed:
        return None
    reason = "arrived_late" if not synced_on_time else "end_changed"
    if not synced_on_time and changed:
        reason = "arrived_late+end_changed"
    return Finding(SYNC_LATE, reason, {"ends": [_iso(e) for e in ends]} if changed else {})


def period_end_burst(
    last_days: int, total: int, history: Sequence[tuple[int, int]], t: Thresholds = DEFAULTS
) -> Finding | None:
    """``period_end_burst`` (unit-level): ``last_days`` of the period's ``total`` closures fell on
    its last ``t.burst_last_days`` working days; flagged when that share is at least
    ``t.burst_ratio`` times the unit's own share over earlier periods (``history``: (last days,
    total) per period) and at least ``t.burst_min_closures`` closures. Without history the
    expected share is the last days' share of a month (burst_last_days / 22 working days)."""
    if total <= 0 or last_days < t.burst_min_closures:
        return None
    past_last, past_total = sum(h[0] for h in history), sum(h[1] for h in history)
    baseline = past_last / past_total if past_total else t.burst_last_days / 22
    share = last_days / total
    if baseline > 0 and share < t.burst_ratio * baseline:
        return None
    return Finding(
        PERIOD_END_BURST,
        "burst",
        {
            "last_days": last_days,
            "total": total,
            "share": round(share, 3),
            "baseline": round(baseline, 3),
            "ratio": t.burst_ratio,
        },
    )
