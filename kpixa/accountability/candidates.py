"""Which stored dossiers the accountability pass must read: a set-based necessary condition
(docs/flags.md, "Speed").

Most dossiers of a batch are plain — received, handled, returned in time, no supplement — and
no rule of ``kpixa.rules.steps`` finds anything in them. On PostgreSQL the pass asks the
database for the dossiers where *some* rule could find something, and applies the rules in
Python to those only; the others have no flag and no delay (an open flag or a delay a
correction cleared is still removed, as for an analysed dossier). The condition is a superset
of what the rules find, one clause per rule, each weaker than (or equal to) the rule itself:

* ``late_receipt``: the stored fact;
* ``supplement_near_due``, ``repeated_supplement``: at least one supplement request;
* ``refused_near_due``: stopped, withdrawn or refused, with an end at or before the due time;
* ``due_extended``, ``backdated_end`` (against an earlier version), ``sync_late`` (end
  changed): the record has versions;
* ``sync_late`` (arrived late): not synced on time, not on time, not a back-fill;
* the delay attribution, part 1: the effective due time passed before the end (or before the
  pass's instant while open);
* the delay attribution, part 2: a step later than its own due time;
* ``backdated_end`` (before the last step): a step other than the hand-back later than the end
  plus the smallest tolerance of any province (compared at second precision, which only adds
  dossiers);
* ``pass_around``: at least ``min(3, max_hand_changes + 2)`` steps that are not a supplement
  request or the hand-back (a return or an out-and-back needs a path of three holders; more
  than ``max_hand_changes`` changes needs ``max_hand_changes + 2``), with the smallest
  ``max_hand_changes`` of any province.

The step clauses compare the stored step times as text. The stored steps are written by
``kpixa.dossiers.services.ingest`` (both import paths) from the portal's times read as naive local
time and encoded by ``datetime.isoformat`` (``YYYY-MM-DDTHH:MM:SS`` and, when not zero,
``.ffffff``), for which text order is time order; the equivalence test
(``tests/test_candidates.py``) runs the pass with and without this condition and compares every
stored row. Other databases (SQLite) read every dossier of the scope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from kpixa.dossiers.step_analysis import VN
from kpixa.rules import steps as rules
from kpixa.rules.codes import REFUSED_OR_WITHDRAWN, DossierStatus

# Turned off by the equivalence test to get the reference (every dossier analysed).
ENABLED = True

# The statuses are the code tables' constants (numbers), written into the JSON paths.
_RETURNED, _SUPPLEMENT = int(DossierStatus.RETURNED), int(DossierStatus.SUPPLEMENT_REQUESTED)
_NOT_HAND_BACK = f'(@.status != {_RETURNED} || !exists(@.status) || @.status.type() != "number")'
_LATE_STEP = f"$[*] ? (@.at > @.step_due || ({_NOT_HAND_BACK} && @.at > $end))"
_NOT_A_HAND = f"$[*] ? (@.status == {_SUPPLEMENT} || @.status == {_RETURNED})"
_D = '"dossiers_dossier"'
# At least %s steps that are neither a supplement request nor the hand-back (the parameter three
# times): pass_around's clause, also read per row to skip that rule where it cannot fire.
_HANDS = f"""CASE
        WHEN jsonb_array_length({_D}."steps") < %s THEN false
        WHEN jsonb_array_length({_D}."steps") = %s THEN NOT {_D}."steps" @? '{_NOT_A_HAND}'
        ELSE jsonb_array_length({_D}."steps")
            - jsonb_array_length(jsonb_path_query_array({_D}."steps", '{_NOT_A_HAND}')) >= %s
    END"""  # noqa: S608 — constants only
_SQL = f"""(
    {_D}."late_receipt"
    OR jsonb_array_length({_D}."supplements") > 0
    OR ({_D}."status" = ANY(%s) AND {_D}."end_at" IS NOT NULL AND {_D}."effective_due_at" IS NOT NULL
        AND {_D}."end_at" <= {_D}."effective_due_at")
    OR ({_D}."effective_due_at" IS NOT NULL AND COALESCE({_D}."end_at", %s) > {_D}."effective_due_at")
    OR (NOT {_D}."synced_on_time"
        AND ({_D}."on_time" = false OR ({_D}."on_time" IS NULL AND {_D}."overdue_day" IS NOT NULL))
        AND {_D}."ingested_at" - {_D}."version_at" <= make_interval(days => %s))
    OR EXISTS (SELECT 1 FROM "dossiers_dossierversion" v WHERE v."dossier_id" = {_D}."id")
    OR jsonb_path_exists({_D}."steps", '{_LATE_STEP}', jsonb_build_object('end', to_char(
        ({_D}."end_at" + make_interval(secs => %s)) AT TIME ZONE INTERVAL '+07:00',
        'YYYY-MM-DD"T"HH24:MI:SS')))
    OR {_HANDS}
)"""  # noqa: S608 — constants only; every value is a parameter


def available() -> bool:
    """True when the database can answer the condition (PostgreSQL) and it is not turned off."""
    return ENABLED and connection.vendor == "postgresql"


def thresholds_for(province_code: str) -> rules.Thresholds:
    """The detectors' thresholds of a province: ``KPIXA_FLAG_THRESHOLDS[code]`` over
    ``KPIXA_FLAG_THRESHOLDS["default"]`` over the documented defaults (rules.Thresholds)."""
    table: dict[str, dict[str, Any]] = getattr(settings, "KPIXA_FLAG_THRESHOLDS", {}) or {}
    values = {**table.get("default", {}), **table.get(province_code, {})}
    return rules.Thresholds(**values)


def loosest() -> rules.Thresholds:
    """The thresholds that let the most dossiers through: the smallest ``max_hand_changes`` and
    ``backdate_tolerance_s`` of the defaults and of every province in ``KPIXA_FLAG_THRESHOLDS``."""
    table: dict[str, Any] = getattr(settings, "KPIXA_FLAG_THRESHOLDS", {}) or {}
    every = [thresholds_for(code) for code in {"", *table}]
    return rules.Thresholds(
        max_hand_changes=min(t.max_hand_changes for t in every),
        backdate_tolerance_s=min(t.backdate_tolerance_s for t in every),
    )


def condition(as_of: datetime, backfill_days: int) -> RawSQL:
    """The necessary condition as a boolean expression over ``dossiers_dossier`` (PostgreSQL),
    for a pass that judges open dossiers at ``as_of`` (naive local time)."""
    t = loosest()
    params = [
        [int(s) for s in REFUSED_OR_WITHDRAWN],
        as_of.replace(tzinfo=VN),
        backfill_days,
        t.backdate_tolerance_s,
        *_hands_params(t),
    ]
    return RawSQL(_SQL, params, output_field=BooleanField())  # noqa: S611 — fixed SQL, values as parameters


def _hands_params(t: rules.Thresholds) -> list[int]:
    return [min(3, t.max_hand_changes + 2)] * 3


def hands() -> RawSQL:
    """pass_around's clause alone, as a boolean column (PostgreSQL): False where the dossier has
    too few hand steps for any province's pass_around."""
    return RawSQL(f"({_HANDS})", _hands_params(loosest()), output_field=BooleanField())  # noqa: S611
