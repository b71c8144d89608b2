"""The published snapshots the public pages read (the home page, the national page, the public ranking
and scorecard).

Every figure a public page shows comes from a published snapshot: the latest revision of the
province's period, named by its revision number and SHA-256, and recorded by the audit chain
(docs/security.md, "Forged snapshots"). Stored scores (``UnitScore``) are read only for operators'
view of provinces that have not published the period (kpixa/web/pages/national.py).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache as once_per_process
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import OuterRef, Subquery

from kpixa.accounts.audit import PUBLISHING_ACTIONS
from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.models import Period as EvaluationPeriod
from kpixa.evaluations.models import PeriodState, Snapshot
from kpixa.evaluations.queries import audited
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.web.pages.common import decimal_or_none, sort_periods

# Evaluation states whose results are public; the public pages read their latest snapshot.
PUBLIC_STATES = (PeriodState.PUBLISHED, PeriodState.APPEAL, PeriodState.FINAL)


def publication_state() -> str:
    """What the published snapshots the public pages may show depend on, read in one small query:
    the newest snapshot and publishing audit entry, and how many snapshots and public periods there
    are. Results read from the snapshots are cached under it (``public_periods``, the national page).

    Publishing inserts the snapshot and its audit entry in one transaction and moves the period into
    a public state; snapshots and audit entries are never updated, and deleted only by a whole-
    database flush (docs/security.md, "Forged snapshots"); periods never leave the public states.
    So any change of what ``latest_snapshots`` returns changes this state too, a forged row inserted
    behind the app's back included (it is then read again through ``audited`` and left out).
    """
    with connections[Snapshot.objects.db].cursor() as cursor:
        cursor.execute(*_state_sql())
        row = cursor.fetchone()
    return ":".join(str(value) for value in row)


@once_per_process
def _state_sql() -> tuple[str, list[str]]:
    quote = connections[Snapshot.objects.db].ops.quote_name

    def table(model: Any) -> tuple[str, str]:
        return quote(model._meta.db_table), quote(model._meta.pk.column)

    def column(model: Any, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    (snapshots, snapshot_id), (audit, audit_id) = table(Snapshot), table(AuditEntry)
    periods, _period_id = table(EvaluationPeriod)
    actions, states = sorted(PUBLISHING_ACTIONS), [str(state) for state in PUBLIC_STATES]
    action, state = column(AuditEntry, "action"), column(EvaluationPeriod, "state")
    some_actions, some_states = ", ".join(["%s"] * len(actions)), ", ".join(["%s"] * len(states))
    # Names from the models, values as parameters.
    sql = (
        f"SELECT (SELECT MAX({snapshot_id}) FROM {snapshots}), (SELECT COUNT(*) FROM {snapshots}),"  # noqa: S608
        f" (SELECT MAX({audit_id}) FROM {audit} WHERE {action} IN ({some_actions})),"
        f" (SELECT COUNT(*) FROM {periods} WHERE {state} IN ({some_states}))"
    )
    return sql, [*actions, *states]


PUBLIC_PERIODS_SECONDS = 3600


def public_periods(province_id: int | None = None, state: str | None = None) -> list[PeriodSpan]:
    """Periods whose results are public (published, under appeal or final, with a snapshot), latest
    first (one query); with ``state`` (``publication_state()``), cached under it (no query)."""
    if state is None:
        return _public_periods(province_id)
    key = f"web-public-periods:{province_id}:{state}"
    found = cache.get(key)
    if found is None:
        found = _public_periods(province_id)
        cache.set(key, found, PUBLIC_PERIODS_SECONDS)
    return found  # type: ignore[no-any-return]


def _public_periods(province_id: int | None) -> list[PeriodSpan]:
    rows = EvaluationPeriod.objects.filter(state__in=PUBLIC_STATES, snapshots__isnull=False)
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    return sort_periods(rows.order_by().values_list("code", flat=True).distinct())


SNAPSHOT_CACHE_SECONDS = 24 * 3600  # a snapshot's content never changes: its SHA-256 names it


def latest_snapshots(period_code: str | None = None) -> list[Snapshot]:
    """The latest revision of each province's published period (of ``period_code`` when given), with
    its period and province, without its content (1 query, whatever the number of provinces)."""
    # Only revisions the audit chain records (audited): a row forged in the database is never shown.
    same_period = audited(Snapshot.objects.filter(period=OuterRef("period")))
    latest = same_period.order_by("-revision").values("revision")[:1]
    found = audited(Snapshot.objects.filter(period__state__in=PUBLIC_STATES, revision=Subquery(latest)))
    if period_code is not None:
        found = found.filter(period__code=period_code)
    return list(
        found.select_related("period__province")
        .defer("content", "changes")
        .order_by("period__province__code", "period__end", "period__code")
    )


# A commune's published result of one framework, as cached: (code, name, total, class, class label).
SnapshotUnit = tuple[str, str, Decimal | None, str, str]


def snapshot_units(snapshots: list[Snapshot], framework_code: str) -> dict[int, list[SnapshotUnit]]:
    """Each snapshot's communes of the framework, by snapshot id: from the cache, where they are kept
    under the snapshot's SHA-256, else parsed from the content (1 query for all the misses)."""
    keys = {snap.pk: f"kpixa:web:snapshot-units:{snap.sha256}:{framework_code}" for snap in snapshots}
    found: dict[str, list[SnapshotUnit]] = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {
            keys[pk]: [_snapshot_unit(u) for u in content["units"] if u["framework"] == framework_code]
            for pk, content in Snapshot.objects.filter(pk__in=missing).values_list("pk", "content")
        }
        cache.set_many(fresh, SNAPSHOT_CACHE_SECONDS)
        found.update(fresh)
    return {pk: found[key] for pk, key in keys.items()}


def _snapshot_unit(unit: dict[str, Any]) -> SnapshotUnit:
    name = unit.get("commune_name", unit["commune"])
    total, label = decimal_or_none(unit["total"]), unit.get("classification_label", "")
    return (unit["commune"], name, total, unit["classification"], label)
