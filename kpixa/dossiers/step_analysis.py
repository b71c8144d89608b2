"""A stored dossier's steps and supplements read back for the accountability rules
(kpixa.rules.steps; docs/rules.md, "Accountability: who made it late, pass-around, gaming
patterns"): hours per step and who made it late, for the timeline, ``explain_dossier`` and the
set-based pass of kpixa.accountability."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.utils import timezone

from kpixa.dossiers.records import Step, Supplement
from kpixa.rules import steps as rules

VN = dt_timezone(timedelta(hours=7))  # Vietnam keeps no daylight saving time: one fixed offset


def naive_local(value: datetime | None) -> datetime | None:
    """A stored (aware) instant as naive Vietnam-local time, as the rules read it."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(VN).replace(tzinfo=None)


_fromisoformat = datetime.fromisoformat


def parse_time(value: Any) -> datetime | None:
    """A time as stored in the steps' and supplements' JSON (ISO, naive local)."""
    if not value:
        return None
    parsed = _fromisoformat(value if type(value) is str else str(value))
    return parsed if parsed.tzinfo is None else parsed.astimezone(VN).replace(tzinfo=None)


def step_rows(raw: Iterable[dict[str, Any]] | None) -> list[Step]:
    """The stored steps (ingest's JSON of records.Step) read back as records.Step."""
    return [
        Step(
            parse_time(s.get("at")),
            s.get("status"),
            s.get("content") or "",
            s.get("handler") or "",
            s.get("title") or "",
            s.get("department") or "",
            parse_time(s.get("step_due")),
        )
        for s in raw or []
    ]


def supplement_rows(raw: Iterable[dict[str, Any]] | None) -> list[Supplement]:
    """The stored supplements (ingest's JSON of records.Supplement) read back as records.Supplement."""
    out = []
    for s in raw or []:
        requested = parse_time(s.get("requested_at"))
        if requested is not None:
            answered, due_before = parse_time(s.get("answered_at")), parse_time(s.get("due_before"))
            out.append(Supplement(requested, answered, due_before, parse_time(s.get("due_after"))))
    return out


def lateness(dossier: Any, as_of: datetime | None = None, *, sync_late: bool = False) -> rules.Lateness:
    """Who made a stored dossier late (and every step's hours), judged at its end or, while
    open, at ``as_of`` (default: now)."""
    from kpixa.workdays.calendar import get_calendar

    received = naive_local(dossier.received_at)
    assert received is not None
    end = naive_local(dossier.end_at)
    when = as_of or timezone.localtime().replace(tzinfo=None)
    return rules.who_made_it_late(
        get_calendar(),
        received_at=received,
        effective_due_at=naive_local(dossier.effective_due_at),
        end_at=end,
        steps=step_rows(dossier.steps),
        supplements=supplement_rows(dossier.supplements),
        as_of=None if end else when,
        sync_late=sync_late,
    )
