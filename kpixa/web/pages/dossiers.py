"""The dossiers behind one count of a commune's scorecard (``/xa/<code>/ho-so/`` and its CSV): the
drill-down list, filtered by outcome, procedure and dossier code, paginated.

The only page read of raw dossiers; it selects them by the facts stored at ingest, as the rollups
count them (docs/rules.md, "Dossier outcome"), so a list always matches its count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kpixa.dossiers.models import Dossier
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.units.models import Commune

PAGE_SIZE = 25


def _open_at(end: date) -> Q:
    return Q(end_day__isnull=True) | Q(end_day__gt=end)


def outcome_filter(outcome: str, start: date, end: date) -> Q | None:
    """The dossiers counted in a measure over [start, end], as the rollups count them; None if unknown.

    total: received by the end and not finished before the start; late: finished late within
    the period or open and overdue at its end; on_time: finished on time within it or open and
    not yet overdue at its end; no_due: those of total without a due time (counted late,
    kpixa.rules.outcome.NO_DUE_POLICY); the others: received within the period with the flag set.
    Reads only the facts stored at ingest; the shared table of outcome cases checks it against
    the rollups.
    """
    received = Q(received_day__gte=start, received_day__lte=end)
    within = Q(end_day__gte=start, end_day__lte=end)
    overdue = Q(overdue_day__isnull=False, overdue_day__lte=end)
    flags = {
        "online": Q(online=True),
        "e2e_eligible": Q(e2e_eligible=True),
        "e2e_online": Q(e2e_eligible=True, online=True),
        "fee_bearing": Q(fee_bearing=True),
        "paid_online": Q(fee_bearing=True, paid_online=True),
        "digitised": Q(digitised=True),
        "synced_on_time": Q(synced_on_time=True),
    }
    total = Q(received_day__lte=end) & (Q(end_day__isnull=True) | Q(end_day__gte=start))
    if outcome == "total":
        return total
    if outcome == "no_due":
        return total & Q(effective_due_at__isnull=True)
    if outcome == "late":
        return (within & Q(on_time=False)) | (Q(received_day__lte=end) & _open_at(end) & overdue)
    if outcome == "on_time":
        return (within & Q(on_time=True)) | (Q(received_day__lte=end) & _open_at(end) & ~overdue)
    if outcome in flags:
        return received & flags[outcome]
    return None


@dataclass(frozen=True)
class DossierFilters:
    """Narrowing of a dossier list: outcome, procedure code, text in the dossier code."""

    outcome: str = "total"
    procedure: str = ""
    q: str = ""


def dossiers_behind(commune: Commune, period: PeriodSpan, filters: DossierFilters) -> QuerySet[Dossier]:
    """The commune's dossiers counted in ``filters.outcome`` for the period, oldest receipt first.

    Unknown outcomes give an empty list. Paginate the result: it is not bounded.
    """
    where = outcome_filter(filters.outcome, period.start, period.end)
    if where is None:
        return Dossier.objects.none()
    found = Dossier.objects.filter(where, commune=commune).select_related("procedure")
    if filters.procedure:
        found = found.filter(procedure_code=filters.procedure)
    if filters.q:
        found = found.filter(ma_ho_so__icontains=filters.q)
    return found.order_by("received_at", "pk")


def days_late(dossier: Dossier, period_end: date) -> int | None:
    """Calendar days past the effective due date at its end (or at the period's end if still open)."""
    due = dossier.effective_due_at or dossier.due_at
    if due is None:
        return None
    finished = dossier.end_at.date() if dossier.end_at else period_end
    late = (finished - due.date()).days
    return late if late > 0 else None
