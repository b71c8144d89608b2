"""The public pages (``/cong-khai/tinh/<code>/``, ``/cong-khai/xa/<code>/``): a province's published
ranking and a commune's published scorecard, from the period's latest snapshot, with the later
revisions that changed a published rank. No login, no dossier lists, no personal data; stored
scores are never read here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from kpixa.evaluations.models import Snapshot
from kpixa.evaluations.queries import (
    PublishedUnit,
    RankChange,
    audited,
    latest_snapshot,
    published_units,
    rank_changes,
)
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Commune, Province
from kpixa.web.pages.common import decimal_or_none


@dataclass(frozen=True)
class PublicRow:
    """One commune's line of a published ranking (plain values from the snapshot: no personal data)."""

    code: str
    name: str
    rank: int | None
    total: Decimal | None
    classification: str
    classification_label: str


@dataclass
class Published:
    """What a public page shows of one province's period: the latest snapshot's content and its
    revisions' rank changes."""

    snapshot: Snapshot
    rows: list[PublicRow]
    notes: list[RevisionNote] = field(default_factory=list)

    @property
    def as_of(self) -> datetime:
        return self.snapshot.created_at

    @property
    def short_sha(self) -> str:
        return self.snapshot.sha256[:12]

    @property
    def revised(self) -> bool:
        return self.snapshot.revision > 1


def _public_rows(snapshot: Snapshot, framework_code: str) -> list[PublicRow]:
    units = [u for u in snapshot.content["units"] if u["framework"] == framework_code]
    rows = [
        PublicRow(
            u["commune"],
            u.get("commune_name", u["commune"]),
            u["rank"],
            decimal_or_none(u["total"]),
            u["classification"],
            u["classification_label"],
        )
        for u in units
    ]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.code))


def published_ranking(province: Province, framework_code: str, period: PeriodSpan) -> Published | None:
    """The province's published ranking of the period from its latest snapshot, None when the period
    has none (1 query, 2 when it has later revisions). Stored scores are never read here."""
    snapshot = latest_snapshot(province, period.code)
    if snapshot is None:
        return None
    rows = _public_rows(snapshot, framework_code)
    notes = _notes(province, period, framework_code, rows) if snapshot.revision > 1 else []
    return Published(snapshot, rows, notes)


@dataclass
class PublishedCard:
    """A commune's published scorecard: its unit in the latest snapshot and the framework's words."""

    snapshot: Snapshot
    unit: PublishedUnit | None
    framework: Framework | None
    changes: list[RankChange]

    @property
    def short_sha(self) -> str:
        return self.snapshot.sha256[:12]

    def lines(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(code, name, published values) of each indicator, in the framework's order when known."""
        names = {i.code: i.name.shown for i in self.framework.indicators()} if self.framework else {}
        rows = self.unit.indicators if self.unit else []
        return [(r["code"], names.get(r["code"], ""), r) for r in rows]


def published_card(commune: Commune, framework_code: str, period: PeriodSpan) -> PublishedCard | None:
    """The commune's result in the latest snapshot of the period, with the revisions that changed its
    published rank; None when the period has no snapshot (3 queries: snapshot, framework, changes)."""
    snapshot = latest_snapshot(commune.province, period.code)
    if snapshot is None:
        return None
    units = [u for u in published_units(snapshot, commune.code) if u.framework == framework_code]
    unit = units[0] if units else None
    framework = None
    if unit is not None:
        version = FrameworkVersion.objects.filter(code=framework_code, version=unit.version).first()
        framework = framework_of(version) if version is not None else None
    changes = rank_changes(commune.province, period.code, commune.code) if snapshot.revision > 1 else []
    return PublishedCard(snapshot, unit, framework, changes)


@dataclass(frozen=True)
class RevisionNote:
    """A later revision of a published period: when, why, and whose published rank it changed."""

    revision: int
    at: datetime
    explanation: str
    ranks: list[tuple[str, int | None, int | None]]  # (commune name, rank before, rank after)


def _notes(
    province: Province, period: PeriodSpan, framework_code: str, rows: list[PublicRow]
) -> list[RevisionNote]:
    """The period's revisions after the first, oldest first (1 query)."""
    names = {r.code: r.name for r in rows}
    revisions = (
        audited(Snapshot.objects.filter(period__province=province, period__code=period.code, revision__gt=1))
        .defer("content")
        .order_by("revision")
    )
    return [
        RevisionNote(
            snap.revision,
            snap.created_at,
            snap.explanation_vi,
            [
                (names.get(c["commune"], c["commune"]), c["before"], c["after"])
                for c in snap.changes
                if c["field"] == "rank" and c.get("framework") == framework_code
            ],
        )
        for snap in revisions
    ]
