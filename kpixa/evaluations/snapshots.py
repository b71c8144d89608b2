"""Snapshot content: the canonical JSON of all results of a province's period, its hash, revisions, diffs.

Content is plain JSON (numbers as strings with fixed decimals) in a fixed order, so the same
results always give the same SHA-256.

Each indicator carries what it adds to the total (``contribution`` / ``contribution_max``: its
points after N/A re-scaling, the "Tính vào tổng" column of every scorecard), so the parts a page
shows add up to the published total. Snapshots are never changed in place: those published
before indicators carried it are read with the stored scores of the same run (``counted_units``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kpixa.evaluations.models import CommuneEvaluation, LeaderEvaluation, Period, RegimeEvaluation
from kpixa.rules.classification import band_for
from kpixa.rules.ranking import competition_ranks
from kpixa.scoring.engine.model import ClassBand
from kpixa.scoring.models import IndicatorScore, UnitScore


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def canonical_json(content: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``content``."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _indicators(period: Period) -> dict[tuple[int, int], list[dict[str, Any]]]:
    rows = (
        IndicatorScore.objects.filter(period_code=period.code, commune__province_id=period.province_id)
        .order_by("framework_version_id", "commune_id", "indicator_code")
        .values_list(
            "framework_version_id",
            "commune_id",
            "indicator_code",
            "numerator",
            "denominator",
            "rate_display",
            "points",
            "max_points",
            "status",
            "contribution",
            "contribution_max",
        )
    )
    found: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for fv, commune, code, num, den, rate, points, max_points, status, counted, counted_max in rows:
        found.setdefault((fv, commune), []).append(
            {
                "code": code,
                "numerator": _s(num),
                "denominator": _s(den),
                "rate": _s(rate),
                "points": _s(points),
                "max_points": _s(max_points),
                "status": status,
                # What it adds to the total (None on rows scored before contributions were stored).
                "contribution": _s(counted),
                "contribution_max": _s(counted_max),
            }
        )
    return found


def _units(period: Period) -> list[dict[str, Any]]:
    indicators = _indicators(period)
    scores = (
        UnitScore.objects.filter(period_code=period.code, commune__province_id=period.province_id)
        .select_related("framework_version", "commune")
        .order_by("framework_version__code", "framework_version__version", "commune__code")
    )
    return [
        {
            "framework": s.framework_version.code,
            "version": s.framework_version.version,
            "commune": s.commune.code,
            "commune_name": s.commune.name,
            "total": _s(s.total),
            "max_total": _s(s.max_total),
            "classification": s.classification,
            "classification_label": s.classification_label,
            "rank": s.rank_province,
            "indicators": indicators.get((s.framework_version_id, s.commune_id), []),
        }
        for s in scores
    ]


def _evaluations(period: Period) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    communes = [
        {
            "commune": e.commune.code,
            "framework": e.framework_version.code,
            "total": _s(e.total),
            "classification": e.classification,
        }
        for e in CommuneEvaluation.objects.filter(period=period)
        .select_related("commune", "framework_version")
        .order_by("commune__code")
    ]
    leaders = [
        {
            "commune": e.commune.code,
            "person": e.person_id,
            "post": e.post,
            "total": _s(e.total),
            "classification": e.classification,
        }
        for e in LeaderEvaluation.objects.filter(period=period)
        .select_related("commune")
        .order_by("commune__code", "post", "tenure_id")
    ]
    return communes, leaders


def build_content(period: Period) -> dict[str, Any]:
    """Return every stored result of the province's period as canonical snapshot content (6 queries).

    The evaluations under the texts (``evaluate``; docs/rules.md, "Evaluation of communes and
    leaders") are carried under ``regime_evaluations`` by framework, when the period has any."""
    communes, leaders = _evaluations(period)
    content: dict[str, Any] = {
        "province": period.province.code,
        "period": period.code,
        "units": _units(period),
        "commune_evaluations": communes,
        "leader_evaluations": leaders,
    }
    regimes = dict(
        RegimeEvaluation.objects.filter(period=period)
        .order_by("framework_code")
        .values_list("framework_code", "content")
    )
    if regimes:
        content["regime_evaluations"] = {code: body["communes"] for code, body in regimes.items()}
    return content


# --- revisions ----------------------------------------------------------------------------------


def find_unit(content: dict[str, Any], framework: str, commune: str) -> dict[str, Any] | None:
    for unit in content["units"]:
        if unit["framework"] == framework and unit["commune"] == commune:
            return unit
    return None


def revise(
    content: dict[str, Any],
    framework: str,
    commune: str,
    indicator: str,
    points: Decimal,
    bands: Sequence[ClassBand] | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return new content with one indicator's points corrected, the commune's total, class and every
    rank of that framework recomputed, and the list of changes (field, before, after)."""
    new = copy.deepcopy(content)
    unit = find_unit(new, framework, commune)
    if unit is None:
        raise KeyError(commune)
    row = next(i for i in unit["indicators"] if i["code"] == indicator)
    old_points = Decimal(row["points"] or 0)
    changes = [_change(commune, framework, f"{indicator}.points", row["points"], str(points))]
    row["points"] = str(points)
    if row.get("contribution") is not None:  # the total moves by the change: so does what it adds
        row["contribution"] = str(Decimal(row["contribution"]) + points - old_points)
    total = Decimal(unit["total"] or 0) + points - old_points
    changes.append(_change(commune, framework, "total", unit["total"], str(total)))
    unit["total"] = str(total)
    band = band_for(bands, total) if bands else None
    if band is not None and band.code != unit["classification"]:
        changes.append(_change(commune, framework, "classification", unit["classification"], band.code))
        unit["classification"], unit["classification_label"] = band.code, band.label.vi
    changes += _rerank([u for u in new["units"] if u["framework"] == framework], framework)
    return new, changes


def _rerank(units: list[dict[str, Any]], framework: str) -> list[dict[str, Any]]:
    """Recompute the ranks 1, 2, 2, 4 … by total; units without a total are unranked."""
    ranks = competition_ranks({u["commune"]: Decimal(u["total"]) for u in units if u["total"] is not None})
    changes = []
    for unit in units:
        rank = ranks.get(unit["commune"])
        if unit["rank"] != rank:
            changes.append(_change(unit["commune"], framework, "rank", unit["rank"], rank))
            unit["rank"] = rank
    return changes


def _change(commune: str, framework: str, field: str, before: Any, after: Any) -> dict[str, Any]:
    return {"commune": commune, "framework": framework, "field": field, "before": before, "after": after}


# --- what each published indicator adds to the total ------------------------------------------------


@dataclass(frozen=True)
class CountedUnit:
    """A published unit with what each of its indicators adds to the total.

    ``indicators`` are the snapshot's rows, each with ``counted`` / ``counted_max`` (strings, None
    when not stored) and ``rescaled``; ``stored`` is False when neither the snapshot nor the stored
    scores of the same run hold the contributions (the page then says so and shows no sum)."""

    unit: Mapping[str, Any]
    indicators: list[dict[str, Any]] = field(default_factory=list)
    stored: bool = True

    @property
    def rescaled(self) -> bool:
        return any(row["rescaled"] for row in self.indicators)


# (framework code, version) → indicator code → (points, contribution, contribution_max) as stored.
StoredRows = Mapping[tuple[str, str], Mapping[str, tuple[Decimal | None, Decimal | None, Decimal | None]]]


def stored_rows(commune_id: int, period_code: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The commune's stored indicator scores of the period, by framework version (1 query)."""
    rows = IndicatorScore.objects.filter(commune_id=commune_id, period_code=period_code).values_list(
        "framework_version__code",
        "framework_version__version",
        "indicator_code",
        "points",
        "contribution",
        "contribution_max",
    )
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for code, version, indicator, points, counted, counted_max in rows:
        found.setdefault((code, version), {})[indicator] = (points, counted, counted_max)
    return found


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def counted_unit(unit: Mapping[str, Any], stored: StoredRows) -> CountedUnit:
    """What each indicator of a published ``unit`` adds to its total.

    From the snapshot when it carries contributions (every snapshot built since they were added);
    else from the stored scores of the same framework version and period (a published period is
    never scored again), moved by as much as a revision moved the published points (a revision
    adds its change to the total). Used only when the parts add up to the published total: else,
    or when a contribution is missing, the unit is "not stored" and no part is shown as counted."""
    rows = stored.get((unit["framework"], unit["version"]), {})
    out = []
    for indicator in unit["indicators"]:
        points = _d(indicator.get("points"))
        if indicator.get("contribution") is not None:
            counted, counted_max = _d(indicator["contribution"]), _d(indicator.get("contribution_max"))
        elif indicator["code"] in rows:
            was, counted, counted_max = rows[indicator["code"]]
            if counted is not None:
                counted += (points or Decimal(0)) - (was or Decimal(0))
        else:
            counted = counted_max = None
        out.append({**indicator, "counted": counted, "counted_max": counted_max})
    total = _d(unit.get("total"))
    adds_up = (
        total is not None
        and bool(out)
        and all(r["counted"] is not None and r["counted_max"] is not None for r in out)
        and sum((r["counted"] for r in out), Decimal(0)) == total
    )
    for row in out:
        if not adds_up:
            row["counted"] = row["counted_max"] = None
        shown = (row["counted"], row["counted_max"])
        row["rescaled"] = adds_up and shown != (_d(row.get("points")), _d(row.get("max_points")))
        row["counted"], row["counted_max"] = _s(row["counted"]), _s(row["counted_max"])
    return CountedUnit(unit, out, adds_up)


def counted_units(content: Mapping[str, Any], commune_id: int, commune_code: str) -> list[CountedUnit]:
    """The commune's published units with what each indicator adds to the total (no query when the
    snapshot carries every contribution, else 1: the stored scores of the period)."""
    units = [u for u in content["units"] if u["commune"] == commune_code]
    carried = all(i.get("contribution") is not None for u in units for i in u["indicators"])
    stored = {} if carried else stored_rows(commune_id, content["period"])
    return [counted_unit(u, stored) for u in units]
