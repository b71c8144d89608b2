"""Reads of the accountability flags and delays: the review list, the export, the ranking of
communes by pass-around share and the measures frameworks use (docs/flags.md)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from kpixa.accountability.models import AccountabilityFlag, DossierDelay
from kpixa.dossiers.models import Dossier
from kpixa.rules import steps as rules
from kpixa.scoring.engine.measures import ACCOUNTABILITY_MEASURES
from kpixa.spreadsheet_safety import csv_writer

EXPORT_COLUMNS = ("ma_ho_so", "unit_code", "kind", "reason", "evidence")
FORMATS = ("json", "csv")


def flags(
    *,
    province_code: str | None = None,
    commune_ids: Iterable[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[AccountabilityFlag]:
    """Flags filtered by province, communes, days [start, end], kind and status (newest first)."""
    qs = AccountabilityFlag.objects.select_related("commune").annotate(
        source_system=F("dossier__source_system")
    )
    if province_code is not None:
        qs = qs.filter(commune__province__code=province_code)
    if commune_ids is not None:
        qs = qs.filter(commune_id__in=list(commune_ids))
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-day", "commune__code", "ma_ho_so", "kind", "id")


def export_rows(qs: QuerySet[AccountabilityFlag]) -> list[dict[str, Any]]:
    """``{ma_ho_so, unit_code, kind, reason, evidence}`` per flag; a unit-level flag's
    ``ma_ho_so`` is null."""
    return [
        {
            "ma_ho_so": f.ma_ho_so or None,
            "unit_code": f.commune.code,
            "kind": f.kind,
            "reason": f.reason,
            "evidence": f.evidence,
        }
        for f in qs
    ]


def render(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """JSON (a list) or CSV (UTF-8 with BOM, formula-safe cells, evidence as JSON text)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8")
    out = io.StringIO()
    writer = csv_writer(out, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        evidence = json.dumps(row["evidence"], ensure_ascii=False, sort_keys=True)
        writer.writerow([row["ma_ho_so"] or "", row["unit_code"], row["kind"], row["reason"], evidence])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class CommuneShare:
    """One commune's pass-around count, its dossiers and the share, for the province's ranking."""

    commune_id: int
    code: str
    name: str
    pass_around: int
    dossiers: int
    flags: int

    @property
    def share(self) -> float:
        return self.pass_around / self.dossiers if self.dossiers else 0.0


def pass_around_ranking(province_code: str, start: date, end: date) -> list[CommuneShare]:
    """Communes of the province ranked by their share of dossiers flagged pass_around among the
    dossiers that ended (or were received, while open) in [start, end]; two queries."""
    from kpixa.units.models import Commune

    counted = (
        Dossier.objects.filter(commune__province__code=province_code)
        .filter(Q(end_day__range=(start, end)) | Q(end_day__isnull=True, received_day__range=(start, end)))
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    dossiers = {r["commune_id"]: r["n"] for r in counted}
    found = (
        AccountabilityFlag.objects.filter(commune__province__code=province_code, day__range=(start, end))
        .values("commune_id")
        .annotate(total=Count("id"), pa=Count("id", filter=Q(kind=rules.PASS_AROUND)))
        .order_by()
    )
    by_commune = {r["commune_id"]: (r["pa"], r["total"]) for r in found}
    out = [
        CommuneShare(
            c.id,
            c.code,
            c.name,
            by_commune.get(c.id, (0, 0))[0],
            dossiers.get(c.id, 0),
            by_commune.get(c.id, (0, 0))[1],
        )  # fmt: skip
        for c in Commune.objects.filter(province__code=province_code).order_by("code")
    ]
    return sorted(out, key=lambda s: (-s.share, -s.pass_around, s.code))


# --- measures a framework may use ---------------------------------------------------------------

# The measures themselves are declared once, in kpixa.scoring.engine.measures (docs/flags.md).

GAMING = (
    rules.SUPPLEMENT_NEAR_DUE,
    rules.REPEATED_SUPPLEMENT,
    rules.DUE_EXTENDED,
    rules.BACKDATED_END,
    rules.REFUSED_NEAR_DUE,
)


def period_measures(commune_ids: Iterable[int], start: date, end: date) -> dict[int, dict[str, int]]:
    """The accountability measures of each commune over [start, end] (two queries): flags and
    delays counted on their day (the dossier's end, or its receipt while open); hours rounded
    down to whole hours. Dismissed flags do not count."""
    ids = list(commune_ids)
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACCOUNTABILITY_MEASURES, 0))
    flag_rows = (
        AccountabilityFlag.objects.filter(commune_id__in=ids, day__range=(start, end), dossier__isnull=False)
        .exclude(status="dismissed")
        .values("commune_id")
        .annotate(
            pa=Count("id", filter=Q(kind=rules.PASS_AROUND)),
            sync=Count("id", filter=Q(kind=rules.SYNC_LATE)),
            gaming=Count("id", filter=Q(kind__in=GAMING)),
        )
        .order_by()
    )
    for r in flag_rows:
        m = out[r["commune_id"]]
        m["dossiers.pass_around"], m["dossiers.sync_late"], m["dossiers.gaming_flags"] = (
            r["pa"],
            r["sync"],
            r["gaming"],
        )
    delay_rows = (
        DossierDelay.objects.filter(commune_id__in=ids, day__range=(start, end))
        .values("commune_id")
        .annotate(
            steps=Sum("late_steps"),
            hours=Sum("hours_over"),
            staff=Count("id", filter=Q(cause="staff")),
            sync=Count("id", filter=Q(cause="sync")),
            citizen=Count("id", filter=Q(cause="citizen")),
        )
        .order_by()
    )
    for d in delay_rows:
        m = out[d["commune_id"]]
        m["dossiers.late_steps"] = int(d["steps"] or 0)
        m["dossiers.hours_over"] = int(d["hours"] or 0)
        m["dossiers.made_late_by_staff"] = d["staff"]
        m["dossiers.made_late_by_sync"] = d["sync"]
        m["dossiers.made_late_by_citizen"] = d["citizen"]
    return {cid: out[cid] for cid in ids}


@dataclass(frozen=True)
class DepartmentLine:
    """One department of a commune: late steps, hours over its steps' dues, hours of delay it
    caused, dossiers it made late, and passed-around dossiers that came back to it."""

    department: str
    late_steps: int
    hours_over: float
    overrun_hours: float
    dossiers_made_late: int
    passed_back: int = 0


def departments(commune_id: int, start: date, end: date) -> list[DepartmentLine]:
    """Per department of a commune over [start, end], most overrun first (two queries); dismissed
    pass-around flags do not count."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0, 0])
    for cause, per in DossierDelay.objects.filter(commune_id=commune_id, day__range=(start, end)).values_list(
        "cause", "departments"
    ):
        for name, d in per.items():
            a = acc[name]
            a[0] += d.get("late_steps", 0)
            a[1] += d.get("hours_over", 0.0)
            a[2] += d.get("overrun_hours", 0.0)
            a[3] += int(cause == "staff" and d.get("overrun_hours", 0.0) > 0)
    bounced = (
        AccountabilityFlag.objects.filter(
            commune_id=commune_id, day__range=(start, end), kind=rules.PASS_AROUND
        )
        .exclude(status="dismissed")
        .values_list("evidence", flat=True)
    )
    for evidence in bounced:
        for name in evidence.get("returned_to", []):
            acc[name][4] += 1
    lines = [
        DepartmentLine(k, int(v[0]), round(v[1], 1), round(v[2], 1), int(v[3]), int(v[4]))
        for k, v in acc.items()
    ]
    return sorted(lines, key=lambda x: (-x.overrun_hours, -x.passed_back, -x.hours_over, x.department))


# --- the province's per-commune and per-department lines ----------------------------------------


@dataclass(frozen=True)
class CommuneLine:
    """One commune of the province over a period: its dossiers, pass-around count and share, late
    steps, hours over, and the late dossiers by who made them late (staff, sync, citizen)."""

    code: str
    name: str
    dossiers: int
    pass_around: int
    late_steps: int
    hours_over: int
    made_late_by_staff: int
    made_late_by_sync: int
    made_late_by_citizen: int

    @property
    def share(self) -> float:
        """Share of the period's dossiers flagged pass_around (0 without dossiers)."""
        return self.pass_around / self.dossiers if self.dossiers else 0.0

    @property
    def share_percent(self) -> float:
        return round(self.share * 100, 1)

    @property
    def made_late(self) -> int:
        return self.made_late_by_staff + self.made_late_by_sync + self.made_late_by_citizen


# The orders the province's commune table can be ranked in: (key, descending sort key).
COMMUNE_ORDERS: dict[str, Any] = {
    "pass_around": lambda c: (-c.share, -c.pass_around, c.code),
    "late_steps": lambda c: (-c.late_steps, -c.hours_over, c.code),
    "hours_over": lambda c: (-c.hours_over, -c.late_steps, c.code),
    "made_late": lambda c: (-c.made_late_by_staff, -c.made_late, c.code),
}


def commune_lines(
    province_code: str, start: date, end: date, order: str = "pass_around"
) -> list[CommuneLine]:
    """Every commune of the province over [start, end] with its accountability counts, ranked by
    ``order`` (a key of ``COMMUNE_ORDERS``; pass-around share by default); four queries. Dossiers
    are those that ended (or were received, while open) in the period, as in
    ``pass_around_ranking``; dismissed flags do not count, as in ``period_measures``."""
    from kpixa.units.models import Commune

    communes = list(
        Commune.objects.filter(province__code=province_code)
        .order_by("code")
        .values_list("id", "code", "name")
    )
    ids = [c[0] for c in communes]
    counted = (
        Dossier.objects.filter(commune_id__in=ids)
        .filter(Q(end_day__range=(start, end)) | Q(end_day__isnull=True, received_day__range=(start, end)))
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    dossiers = {r["commune_id"]: r["n"] for r in counted}
    measures = period_measures(ids, start, end)
    lines = [
        CommuneLine(
            code,
            name,
            dossiers.get(cid, 0),
            measures[cid]["dossiers.pass_around"],
            measures[cid]["dossiers.late_steps"],
            measures[cid]["dossiers.hours_over"],
            measures[cid]["dossiers.made_late_by_staff"],
            measures[cid]["dossiers.made_late_by_sync"],
            measures[cid]["dossiers.made_late_by_citizen"],
        )
        for cid, code, name in communes
    ]
    return sorted(lines, key=COMMUNE_ORDERS.get(order, COMMUNE_ORDERS["pass_around"]))


@dataclass(frozen=True)
class ProvinceDepartmentLine:
    """One department of one commune, for the province's ranking of departments."""

    commune_code: str
    commune_name: str
    line: DepartmentLine


def province_departments(
    province_code: str, start: date, end: date, limit: int = 30
) -> list[ProvinceDepartmentLine]:
    """The departments of the province's communes over [start, end], most hours of delay caused
    first, then most passed-around dossiers that came back to them, then most hours over their
    steps' dues; the first ``limit`` (three queries). Counted as in ``departments``."""
    from kpixa.units.models import Commune

    names = dict(Commune.objects.filter(province__code=province_code).values_list("id", "name"))
    codes = dict(Commune.objects.filter(province__code=province_code).values_list("id", "code"))
    acc: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0, 0])
    delays = DossierDelay.objects.filter(commune_id__in=list(names), day__range=(start, end)).values_list(
        "commune_id", "cause", "departments"
    )
    for commune_id, cause, per in delays:
        for name, d in per.items():
            a = acc[(commune_id, name)]
            a[0] += d.get("late_steps", 0)
            a[1] += d.get("hours_over", 0.0)
            a[2] += d.get("overrun_hours", 0.0)
            a[3] += int(cause == "staff" and d.get("overrun_hours", 0.0) > 0)
    bounced = (
        AccountabilityFlag.objects.filter(
            commune_id__in=list(names), day__range=(start, end), kind=rules.PASS_AROUND
        )
        .exclude(status="dismissed")
        .values_list("commune_id", "evidence")
    )
    for commune_id, evidence in bounced:
        for name in evidence.get("returned_to", []):
            acc[(commune_id, name)][4] += 1
    lines = [
        ProvinceDepartmentLine(
            codes[cid],
            names[cid],
            DepartmentLine(name, int(v[0]), round(v[1], 1), round(v[2], 1), int(v[3]), int(v[4])),
        )
        for (cid, name), v in acc.items()
    ]
    lines.sort(
        key=lambda x: (
            -x.line.overrun_hours,
            -x.line.passed_back,
            -x.line.hours_over,
            x.commune_code,
            x.line.department,
        )
    )
    return lines[:limit]
