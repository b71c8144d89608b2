"""What the public pages add for citizens: finding one's commune by name (with or without diacritics),
each published indicator's target and why it is "Chưa đạt", and a 404 naming the published periods
when the address asks for a period that is not published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kpixa.scoring.engine.model import Direction, Framework
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import IndicatorScore
from kpixa.units.models import Commune
from kpixa.web.labels import status_text
from kpixa.web.pages.common import fold
from kpixa.web.rendering import num

NOT_MET = "chua_dat"


# --- search ----------------------------------------------------------------------------------------


def search[Row](rows: Iterable[Row], query: str) -> list[Row]:
    """The rows whose ``name`` holds every word of ``query``, compared without diacritics or case
    ("ia dom" finds "Xã Ia Dom", "dak" finds "Đắk"); every row for an empty query."""
    words = fold(query).split()
    return [row for row in rows if all(word in fold(getattr(row, "name", "")) for word in words)]


# --- targets and reasons -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicLine:
    """One indicator of a published scorecard with its target and, when not met, the reason."""

    code: str
    name: str
    score: dict[str, Any]
    target: Decimal | None
    reason: str
    counted: Decimal | None = None  # what it adds to the total (after N/A re-scaling)
    counted_max: Decimal | None = None
    policy: str = ""  # the indicator's N/A policy

    @property
    def status_text(self) -> str:
        """The status's label, with what it does to the total when the indicator has no result."""
        return status_text(self.score.get("status", ""), self.policy, self.counted_max)

    @property
    def rescaled(self) -> bool:
        """Whether the indicator counts in the total with other points than its own."""
        points, most = self.score.get("points"), self.score.get("max_points")
        return (self.counted, self.counted_max) != (
            None if points is None else Decimal(points),
            None if most is None else Decimal(most),
        )


@dataclass(frozen=True)
class Stored:
    """What the stored row of a published indicator adds: its target and its contribution."""

    target: Decimal | None
    points: Decimal | None
    contribution: Decimal | None
    contribution_max: Decimal | None


def published_stored(
    commune: Commune, period_code: str, framework_code: str, version: str
) -> dict[str, Stored]:
    """The target each indicator of the commune was held to in the period, and what it added to the
    total (the scores of a published period are frozen with it: a closed period is never
    recomputed) (1 query)."""
    rows = IndicatorScore.objects.filter(
        commune=commune,
        period_code=period_code,
        framework_version__code=framework_code,
        framework_version__version=version,
    ).values_list("indicator_code", "target", "points", "contribution", "contribution_max")
    return {code: Stored(*values) for code, *values in rows}


def _counted(score: dict[str, Any], stored: Stored | None) -> tuple[Decimal | None, Decimal | None]:
    """What a published indicator adds to the total: the stored contribution, moved by as much as
    a later revision moved the published points (a revision adds its change to the total); the
    published points where no contribution was stored."""
    points = None if score.get("points") is None else Decimal(score["points"])
    most = None if score.get("max_points") is None else Decimal(score["max_points"])
    if stored is None or stored.contribution is None:
        return points, most
    moved = (points or Decimal(0)) - (stored.points or Decimal(0))
    return stored.contribution + moved, stored.contribution_max


def not_met_reason(score: dict[str, Any], target: Decimal | None, direction: str) -> str:
    """Why an indicator is "Chưa đạt", in the page's words; "" when it is met or has no result."""
    if score.get("status") != NOT_MET:
        return ""
    rate = score.get("rate")
    if target is not None and rate is not None:
        values = {"rate": num(rate), "target": num(target)}
        if direction == Direction.LOWER:
            return _("%(rate)s%% cao hơn chỉ tiêu tối đa %(target)s%%.") % values
        return _("%(rate)s%% thấp hơn chỉ tiêu %(target)s%%.") % values
    return _("Được %(points)s trên tối đa %(max)s điểm.") % {
        "points": num(score.get("points") or 0),
        "max": num(score.get("max_points")),
    }


def public_lines(
    lines: Sequence[tuple[str, str, dict[str, Any]]], framework: Framework | None, stored: dict[str, Stored]
) -> list[PublicLine]:
    """The published scorecard's lines with each one's target (the period's, else the framework's),
    the reason for every "Chưa đạt" and what each adds to the total."""
    indicators = {i.code: i for i in framework.indicators()} if framework is not None else {}
    found = []
    for code, name, score in lines:
        indicator = indicators.get(code)
        row = stored.get(code)
        target = row.target if row is not None else None
        if target is None and indicator is not None:
            target = indicator.target
        direction = str(indicator.direction) if indicator is not None else Direction.HIGHER
        reason = not_met_reason(score, target, direction)
        policy = str(indicator.na_policy) if indicator is not None else ""
        found.append(PublicLine(code, name, score, target, reason, *_counted(score, row), policy))
    return found


# --- periods that are not published ---------------------------------------------------------------------


def unpublished_period(request: HttpRequest, periods: list[PeriodSpan]) -> str | None:
    """The period code the address asks for when it is not one of the published ``periods``."""
    asked = (request.GET.get("period") or "").strip().upper()
    if not asked or any(p.code == asked for p in periods):
        return None
    return asked


def period_not_published(
    request: HttpRequest, asked: str, periods: list[PeriodSpan], base_url: str
) -> HttpResponse:
    """404: the period ``asked`` is unknown or not published here; links to the published ones."""
    context = {"asked": asked[:20], "periods": periods, "base_url": base_url}
    return render(request, "web/public_not_published.html", context, status=404)
