"""Named reads of periods, snapshots and appeals for the lifecycle and appeal pages (permission-scoped).

Callers pass a province or commune they obtained through ``kpixa.accounts.access``; lookups by
primary key here filter by the user's scope themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from kpixa.accounts import audit
from kpixa.accounts.access import visible_provinces
from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.models import Appeal, AppealStatus, Period, Snapshot
from kpixa.evaluations.snapshots import content_hash
from kpixa.units.models import Commune, Province

PENDING = Q(snapshots__appeals__status=AppealStatus.PENDING)


def province_periods(province: Province) -> QuerySet[Period]:
    """The province's periods, newest first, with ``revisions`` and ``pending_appeals`` counts (1 query)."""
    return (
        Period.objects.filter(province=province)
        .annotate(
            revisions=Count("snapshots", distinct=True),
            pending_appeals=Count("snapshots__appeals", filter=PENDING, distinct=True),
        )
        .order_by("-end", "start")
    )


def period_or_none(province: Province, code: str) -> Period | None:
    """The province's stored period ``code``, or None while nothing has happened to it (1 query)."""
    return Period.objects.filter(province=province, code=code).first()


def period_snapshots(period: Period | None) -> list[Snapshot]:
    """Every revision of the period, newest first, without the (large) content (1 query)."""
    if period is None:
        return []
    return list(
        Snapshot.objects.filter(period=period)
        .select_related("created_by")
        .defer("content")
        .order_by("-revision")
    )


def latest_snapshot(province: Province, period_code: str) -> Snapshot | None:
    """The latest published revision of the province's period with its period, or None (1 query);
    only a revision the audit chain records (``audited``)."""
    return (
        audited(Snapshot.objects.filter(period__province=province, period__code=period_code))
        .select_related("period")
        .order_by("-revision")
        .first()
    )


def _appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "commune", "snapshot__period", "filed_by", "decided_by", "revision"
    ).defer("snapshot__content", "revision__content")


def province_appeals(province: Province, status: str = "") -> QuerySet[Appeal]:
    """The appeals against the province's published results, pending first then newest (1 query)."""
    appeals = _appeals().filter(commune__province=province)
    if status:
        appeals = appeals.filter(status=status)
    pending_first = Case(
        When(status=AppealStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return appeals.order_by(pending_first, "-filed_at", "-id")


def commune_appeals(commune: Commune, period_code: str) -> QuerySet[Appeal]:
    """The commune's appeals of one period, newest first (1 query)."""
    return _appeals().filter(commune=commune, snapshot__period__code=period_code)


def appeal_for_admin(user: Any, pk: int) -> Appeal | None:
    """The appeal ``pk`` if it belongs to a province ``user`` may see; None otherwise (1 query)."""
    return (
        Appeal.objects.select_related("commune__province", "snapshot__period", "filed_by", "decided_by")
        .filter(pk=pk, commune__province__in=visible_provinces(user))
        .first()
    )


@dataclass(frozen=True)
class PublishedUnit:
    """One framework's published result for a commune, as the snapshot holds it."""

    framework: str
    version: str
    total: str | None
    max_total: str | None
    classification_label: str
    rank: int | None
    indicators: list[dict[str, Any]]


def published_units(snapshot: Snapshot | None, commune_code: str) -> list[PublishedUnit]:
    """The commune's results in ``snapshot``, one per framework (no query)."""
    if snapshot is None:
        return []
    return [
        PublishedUnit(
            u["framework"],
            u["version"],
            u["total"],
            u["max_total"],
            u["classification_label"],
            u["rank"],
            u["indicators"],
        )
        for u in snapshot.content["units"]
        if u["commune"] == commune_code
    ]


def indicator_max_points(snapshot: Snapshot, appeal: Appeal) -> Decimal | None:
    """The maximum points of the appealed indicator in ``snapshot``, or None when unknown."""
    for unit in published_units(snapshot, appeal.commune.code):
        if unit.framework != appeal.framework_code:
            continue
        for indicator in unit.indicators:
            if indicator["code"] == appeal.indicator_code:
                return _decimal(indicator.get("max_points"))
    return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(value)
    except InvalidOperation:
        return None


# --- snapshots the audit chain vouches for ---------------------------------------------------------


def _recording_entries() -> QuerySet[Any]:
    """The audit entries that published the outer query's snapshot (its SHA-256 in ``after``)."""
    return (
        AuditEntry.objects.filter(
            action__in=audit.PUBLISHING_ACTIONS, province_code=OuterRef("period__province__code")
        )
        .annotate(recorded=Coalesce(KT("after__sha256"), KT("after__revision_sha256")))
        .filter(recorded=OuterRef("sha256"))
        .order_by("id")
    )


def audited(snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """Only the snapshots whose SHA-256 a publication entry of the audit chain records, each with
    that entry's id and hash (``audit_entry_id``, ``audit_hash``: the head published with it).

    A row inserted behind the app's back (however well it hashes its own content) has no such
    entry, so public pages never show it; ``snapshot_problems`` names it.
    """
    entries = _recording_entries()
    return snapshots.annotate(
        audit_entry_id=Subquery(entries.values("id")[:1]), audit_hash=Subquery(entries.values("hash")[:1])
    ).filter(audit_entry_id__isnull=False)


def snapshot_problems() -> list[tuple[str, str]]:
    """Every published snapshot the audit chain does not vouch for, and every publication whose
    snapshot is gone or altered: (what, why) pairs; empty when all agree (2 queries)."""
    recorded: dict[str, int] = {}
    for entry in AuditEntry.objects.filter(action__in=audit.PUBLISHING_ACTIONS).only("id", "action", "after"):
        recorded[str((entry.after or {}).get(audit.PUBLISHING_ACTIONS[entry.action], ""))] = entry.pk
    problems, seen = [], set()
    for snap in Snapshot.objects.order_by("id").iterator(chunk_size=50):
        seen.add(snap.sha256)
        if content_hash(snap.content) != snap.sha256:
            problems.append((f"snapshot #{snap.pk}", "content does not match its SHA-256"))
        if snap.sha256 not in recorded:
            problems.append((f"snapshot #{snap.pk}", "no publication in the audit log records it"))
    for sha256, entry_id in recorded.items():
        if sha256 not in seen:
            problems.append((f"audit entry #{entry_id}", f"its snapshot {sha256[:12]} is missing"))
    return problems


@dataclass(frozen=True)
class RankChange:
    """A published rank that a later revision changed, and why."""

    revision: int
    at: datetime
    before: int | None
    after: int | None
    explanation: str


def rank_changes(province: Province, period_code: str, commune_code: str) -> list[RankChange]:
    """Every revision that changed ``commune_code``'s published rank, oldest first (1 query)."""
    found = []
    for snap in audited(
        Snapshot.objects.filter(period__province=province, period__code=period_code, revision__gt=1)
    ).order_by("revision"):
        for change in snap.changes:
            if change["commune"] == commune_code and change["field"] == "rank":
                found.append(
                    RankChange(
                        snap.revision, snap.created_at, change["before"], change["after"], snap.explanation_vi
                    )
                )
    return found
