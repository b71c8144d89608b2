"""The home page (``/``): the provinces with published results, each with its latest published
period and that period's latest snapshot revision (1 query)."""

from __future__ import annotations

from dataclasses import dataclass

from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.versions import ScoringError, period_of
from kpixa.web.pages.common import fold, period_order
from kpixa.web.pages.snapshots import latest_snapshots


@dataclass(frozen=True)
class PublishedProvince:
    """A province's latest published period and that period's latest snapshot revision."""

    code: str
    name: str
    period: PeriodSpan
    revision: int
    sha256: str

    @property
    def short_sha(self) -> str:
        return self.sha256[:12]


def published_provinces() -> list[PublishedProvince]:
    """Each province with a published period, by name: its latest one (latest end; a quarter before a
    month ending the same day) with that period's latest revision (1 query)."""
    found: dict[str, PublishedProvince] = {}
    for snap in latest_snapshots():
        try:
            period = period_of(snap.period.code)
        except ScoringError:
            continue
        province = snap.period.province
        current = found.get(province.code)
        if current is None or period_order(period) > period_order(current.period):
            found[province.code] = PublishedProvince(
                province.code, province.name, period, snap.revision, snap.sha256
            )
    return sorted(found.values(), key=lambda p: (fold(p.name), p.code))
