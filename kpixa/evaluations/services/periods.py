"""The evaluation period a service works on: found or created open, refused once closed, with the
framework's scores computed first when none are stored; and the error every evaluation service raises.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kpixa.accounts.models import User
from kpixa.evaluations.models import Period
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.versions import ScoringError, period_of, version_for
from kpixa.units.models import Province


class EvaluationError(ScoringError):
    """An evaluation request that cannot be carried out (message in Vietnamese)."""


def period_row(province: Province, period: PeriodSpan) -> Period:
    """Return the province's evaluation Period for ``period``, creating it open when missing."""
    row, _created = Period.objects.get_or_create(
        province=province,
        code=period.code,
        defaults={"kind": period.kind, "start": period.start, "end": period.end},
    )
    return row


def scored_period(
    framework_code: str, period_code: str, province_code: str, actor: User | None
) -> tuple[Province, PeriodSpan, FrameworkVersion]:
    """The province, period and framework version an evaluation reads, with the framework's scores
    computed first when none are stored (raises EvaluationError for an unknown province)."""
    province = Province.objects.filter(code=province_code).first()
    if province is None:
        raise EvaluationError(_("Không có tỉnh mã “%(code)s”.") % {"code": province_code})
    period = period_of(period_code)
    version = version_for(framework_code, period)
    if not UnitScore.objects.filter(framework_version=version, period_code=period.code).exists():
        compute_scores(framework_code, period.code, province_code, actor, triggered_by="evaluation")
    return province, period, version


def open_period_row(province: Province, period: PeriodSpan) -> Period:
    """``period_row``, refused when the period is closed: an evaluation is never re-run on a
    closed period (call inside the evaluation's transaction)."""
    row = period_row(province, period)
    if row.is_closed:
        raise EvaluationError(_("Kỳ %(period)s đã khóa: không đánh giá lại.") % {"period": row.code})
    return row
