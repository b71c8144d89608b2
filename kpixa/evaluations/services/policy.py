"""The province's own evaluation policy: joint departure ("cùng lên đường": on or off, its text,
period and threshold) and the peer groups its excellent quota is counted in. Each change is audited
with before and after (docs/rules.md, "Evaluation of communes and leaders").
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.evaluations.models import PeriodKind, ProvincePolicy
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.units.models import PeerGroup, Province


def set_joint_policy(
    province: Province,
    *,
    enabled: bool,
    citation: str,
    period_kind: str,
    below_total: Decimal | None,
    actor: User | None = None,
) -> ProvincePolicy:
    """Set the province's joint-departure policy: on or off, the text that states it, its period
    and its threshold (docs/rules.md, "Evaluation of communes and leaders"). Turning it on needs the
    citation and the threshold; audited with before and after."""
    citation = citation.strip()
    if enabled and (not citation or below_total is None):
        raise EvaluationError(_("Chính sách cùng lên đường cần văn bản của tỉnh và ngưỡng điểm."))
    if below_total is not None and not Decimal(0) <= below_total <= Decimal(100):
        raise EvaluationError(_("Ngưỡng điểm phải từ 0 đến 100."))
    if period_kind not in PeriodKind.values:
        raise EvaluationError(_("Loại kỳ không hợp lệ."))
    fields = {
        "joint_departure": enabled,
        "joint_departure_citation": citation,
        "joint_departure_period": period_kind,
        "joint_departure_below_total": below_total,
    }
    with transaction.atomic():
        policy, _created = ProvincePolicy.objects.get_or_create(province=province)
        before = {f: str(getattr(policy, f)) for f in fields}
        for name, value in fields.items():
            setattr(policy, name, value)
        policy.save(update_fields=list(fields))
        audit.record(
            "evaluations.province_policy",
            actor=actor,
            object_type="evaluations.ProvincePolicy",
            object_id=policy.pk,
            province_code=province.code,
            before=before,
            after={f: str(v) for f, v in fields.items()},
        )
    return policy


def _set_policy_field(
    province: Province, field: str, value: bool | list[str] | None, actor: User | None
) -> ProvincePolicy:
    """Set one field of the province's policy (created on first use), audited with before and after."""
    with transaction.atomic():
        policy, _created = ProvincePolicy.objects.get_or_create(province=province)
        before = getattr(policy, field)
        setattr(policy, field, value)
        policy.save(update_fields=[field])
        audit.record(
            "evaluations.province_policy",
            actor=actor,
            object_type="evaluations.ProvincePolicy",
            object_id=policy.pk,
            province_code=province.code,
            before={field: before},
            after={field: value},
        )
    return policy


def set_quota_peer_groups(province: Province, codes: list[str], actor: User | None = None) -> ProvincePolicy:
    """Set the peer groups the province counts its excellent quota in, in priority order (each
    commune's quota group is the first it belongs to; none: its kind). Unknown codes are refused."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    unknown = sorted(
        set(codes) - set(PeerGroup.objects.filter(code__in=codes).values_list("code", flat=True))
    )
    if unknown:
        raise EvaluationError(_("Không có nhóm tương đồng: %(codes)s") % {"codes": ", ".join(unknown)})
    return _set_policy_field(province, "quota_peer_groups", codes, actor)
