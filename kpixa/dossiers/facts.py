"""Per-dossier facts, computed once at ingest, and the outcome as of a period end.

The outcome rule itself (end of processing, due time, waiting time, overdue, on time, late
receipt) lives in ``kpixa.rules.outcome`` and is described in docs/rules.md, "Dossier outcome
(on time, late, open)"; this module applies it to a chunk of validated records with the
process-wide working-day calendar and adds the facts that are not about the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

from kpixa.dossiers.records import DossierRecord
from kpixa.rules import outcome as rule
from kpixa.rules.codes import FINISHED_STATUSES, Channel
from kpixa.rules.outcome import (  # noqa: F401 — re-exported for the ingest paths and tests
    LATE_RECEIPT_HOURS,
    LONG_OPEN_DAYS,
    SYNC_HOURS,
    Outcome,
    end_of_processing,
    given_due,
    outcome_as_of,
    step_end,
    supplement_waiting,
)


def due_base_setting() -> str:
    """``truoc`` (default): compare with the first supplement's NgayHenTraTruoc + wait; ``hentra``:
    always NgayHenTra + wait (docs/rules.md, unverified; docs/dossier-format.md)."""
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


def waiting(rec: DossierRecord) -> tuple[int, bool]:
    """Return (seconds waited for answered supplements, whether one is still unanswered)."""
    return supplement_waiting(rec.supplements)


def statutory_dues(
    records: Sequence[DossierRecord], procs: Sequence[ProcedureInfo | None], need: Sequence[bool]
) -> list[tuple[datetime | None, str]]:
    """(due time, source) from a time limit (rule.limit_for) for the records that need one."""
    from kpixa.workdays.calendar import get_calendar

    out: list[tuple[datetime | None, str]] = [(None, "")] * len(records)
    limits = {i: _limit(records[i], procs[i]) for i, n in enumerate(need) if n}
    found = {i: lim for i, lim in limits.items() if lim is not None}
    if not found:
        return out
    starts = [records[i].received_at for i in found]
    dues = rule.statutory_dues(get_calendar(), starts, list(found.values()))
    for (i, lim), due in zip(found.items(), dues, strict=True):
        out[i] = (due, lim.source)
    return out


def _limit(rec: DossierRecord, proc: ProcedureInfo | None) -> rule.Limit | None:
    if proc is None:
        return rule.limit_for(rec, None, "", None)
    return rule.limit_for(rec, proc.limit_value, proc.limit_unit, proc.cutoff_hour)


def late_receipts(records: Sequence[DossierRecord]) -> list[bool]:
    """Online dossiers received more than 8 working hours after submission (docs/rules.md)."""
    from kpixa.workdays.calendar import get_calendar

    out = [False] * len(records)
    idx = [i for i, r in enumerate(records) if rule.receipt_timed(r.channel, r.submitted_at)]
    if not idx:
        return out
    late = rule.late_receipts(
        get_calendar(),
        [records[i].submitted_at for i in idx],  # type: ignore[misc]
        [records[i].received_at for i in idx],
    )
    for i, value in zip(idx, late, strict=True):
        out[i] = value
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
    statutory: tuple[datetime | None, str],
    late_receipt: bool,
    now: datetime,
) -> Facts:
    due, source = given if given[0] is not None else statutory
    judged = rule.judge(rec, due, source)
    end = judged.end_at
    return Facts(
        effective_due_at=judged.effective_due_at,
        due_source=judged.due_source,
        wait_seconds=judged.wait_seconds,
        supplement_count=len(rec.supplements),
        supplement_open=judged.supplement_open,
        end_at=end,
        end_source=judged.end_source,
        on_time=judged.on_time,
        overdue_at=judged.overdue_at,
        received_day=rec.received_at.date(),
        end_day=end.date() if end is not None else None,
        overdue_day=judged.overdue_day,
        online=rec.channel == Channel.ONLINE,
        paid_online=rec.paid_online,
        fee_bearing=_fee_bearing(rec, proc),
        e2e_eligible=bool(proc and proc.e2e_eligible),
        late_receipt=late_receipt,
        synced_on_time=rule.synced_on_time(now, rec.version_at),
        certification=bool(proc and proc.certification),
    )


def _fee_bearing(rec: DossierRecord, proc: ProcedureInfo | None) -> bool:
    if rec.fees is not None:
        return any(amount > 0 for amount in rec.fees)
    return bool(proc and proc.fee_bearing)


def long_open(rec: DossierRecord, facts: Facts) -> bool:
    """A dossier closed more than LONG_OPEN_DAYS after its receipt (suspicious, flagged)."""
    return rule.long_open(rec.received_at, facts.end_at)


def iter_flags(rec: DossierRecord, facts: Facts) -> Iterable[tuple[str, str, dict[str, object]]]:
    """Suspicious-but-accepted findings about one dossier: (code, message template id, values)
    (the templates are kpixa.dossiers.models.FLAG_TEMPLATES)."""
    if long_open(rec, facts):
        days = (facts.end_at - rec.received_at).days  # type: ignore[operator]
        yield "dong_qua_muon", "closed_late", {"days": days, "limit": LONG_OPEN_DAYS}
    if rec.status in FINISHED_STATUSES and facts.end_at is None:
        yield "thieu_thoi_diem_ket_thuc", "no_end", {}
    if facts.effective_due_at is None:
        yield "khong_xac_dinh_han", "no_due", {}
