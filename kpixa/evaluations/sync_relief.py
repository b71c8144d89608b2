"""Sync-caused lateness left out of the consequences when the province decided so (docs/flags.md,
"Sync-caused lateness and consequences").

A province may decide, per period and audited (``kpixa.accountability.services.decide_sync_exclusion``),
that dossiers made late by the data sync alone (``dossiers.made_late_by_sync``: the staff's last
step on time, the record late or changed afterwards) do not count against its communes' leaders.
The published score never changes: the stored scores, classes and leader ratings stay as they
are. Only the facts the proposals are made from (``chain.propose``) are replaced: each commune
with sync-caused late dossiers is scored again, in memory, with those dossiers counted on time,
and its class follows from that total by the same collective rules.

``relief_for`` is the one place that decides which facts count for consequences: the commune
evaluation (``consequence_facts``) and the evaluation under the texts (``services.legal``) both
read it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accountability.models import SyncExclusion
from kpixa.accountability.queries import period_measures as accountability_measures
from kpixa.evaluations.services import chain
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring import inputs as inp
from kpixa.scoring.engine import core
from kpixa.scoring.engine.measures import FRAMEWORK_PREFIX
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.versions import ScoringError, framework_of, version_for
from kpixa.units.models import Province

SYNC_MEASURE = "dossiers.made_late_by_sync"
# (late measure, on-time measure) pairs a sync-caused late dossier moves from the first to the second.
MOVED = (("dossiers.late", "dossiers.on_time"), ("dossiers.finished_late", "dossiers.finished_on_time"))
# How deep framework.<code>.total references are followed (a framework reading another's total).
MAX_DEPTH = 3


def sync_late_counts(commune_ids: Collection[int], period: PeriodSpan) -> dict[int, int]:
    """The communes' dossiers made late by the sync alone over the period (two queries), those with any."""
    measures = accountability_measures(commune_ids, period.start, period.end)
    return {cid: m[SYNC_MEASURE] for cid, m in measures.items() if m.get(SYNC_MEASURE)}


def relieved(values: Mapping[str, Any], sync_late: int) -> dict[str, Any]:
    """``values`` with ``sync_late`` late dossiers counted on time instead (never below zero)."""
    out = dict(values)
    for late, on_time in MOVED:
        if out.get(late) is None:
            continue
        moved = min(sync_late, int(out[late]))
        out[late] = int(out[late]) - moved
        if out.get(on_time) is not None:
            out[on_time] = int(out[on_time]) + moved
    return out


def relieved_totals(
    version: FrameworkVersion,
    period: PeriodSpan,
    communes: list[inp.CommuneRow],
    sync: Mapping[int, int],
    depth: int = 0,
) -> dict[str, Decimal | None]:
    """Each commune's total under ``version`` with its sync-caused late dossiers counted on time,
    scored in memory (nothing stored); another framework's total it reads is relieved the same way."""
    framework = framework_of(version)
    values = inp.gather_inputs(
        framework,
        communes,
        period.code,
        period.start,
        period.end,
        inp.dossier_measures,
        inp.verified_reported_values,
    )
    others = {
        m[len(FRAMEWORK_PREFIX) : -len(".total")]
        for m in framework.measures()
        if m.startswith(FRAMEWORK_PREFIX)
    }
    for code in sorted(others) if depth < MAX_DEPTH else ():
        try:
            other = version_for(code, period)
        except ScoringError:
            continue  # no version in force: the stored total (or its absence) stays
        totals = relieved_totals(other, period, communes, sync, depth + 1)
        for commune in communes:
            values[commune.code][f"{FRAMEWORK_PREFIX}{code}.total"] = totals[commune.code]
    targets = inp.resolve_targets(framework.code, period.code, communes)
    out: dict[str, Decimal | None] = {}
    with translation.override("vi"):
        for commune in communes:
            row = relieved(values[commune.code], sync.get(commune.id, 0))
            out[commune.code] = core.score_unit(
                framework, commune.unit_info(), row, targets.get(commune.code)
            ).total
    return out


@dataclass(frozen=True)
class Relief:
    """The province's decision for the period and what it changes for the consequences: each
    commune's dossiers made late by the sync alone and its total with them counted on time."""

    decision: SyncExclusion
    sync_late: dict[int, int]  # commune id → dossiers made late by the sync alone
    totals: dict[int, Decimal | None]  # commune id → total with those dossiers on time

    @property
    def decided_by(self) -> str:
        user = self.decision.decided_by
        return (user.get_full_name() or user.username) if user is not None else ""

    def as_dict(self) -> dict[str, str]:
        """The decision as stored with an evaluation: when, by whom, and its note."""
        return {
            "decided_at": self.decision.decided_at.isoformat(),
            "decided_by": self.decided_by,
            "note": self.decision.note,
        }

    def note(self, commune_id: int) -> str:
        """Why the commune's consequences leave dossiers out, in the active language ("" if none)."""
        count = self.sync_late.get(commune_id)
        if not count:
            return ""
        return _(
            "không tính {n} hồ sơ trễ hạn do đồng bộ dữ liệu vào đề xuất xử lý, theo quyết định của "
            "tỉnh ngày {day} ({who}: {note}); điểm công bố không đổi"
        ).format(
            n=count,
            day=timezone.localtime(self.decision.decided_at).strftime("%d/%m/%Y"),
            who=self.decided_by or "—",
            note=self.decision.note,
        )


def sync_decision(province: Province, period_code: str) -> SyncExclusion | None:
    """The province's decision to leave sync-caused lateness out of the period's consequences,
    with its author, or None when it did not so decide (1 query)."""
    return (
        SyncExclusion.objects.filter(province=province, period_code=period_code, excluded=True)
        .select_related("decided_by")
        .first()
    )


def relief_for(
    version: FrameworkVersion, period: PeriodSpan, province: Province, commune_ids: Collection[int]
) -> Relief | None:
    """Which facts count for consequences: None when the province did not decide to leave
    sync-caused lateness out of the period's consequences (1 query); otherwise the decision and,
    for each of ``commune_ids`` with dossiers made late by the sync alone, its relieved total
    (scored in memory, nothing stored)."""
    decision = sync_decision(province, period.code) if commune_ids else None
    if decision is None:
        return None
    sync = sync_late_counts(list(commune_ids), period)
    if not sync:
        return Relief(decision, {}, {})
    communes = inp.commune_rows(ids=list(sync))
    totals = relieved_totals(version, period, communes, sync)
    return Relief(decision, sync, {c.id: totals[c.code] for c in communes})


def consequence_facts(
    version: FrameworkVersion, period: PeriodSpan, province: Province, facts: Mapping[int, chain.CommuneFacts]
) -> dict[int, chain.CommuneFacts]:
    """The facts the consequences are proposed from: ``facts`` as they are, unless the province
    decided to leave sync-caused lateness out of the period's consequences (``relief_for``); then
    each commune with sync-caused late dossiers gets its relieved total and the class that total
    earns (its tasks and collective rules unchanged) and an explanation saying so."""
    relief = relief_for(version, period, province, list(facts))
    if relief is None or not relief.totals:
        return dict(facts)
    framework = framework_of(version)
    out = dict(facts)
    for commune_id, total in relief.totals.items():
        fact = facts[commune_id]
        code, reasons, explanation = chain.collective_class(framework, total, fact.tasks)
        out[commune_id] = replace(
            fact,
            total=total,
            class_code=code or fact.class_code,
            collective_reasons=reasons,
            explanation="; ".join(x for x in (explanation, relief.note(commune_id)) if x),
        )
    return out


def relief_summary(
    before: Mapping[int, chain.CommuneFacts], after: Mapping[int, chain.CommuneFacts]
) -> dict[str, dict[str, str]]:
    """The communes whose consequence facts the relief changed: {code: {total, class}} before → after,
    for the audit entry of the evaluation."""
    changed = {}
    for cid, fact in after.items():
        old = before.get(cid)
        if old is not None and (old.total, old.class_code) != (fact.total, fact.class_code):
            changed[fact.code] = {
                "total": f"{old.total} → {fact.total}",
                "class": f"{old.class_code} → {fact.class_code}",
            }
    return changed
