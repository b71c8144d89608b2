"""An upheld appeal revises the evaluation under the texts the same way as the scores
(docs/scoring.md, "Evaluation under the texts"): the appealed commune's corrected total goes
through the same rules again (``legal.evaluate_rows``, the other communes at their published
totals), the commune's entry in the new snapshot revision's ``regime_evaluations`` is replaced,
each changed field is listed in the revision's changes, and the stored ``RegimeEvaluation``
follows, so the pages show the revised result.

Only the appealed commune's entry changes: the others stay as published (the quota and the
consequences of another commune do not read this commune's total)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kpixa.evaluations.models import Period, RegimeEvaluation
from kpixa.evaluations.services import legal
from kpixa.evaluations.snapshots import find_unit
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.engine.periods import parse_period

# The fields of a commune and of a leader whose change a revision lists.
COMMUNE_FIELDS = ("total", "classification", "reasons", "consequences")
LEADER_FIELDS = ("total", "classification", "reasons", "consequences")


def revise_regimes(
    row: Period, content: dict[str, Any], commune_code: str, framework_code: str
) -> list[dict[str, Any]]:
    """Re-run the evaluation under the texts of ``commune_code`` with its corrected total of
    ``framework_code`` in ``content``; put it into ``content`` and the stored evaluation; return
    the changes. Nothing changes when the snapshot carries no such evaluation."""
    published = (content.get("regime_evaluations") or {}).get(framework_code)
    unit = find_unit(content, framework_code, commune_code)
    if published is None or unit is None:
        return []
    version = FrameworkVersion.objects.filter(code=framework_code, version=unit.get("version")).first()
    if version is None:
        return []
    span = parse_period(row.code)
    total = None if unit.get("total") is None else Decimal(unit["total"])
    results = legal.evaluate_rows(row, span, version, row.province, totals={commune_code: total})
    fresh = next((legal.as_json(r) for r in results if r.commune.code == commune_code), None)
    index = next((i for i, c in enumerate(published) if c.get("unit_code") == commune_code), None)
    if fresh is None or index is None:
        return []
    changes = _diff(published[index], fresh, framework_code, commune_code)
    published[index] = fresh
    _store(row, framework_code, published)
    return changes


def _diff(
    before: dict[str, Any], after: dict[str, Any], framework: str, commune: str
) -> list[dict[str, Any]]:
    changes = [
        _change(commune, framework, f"regime.{name}", before.get(name), after.get(name))
        for name in COMMUNE_FIELDS
        if before.get(name) != after.get(name)
    ]
    old_leaders = {(x.get("post"), x.get("person")): x for x in before.get("leaders", [])}
    for leader in after.get("leaders", []):
        key = (leader.get("post"), leader.get("person"))
        old = old_leaders.get(key, {})
        changes += [
            _change(
                commune, framework, f"regime.leader.{key[0]}.{key[1]}.{name}", old.get(name), leader.get(name)
            )
            for name in LEADER_FIELDS
            if old.get(name) != leader.get(name)
        ]
    return changes


def _change(commune: str, framework: str, field: str, before: Any, after: Any) -> dict[str, Any]:
    return {"commune": commune, "framework": framework, "field": field, "before": before, "after": after}


def _store(row: Period, framework_code: str, communes: list[dict[str, Any]]) -> None:
    """The stored evaluation carries the revised communes (the revision's audit entry lists why)."""
    stored = (
        RegimeEvaluation.objects.select_for_update().filter(period=row, framework_code=framework_code).first()
    )
    if stored is not None:
        stored.content = {**stored.content, "communes": communes}
        stored.save(update_fields=["content"])
