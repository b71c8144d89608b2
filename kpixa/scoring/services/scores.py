"""Scores: full computes of a framework's period, and the incremental refresh after an ingest batch.

Each public function owns its transaction and writes its audit entry (``score_communes`` scores in
memory and stores nothing). The rows are written by ``services.storage``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring import inputs as inp
from kpixa.scoring.engine import core
from kpixa.scoring.engine.model import Framework
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import RunKind, RunStatus, ScoreRun
from kpixa.scoring.services import storage
from kpixa.scoring.versions import ScoringError, framework_of, period_of, version_for
from kpixa.units.models import Province
from kpixa.units.signals import frozen_periods


@dataclass(frozen=True)
class Providers:
    """Where period inputs come from (tests and the §8 checks feed them directly)."""

    measures: inp.MeasuresProvider = inp.dossier_measures
    reported: inp.ReportedProvider = inp.verified_reported_values


DEFAULT_PROVIDERS = Providers()


def frozen_provinces(period_code: str, province_ids: Collection[int]) -> set[int]:
    """Return the provinces whose evaluation period ``period_code`` is no longer open."""
    return {period.province_id for period in frozen_periods(province_ids, period_code)}


def score_communes(
    framework: Framework,
    communes: list[inp.CommuneRow],
    period: PeriodSpan,
    providers: Providers = DEFAULT_PROVIDERS,
    as_of: datetime | None = None,
) -> list[core.UnitScore]:
    """Score ``communes`` in memory (nothing stored): gather inputs and targets, run the engine."""
    values = inp.gather_inputs(
        framework, communes, period.code, period.start, period.end, providers.measures, providers.reported
    )
    targets = inp.resolve_targets(framework.code, period.code, communes)
    with translation.override("vi"):
        return core.score_many(
            framework, [c.unit_info() for c in communes], values, targets, as_of=as_of, bilingual=True
        )


def _province(code: str | None) -> Province | None:
    if code is None:
        return None
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise ScoringError(_("Không có tỉnh mã “%(code)s”.") % {"code": code})
    return province


def _scope(province: Province | None, period: PeriodSpan) -> list[inp.CommuneRow]:
    """The communes to score: the province's (or all), minus provinces whose period is frozen."""
    communes = inp.commune_rows([province.pk] if province else None)
    frozen = frozen_provinces(period.code, {c.province_id for c in communes})
    if province is not None and province.pk in frozen:
        raise ScoringError(
            _("Kỳ %(period)s của %(province)s đã khóa: không tính lại điểm.")
            % {"period": period.code, "province": province.name}
        )
    return [c for c in communes if c.province_id not in frozen]


def compute_scores(
    framework_code: str,
    period_code: str,
    province_code: str | None = None,
    actor: User | None = None,
    *,
    providers: Providers = DEFAULT_PROVIDERS,
    triggered_by: str = "command",
) -> ScoreRun:
    """Score every commune of the province (or of the country) for the period and store the results.

    The version in force for the period is used; frozen periods are skipped (an explicit frozen
    province raises ScoringError). Returns the finished ScoreRun; one audit entry per run.
    """
    period = period_of(period_code)
    version = version_for(framework_code, period)
    province = _province(province_code)
    communes = _scope(province, period)
    run = ScoreRun.objects.create(
        framework_version=version,
        period_code=period.code,
        province=province,
        triggered_by=triggered_by,
        actor=actor if getattr(actor, "pk", None) else None,
        started_at=timezone.now(),
    )
    try:
        _full_run(run, version, period, communes, providers, actor)
    except Exception as exc:
        ScoreRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        raise
    return run


@transaction.atomic
def _full_run(
    run: ScoreRun,
    version: FrameworkVersion,
    period: PeriodSpan,
    communes: list[inp.CommuneRow],
    providers: Providers,
    actor: User | None,
) -> None:
    as_of = timezone.now()
    scores = score_communes(framework_of(version), communes, period, providers, as_of)
    by_code = {c.code: c for c in communes}
    saved = storage.save(version, period.code, [(by_code[s.unit.code], s) for s in scores], as_of)
    run.status, run.finished_at, run.inputs_as_of = RunStatus.DONE, timezone.now(), as_of
    run.communes_count, run.indicator_scores_count = len(communes), saved.indicators
    run.save(
        update_fields=["status", "finished_at", "inputs_as_of", "communes_count", "indicator_scores_count"]
    )
    audit.record(
        "scoring.compute",
        actor=actor,
        object_type="scoring.ScoreRun",
        object_id=run.pk,
        province_code=run.province.code if run.province else "",
        after={
            "framework": str(version),
            "period": period.code,
            "communes": len(communes),
            "indicator_scores": saved.indicators,
            "indicator_scores_changed": saved.indicators_written,
        },
    )


# --- incremental refresh -------------------------------------------------------------------


def _stored_periods(province_ids: Collection[int], days: Collection[date]) -> set[tuple[int, str]]:
    """Return (version id, period code) pairs with finished runs for these provinces (or national)
    whose period contains one of ``days``."""
    runs = ScoreRun.objects.filter(
        status=RunStatus.DONE, province_id__in=list(province_ids)
    ) | ScoreRun.objects.filter(status=RunStatus.DONE, province__isnull=True)
    pairs = set(runs.values_list("framework_version_id", "period_code").distinct())
    return {(vid, code) for vid, code in pairs if any(day in period_of(code) for day in days)}


def _refresh_plan(
    province_ids: Collection[int], days: Collection[date]
) -> list[tuple[FrameworkVersion, PeriodSpan]]:
    """The (version, period) pairs to refresh, ordered so frameworks read fresh totals of others."""
    pairs = _stored_periods(province_ids, days)
    versions = FrameworkVersion.objects.in_bulk({vid for vid, _code in pairs})
    plan = [(versions[vid], period_of(code)) for vid, code in pairs]

    def reads_other_frameworks(version: FrameworkVersion) -> bool:
        return any(m.startswith("framework.") for m in framework_of(version).measures())

    return sorted(
        plan, key=lambda item: (reads_other_frameworks(item[0]), item[0].pk, item[1].start, item[1].end)
    )


def refresh_after_batch(
    commune_ids: set[int], days: set[date], *, providers: Providers = DEFAULT_PROVIDERS
) -> list[ScoreRun]:
    """Recompute the stored results of ``commune_ids`` for every open, already scored period that
    contains one of ``days`` (every framework version scored for it), then re-rank their provinces.

    Periods never scored for the province are left to ``compute_scores`` (a first compute must
    rank the whole province). Meant to run on commit of each ingest batch; returns the runs made.
    """
    communes = inp.commune_rows(ids=commune_ids)
    if not communes or not days:
        return []
    provinces = {c.province_id for c in communes}
    runs = []
    with transaction.atomic():
        for version, period in _refresh_plan(provinces, days):
            runs += _refresh_one(version, period, communes, providers)
        if runs:
            _audit_refresh(runs, commune_ids, days)
    return runs


def _refresh_one(
    version: FrameworkVersion, period: PeriodSpan, communes: list[inp.CommuneRow], providers: Providers
) -> list[ScoreRun]:
    frozen = frozen_provinces(period.code, {c.province_id for c in communes})
    affected = [c for c in communes if c.province_id not in frozen]
    if not affected:
        return []
    started = timezone.now()
    scores = score_communes(framework_of(version), affected, period, providers, started)
    province_ids = {c.province_id for c in affected}
    peers = {c.id: c for c in inp.commune_rows(province_ids)}
    by_code = {c.code: c for c in affected}
    saved = storage.save(version, period.code, [(by_code[s.unit.code], s) for s in scores], started, peers)
    written = saved.indicators
    return [
        _incremental_run(version, period, pid, started, affected, written) for pid in sorted(province_ids)
    ]


def _incremental_run(
    version: FrameworkVersion,
    period: PeriodSpan,
    province_id: int,
    started: datetime,
    affected: list[inp.CommuneRow],
    written: int,
) -> ScoreRun:
    mine = sum(1 for c in affected if c.province_id == province_id)
    return ScoreRun.objects.create(
        framework_version=version,
        period_code=period.code,
        province_id=province_id,
        kind=RunKind.INCREMENTAL,
        status=RunStatus.DONE,
        triggered_by="ingest",
        started_at=started,
        finished_at=timezone.now(),
        inputs_as_of=started,
        communes_count=mine,
        indicator_scores_count=written,
    )


def _audit_refresh(runs: list[ScoreRun], commune_ids: set[int], days: set[date]) -> None:
    # The entry carries the province when every run is of one (an audit entry always names the
    # scope it touched; runs of all provinces at once are national).
    province_ids = {r.province_id for r in runs}
    only = province_ids.pop() if len(province_ids) == 1 else None
    code = Province.objects.filter(pk=only).values_list("code", flat=True).first() if only else None
    audit.record(
        "scoring.refresh",
        actor_label="ingest",
        province_code=code or "",
        object_type="scoring.ScoreRun",
        object_id=",".join(str(r.pk) for r in runs[:20]),
        after={
            "communes": sorted(commune_ids)[:50],
            "days": sorted(d.isoformat() for d in days)[:50],
            "periods": sorted({r.period_code for r in runs}),
        },
    )
