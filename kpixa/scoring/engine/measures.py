"""The fixed vocabulary of measures a framework may use as numerator or denominator.

Each measure is a count (or, for ``reported.*``, a value entered by a commune) for one unit
over one period. The dossier rollups produce the ``dossiers.*``, ``procedures.*``,
``petitions.*`` and ``ratings.*`` counts; the reporting app produces ``reported.*`` values;
scores of other frameworks enter as ``framework.<code>.total``.

Definitions follow docs/rules.md ("Dossier outcome", "The service index"). "In the period"
means: received in the period, or received earlier and still being processed during it (the
portal's denominator).
"""

from __future__ import annotations

MEASURES: dict[str, str] = {
    # Progress (docs/rules.md, "Dossier outcome"): outcome as of the period end.
    "dossiers.total": "dossiers received in, or still being processed during, the period",
    "dossiers.received": "dossiers received in the period",
    "dossiers.carried_over": "dossiers received before the period and still open at its start",
    "dossiers.on_time": "finished on time in the period, plus open at the period end within their deadline",
    "dossiers.late": "finished late in the period, plus open at the period end past their deadline",
    "dossiers.finished": "dossiers whose processing ended in the period",
    "dossiers.finished_on_time": "finished in the period, on or before their due time",
    "dossiers.finished_late": "finished in the period, after their due time",
    "dossiers.open_within_deadline": "open at the period end, not yet past their due time",
    "dossiers.open_overdue": "open at the period end, past their due time",
    "dossiers.late_receipt": "online dossiers received more than 8 working hours after submission",
    # Online services and payment (docs/rules.md, "The service index").
    "dossiers.online": "dossiers submitted online (KenhThucHien = 2)",
    "dossiers.e2e_eligible": "dossiers of procedures eligible for end-to-end online service",
    "dossiers.e2e_online": "online dossiers of procedures eligible for end-to-end online service",
    "dossiers.fee_bearing": "dossiers with at least one non-zero fee",
    "dossiers.paid_online": "fee-bearing dossiers paid online (DuocThanhToanTrucTuyen 1 or 2)",
    "procedures.fee_bearing": "fee-bearing procedures of the commune-level catalogue",
    "procedures.fee_bearing_paid_online": "fee-bearing procedures with at least one dossier paid online",
    "procedures.fee_bearing_with_dossiers": "fee-bearing procedures with at least one dossier in the period",
    # Publicity (docs/rules.md, "The service index", group 1): the procedure catalogue,
    # province-level in practice.
    "procedures.total": "procedures of the unit's catalogue in force in the period",
    "procedures.published_on_time": "procedures published on the portal on time",
    "procedures.updated_on_time": "procedures whose changes were updated and made public on time",
    "procedures.published_complete": "procedures published with all their parts",
    # Digitisation (docs/rules.md, "The service index").
    "dossiers.certification": "certification (chứng thực) dossiers",
    "dossiers.certification_electronic": "certification dossiers issued as electronic certified copies",
    "dossiers.result_in_citizen_store": "finished dossiers whose result reached the citizen's DVCQG store",
    "dossiers.resident_data_used": "dossiers checked against or filled from the national population database",
    "procedures.resident_data_connected": "procedures of the commune-level catalogue with at least one "
    "dossier received in the period that used the national population database (DSKetNoiCSDL)",
    "procedures.catalogue": "procedures of the unit's catalogue (a commune: the commune-level one), over "
    "which the portal counts the procedures connected to population data",
    "dossiers.finished_with_e_result": "finished dossiers with an electronic result",
    "dossiers.digitised": "dossiers with at least one submitted document digitised",
    "dossiers.reused_data": "dossiers reusing digitised data (HoSoCoThanhPhanSoHoa)",
    "dossiers.vneid": "dossiers whose submitter account was verified with VNeID",
    "dossiers.synced_on_time": "dossiers received by kpixa within 24 hours of their last change "
    "(kpixa's own delay measure: meaningless for back-filled history)",
    "dossiers.declared_received": "dossiers the source systems declare the commune received in the period "
    "(their own monthly counts); None, i.e. not measurable, when a month of the period was not declared",
    # Accountability (docs/rules.md, "Accountability: who made it late, pass-around, gaming
    # patterns"; docs/flags.md): counted by kpixa.accountability on the dossier's end day (its
    # receipt day while open); dismissed flags do not count.
    "dossiers.pass_around": "dossiers passed around (returned to a desk, too many hands, out and back)",
    "dossiers.late_steps": "processing steps finished after their own due time",
    "dossiers.hours_over": "working hours of processing steps past their own due time (whole hours)",
    "dossiers.made_late_by_staff": "late dossiers whose overrun the staff's steps consumed",
    "dossiers.made_late_by_sync": "late dossiers made late by a late or changed sync, the staff on time",
    "dossiers.made_late_by_citizen": "late dossiers whose time ran out while a supplement was awaited",
    "dossiers.sync_late": "dossiers not on time whose record arrived late, or whose end changed afterwards",
    "dossiers.gaming_flags": "dossiers flagged for supplement, due-time, end-time or refusal gaming",
    # Satisfaction (docs/rules.md, "The service index").
    "dossiers.complaint_or_unsatisfied": "dossiers with a complaint or a 'not satisfied' rating",
    "petitions.total": "petitions (PAKN) due or handled in the period",
    "petitions.on_time": "petitions handled within their deadline",
    "ratings.petition_total": "citizen ratings of petition handling",
    "ratings.petition_satisfied": "ratings of petition handling that are satisfied or better",
    "ratings.dossier_total": "citizen ratings of dossier handling",
    "ratings.dossier_satisfied": "ratings of dossier handling that are satisfied or better",
}

# The measures kpixa.accountability produces from its flags and delays (docs/flags.md), not the
# dossier rollups: the dossiers' measures provider leaves them out, the scoring asks that app.
ACCOUNTABILITY_MEASURES: frozenset[str] = frozenset(
    {
        "dossiers.pass_around",
        "dossiers.late_steps",
        "dossiers.hours_over",
        "dossiers.made_late_by_staff",
        "dossiers.made_late_by_sync",
        "dossiers.made_late_by_citizen",
        "dossiers.sync_late",
        "dossiers.gaming_flags",
    }
)

REPORTED_PREFIX = "reported."
FRAMEWORK_PREFIX = "framework."


def is_known_measure(name: str) -> bool:
    """Return True for a vocabulary measure, a ``reported.<code>`` value or a ``framework.<code>.total``."""
    if name in MEASURES:
        return True
    if name.startswith(REPORTED_PREFIX) and len(name) > len(REPORTED_PREFIX):
        return True
    return name.startswith(FRAMEWORK_PREFIX) and name.endswith(".total")
