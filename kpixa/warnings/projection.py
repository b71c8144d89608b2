"""Projected outcome counts at a period's end (docs/early-warning.md). Plain Python, no Django.

An open dossier is judged by the dossier outcome rule (``kpixa.rules.outcome``): the day from
whose end it is late if it stays open is ``rule.overdue_day`` with no end, and its outcome at a
day is ``rule.outcome_as_of``. Nothing here restates that rule; it only decides, per scenario,
which dossiers finish before the period ends:

* best: every open dossier finishes now — on time when it is still within its deadline at the
  as-of day, late when it is already overdue (finishing cannot undo that);
* worst: no open dossier finishes; the rule judges each at the period's last day (open overdue
  when its due time falls before the period's end, else open within its deadline);
* expected: an open dossier already overdue stays late; one whose due time falls before the
  period's end finishes on time with the commune's recent on-time share ``p`` and is late with
  ``1 - p``; one due after the period's end stays open within its deadline.

Dossiers received after the as-of day are not projected (they are not known yet).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from kpixa.rules import outcome as rule

BEST, WORST, EXPECTED = "best", "worst", "expected"
SCENARIOS = (BEST, WORST, EXPECTED)
ZERO = Decimal(0)
ONE = Decimal(1)

# Measures counted among finished dossiers: their share of the finished is kept when the
# projection finishes more dossiers (a rate of e-results does not fall because more finished).
FINISHED_SHARES = ("dossiers.finished_with_e_result", "dossiers.result_in_citizen_store")


class OpenDossier(NamedTuple):
    """A dossier open at the end of the as-of day, with what the rule needs to judge it later (a
    named tuple: a province's tens of thousands are made faster than frozen dataclasses)."""

    commune_id: int
    source_system: str
    ma_ho_so: str
    procedure: str
    received_at: datetime
    due_at: datetime | None  # the effective due time (waiting time included); None: no due time
    overdue_at: datetime | None  # the instant after which it is late (rule.overdue_since)

    @property
    def overdue_day(self) -> date | None:
        """The first day at whose end it is late if it stays open (``rule.overdue_day``, no end)."""
        return rule.overdue_day(self, self.due_at, self.overdue_at, None)  # type: ignore[arg-type]

    def outcome_at(self, day: date) -> rule.Outcome:
        """Its outcome at the end of ``day`` if it is still open then (``rule.outcome_as_of``)."""
        return rule.outcome_as_of({"end_day": None, "on_time": None, "overdue_day": self.overdue_day}, day)


@dataclass
class Projected:
    """What happens to a commune's open dossiers by the period's end (counts; fractional when expected)."""

    finished_on_time: Decimal = ZERO
    finished_late: Decimal = ZERO
    open_within: Decimal = ZERO
    open_overdue: Decimal = ZERO
    dossiers: int = field(default=0)


def project(
    dossiers: Iterable[OpenDossier], as_of: date, period_end: date, on_time_share: Decimal
) -> dict[str, Projected]:
    """The three scenarios' outcome counts of one commune's open ``dossiers`` at ``period_end``
    (``project_days`` over each dossier's overdue day, in the dossiers' order)."""
    return project_days(((d.overdue_day, 1) for d in dossiers), as_of, period_end, on_time_share)


def project_days(
    days: Iterable[tuple[date | None, int]],
    as_of: date,
    period_end: date,
    on_time_share: Decimal,
    scenarios: Collection[str] = SCENARIOS,
) -> dict[str, Projected]:
    """The three scenarios' outcome counts at ``period_end`` of one commune's open dossiers given
    as (overdue day, number of dossiers) — the day ``OpenDossier.overdue_day`` gives, stored for
    every dossier at ingest (``Dossier.overdue_day``: for a dossier not ended, the same day).

    Each dossier falls in one of three cases (overdue now; within its deadline now and overdue at
    the end; within it at both); the rule judges each distinct overdue day once. Whole counts are
    counted; the expected case's fractions are added one dossier at a time, in the order given
    (the same Decimals as adding them dossier by dossier in that order, whatever the rounding).
    ``scenarios``: the ones returned (the expected case's sums are skipped when it is not one)."""
    p = min(ONE, max(ZERO, on_time_share))
    q = ONE - p
    late_now = due_before_end = stays_within = 0
    expected_on_time = expected_overdue = ZERO
    judged: dict[date | None, tuple[rule.Outcome, rule.Outcome]] = {}
    fractions = EXPECTED in scenarios
    for day, n in days:
        outcomes = judged.get(day)
        if outcomes is None:
            facts = {"end_day": None, "on_time": None, "overdue_day": day}
            outcomes = judged[day] = (rule.outcome_as_of(facts, as_of), rule.outcome_as_of(facts, period_end))
        if outcomes[0] == "open_overdue":
            late_now += n
            for _ in range(n if fractions else 0):
                expected_overdue += ONE
        elif outcomes[1] == "open_overdue":
            due_before_end += n
            for _ in range(n if fractions else 0):
                expected_on_time += p
                expected_overdue += q
        else:
            stays_within += n
    out = {name: Projected() for name in SCENARIOS}
    best, worst, expected = out[BEST], out[WORST], out[EXPECTED]
    for projected in out.values():
        projected.dossiers = late_now + due_before_end + stays_within
    best.finished_late = Decimal(late_now)
    best.finished_on_time = Decimal(due_before_end + stays_within)
    worst.open_overdue = Decimal(late_now + due_before_end)
    worst.open_within = Decimal(stays_within)
    expected.open_within = Decimal(stays_within)
    expected.finished_on_time = expected_on_time
    expected.open_overdue = expected_overdue
    return {name: projected for name, projected in out.items() if name in scenarios}


def projected_measures(
    base: Mapping[str, int | Decimal | None], projected: Projected
) -> dict[str, int | Decimal | None]:
    """The period's dossier measures at its end: ``base`` (the rollups' measures over the period's
    first day through the as-of day) with the open dossiers' outcomes replaced by ``projected``.

    Counts of dossiers received do not change; finished counts grow by the dossiers the scenario
    finishes; open counts are the scenario's; the measures of ``FINISHED_SHARES`` keep their share
    of the finished dossiers. Every other measure stays as of the as-of day.
    """
    out: dict[str, int | Decimal | None] = dict(base)
    finished_before = _num(base.get("dossiers.finished"))
    on_time = _num(base.get("dossiers.finished_on_time")) + projected.finished_on_time
    late = _num(base.get("dossiers.finished_late")) + projected.finished_late
    finished = finished_before + projected.finished_on_time + projected.finished_late
    out["dossiers.finished_on_time"] = _plain(on_time)
    out["dossiers.finished_late"] = _plain(late)
    out["dossiers.finished"] = _plain(finished)
    out["dossiers.open_within_deadline"] = _plain(projected.open_within)
    out["dossiers.open_overdue"] = _plain(projected.open_overdue)
    out["dossiers.on_time"] = _plain(on_time + projected.open_within)
    out["dossiers.late"] = _plain(late + projected.open_overdue)
    if finished_before and finished != finished_before:
        for name in FINISHED_SHARES:
            value = base.get(name)
            if value is not None:
                out[name] = _plain(Decimal(value) * finished / finished_before)
    return out


def _num(value: int | Decimal | None) -> Decimal:
    return ZERO if value is None else Decimal(value)


def _plain(value: Decimal) -> int | Decimal:
    """A whole count as int (what the rollups give), a fraction as Decimal (the expected case)."""
    return int(value) if value == value.to_integral_value() else value


def shrunk_share(on_time: int, finished: int, prior: Decimal, weight: int) -> Decimal:
    """The on-time share ``on_time / finished`` shrunk toward ``prior`` as if ``weight`` more
    dossiers had closed at the prior share: (on_time + weight·prior) / (finished + weight)."""
    if finished + weight == 0:
        return prior
    return (Decimal(on_time) + weight * prior) / Decimal(finished + weight)
