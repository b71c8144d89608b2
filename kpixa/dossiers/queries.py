"""Named, permission-scoped reads of the dossiers app, and the measures of a period from rollups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from kpixa.accounts.models import ApiToken
from kpixa.dossiers.models import (
    Dossier,
    ImportBatch,
    Procedure,
    ProcedureRollup,
    Rejection,
    Rollup,
    SourceKind,
    SourceSystem,
)
from kpixa.dossiers.services.declared import declared_received
from kpixa.scoring.engine.measures import ACCOUNTABILITY_MEASURES, MEASURES

# Measures summed over the days of the period straight from the rollups.
SUMMED = (
    "dossiers.received",
    "dossiers.finished",
    "dossiers.finished_on_time",
    "dossiers.finished_late",
    "dossiers.late_receipt",
    "dossiers.online",
    "dossiers.e2e_eligible",
    "dossiers.e2e_online",
    "dossiers.fee_bearing",
    "dossiers.paid_online",
    "dossiers.finished_with_e_result",
    "dossiers.certification",
    "dossiers.certification_electronic",
    "dossiers.digitised",
    "dossiers.reused_data",
    "dossiers.vneid",
    "dossiers.resident_data_used",
    "dossiers.synced_on_time",
    "dossiers.complaint_or_unsatisfied",
    "petitions.total",
    "petitions.on_time",
    "ratings.petition_total",
    "ratings.petition_satisfied",
    "ratings.dossier_total",
    "ratings.dossier_satisfied",
)
PRODUCED = tuple(
    name for name in MEASURES if not name.startswith("reported.") and name not in ACCOUNTABILITY_MEASURES
)
# Measures of the vocabulary that no field of the record supports: always None ("no data"),
# so the scoring engine applies the indicator's N/A policy instead of scoring a zero
# (docs/dossier-format.md, "Measures without data").
NOT_COMPUTED = (
    "procedures.published_on_time",
    "procedures.updated_on_time",
    "procedures.published_complete",
    "dossiers.result_in_citizen_store",
)
# Catalogue levels taken as commune level; an empty level (an older import, or a procedure
# added unverified from a record) counts too, since the catalogue loaded here is the
# commune-level one.
COMMUNE_LEVELS = ("", "xa", "xã", "Xã", "cap_xa", "cấp xã", "Cấp xã")
Measures = dict[str, int | None]


def period_measures(commune_ids: Iterable[int], start: date, end: date) -> dict[int, Measures]:
    """Every dossier-derived measure of the vocabulary for each commune over [start, end].

    A measure the data cannot support (NOT_COMPUTED) is None, never 0; so is
    ``dossiers.declared_received`` for a commune with a month of the period undeclared.
    Reads the rollups, the declared counts and, for ``procedures.resident_data_connected``, the
    dossiers received in the period through their (commune, received_day) index (five queries,
    whatever the period or the number of communes).
    Open-at-period-end counts come from prefix sums of the day counters: open at E =
    received by E − finished by E; overdue at E = x.overdue_start by E − x.overdue_stop by E.
    Distinct-procedure counts use whole months (docs/dossier-format.md, "Rollups").
    """
    ids = list(commune_ids)
    sums = _day_sums(ids, start, end)
    procedures = _procedure_counts(ids, start, end)
    catalogue = _catalogue_counts()
    declared = declared_received(ids, start, end)
    connected = _resident_data_procedures(ids, start, end)
    out = {cid: _measures(sums.get(cid, {}), procedures.get(cid, {}), catalogue) for cid in ids}
    for cid in ids:
        out[cid]["dossiers.declared_received"] = declared.get(cid)
        if out[cid]["dossiers.resident_data_used"] is not None:  # None: DSKetNoiCSDL not read for all
            out[cid]["procedures.resident_data_connected"] = connected.get(cid, 0)
    return out


def _resident_data_procedures(ids: list[int], start: date, end: date) -> dict[int, int]:
    """commune → procedures of the commune-level catalogue with at least one dossier received in
    [start, end] that used the national population database (DSKetNoiCSDL; docs/rules.md, "The
    service index", 6.6 from version 2025.4) (one query)."""
    rows = (
        Dossier.objects.filter(
            commune_id__in=ids,
            received_day__gte=start,
            received_day__lte=end,
            resident_data_used=True,
            procedure__verified=True,
            procedure__level__in=COMMUNE_LEVELS,
        )
        .values("commune_id")
        .annotate(procedures=Count("procedure_id", distinct=True))
        .order_by()
    )
    return {r["commune_id"]: r["procedures"] for r in rows}


def _catalogue_counts() -> dict[str, int]:
    """Verified commune-level procedures of the catalogue: all, and fee-bearing (one query).

    The catalogue has no validity dates: "in force in the period" is the current catalogue.
    """
    return Procedure.objects.filter(verified=True, level__in=COMMUNE_LEVELS).aggregate(
        total=Count("id"), fee_bearing=Count("id", filter=Q(fee_bearing=True))
    )


def _day_sums(ids: list[int], start: date, end: date) -> dict[int, dict[str, tuple[int, int]]]:
    """commune → measure → (sum of days before start, sum over [start, end])."""
    rows = (
        Rollup.objects.filter(commune_id__in=ids, day__lte=end)
        .values("commune_id", "measure")
        .annotate(before=Sum("value", filter=Q(day__lt=start)), within=Sum("value", filter=Q(day__gte=start)))
        .order_by()
    )
    out: dict[int, dict[str, tuple[int, int]]] = {}
    for row in rows:
        out.setdefault(row["commune_id"], {})[row["measure"]] = (row["before"] or 0, row["within"] or 0)
    return out


def _procedure_counts(ids: list[int], start: date, end: date) -> dict[int, dict[str, int]]:
    fee = Q(procedure__fee_bearing=True)
    rows = (
        ProcedureRollup.objects.filter(commune_id__in=ids, month__gte=start.replace(day=1), month__lte=end)
        .values("commune_id")
        .annotate(
            with_dossiers=Count("procedure_id", distinct=True, filter=fee & Q(dossiers__gt=0)),
            paid=Count("procedure_id", distinct=True, filter=fee & Q(paid_online__gt=0)),
        )
        .order_by()
    )
    return {r["commune_id"]: {"with": r["with_dossiers"], "paid": r["paid"]} for r in rows}


def _measures(sums: dict[str, tuple[int, int]], procs: dict[str, int], catalogue: dict[str, int]) -> Measures:
    def within(name: str) -> int:
        return sums.get(name, (0, 0))[1]

    def upto_before(name: str) -> int:
        return sums.get(name, (0, 0))[0]

    def upto_end(name: str) -> int:
        return sum(sums.get(name, (0, 0)))

    out: Measures = {name: within(name) for name in SUMMED}
    carried = upto_before("dossiers.received") - upto_before("dossiers.finished")
    open_end = upto_end("dossiers.received") - upto_end("dossiers.finished")
    overdue = upto_end("x.overdue_start") - upto_end("x.overdue_stop")
    out["dossiers.carried_over"] = carried
    out["dossiers.total"] = within("dossiers.received") + carried
    out["dossiers.open_overdue"] = overdue
    out["dossiers.open_within_deadline"] = open_end - overdue
    out["dossiers.on_time"] = within("dossiers.finished_on_time") + open_end - overdue
    out["dossiers.late"] = within("dossiers.finished_late") + overdue
    if within("x.resident_data_unknown"):  # received before DSKetNoiCSDL was read: unknown
        out["dossiers.resident_data_used"] = None
    out["procedures.total"] = catalogue["total"]
    out["procedures.catalogue"] = catalogue["total"]
    out["procedures.fee_bearing"] = catalogue["fee_bearing"]
    out["procedures.fee_bearing_with_dossiers"] = procs.get("with", 0)
    out["procedures.fee_bearing_paid_online"] = procs.get("paid", 0)
    return {name: out.get(name) for name in PRODUCED}


# --- permission-scoped reads --------------------------------------------------------------


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Dossiers of the communes ``user`` may see."""
    from kpixa.accounts.access import visible_communes

    return Dossier.objects.filter(commune__in=visible_communes(user))


def dossier_for(user: Any, source_system: str, ma_ho_so: str) -> Dossier:
    """One dossier the user may see, with commune and procedure; Http404 otherwise."""
    found = (
        visible_dossiers(user)
        .select_related("commune__province", "procedure")
        .filter(source_system=source_system, ma_ho_so=ma_ho_so)
        .first()
    )
    if found is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return found


def visible_batches(user: Any) -> QuerySet[ImportBatch]:
    """Import batches the user sent, or (for a province admin) any batch of the province."""
    from kpixa.accounts.models import Role

    qs = ImportBatch.objects.select_related("province", "commune", "created_by")
    if user.is_superuser:
        return qs
    if user.role == Role.PROVINCE_ADMIN and user.province_id is not None:
        return qs.filter(province_id=user.province_id)
    return qs.filter(created_by=user)


def batch_for(user: Any, batch_id: int) -> ImportBatch:
    """One batch visible to the user; Http404 otherwise."""
    found = visible_batches(user).filter(pk=batch_id).first()
    if found is None:
        raise Http404(_("Không tìm thấy lô nhập dữ liệu."))
    return found


def quarantine_for(user: Any) -> QuerySet[Rejection]:
    """Rejections of the batches the user may see that have not been re-submitted yet."""
    return (
        Rejection.objects.filter(batch__in=visible_batches(user), resubmitted=False)
        .select_related("batch")
        .order_by("-batch_id", "row")
    )


def province_systems(province_id: int | None) -> set[str]:
    """Return the source systems that write for ``province_id`` alone: the official systems
    registered to it and the systems of its API tokens, less any system another province's token
    uses or that is registered to another province, nationally or as a commune's local source.
    A province admin maps aliases only for these (an alias of a system shared with another
    province, or of no system, would also steer that province's records)."""
    if province_id is None:
        return set()
    provinces: dict[str, set[int | None]] = {}
    tokens = ApiToken.objects.filter(system__gt="").values_list("system", "province_id").distinct()
    registered = SourceSystem.objects.values_list("code", "province_id", "kind")
    for system, pid in tokens:
        provinces.setdefault(system, set()).add(pid)
    for code, pid, kind in registered:
        provinces.setdefault(code, set()).add(pid if kind == SourceKind.OFFICIAL else None)
    return {system for system, pids in provinces.items() if pids == {province_id}}
