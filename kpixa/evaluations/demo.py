"""Demo step: evaluate Gia Lai's second half of 2025 with plausible entries by the authority and
the province's joint-departure ("cùng lên đường") policy on the half-year, so the demo shows such
a case; evaluate the half-year and 2025-Q3 under the texts (Decree 335, Regulation 366), then
publish July–September 2025 and 2025-Q3, so 2025-Q3 is a closed period with that evaluation and
its proposals. Before evaluating, the commune framework's groups get owners (one left without,
a gap) so the evaluations and proposals cite them (idempotent: a second run changes nothing)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from kpixa.accounts.demo import demo_admin as demo_admin
from kpixa.accounts.models import User
from kpixa.evaluations.models import (
    CommuneEvaluation,
    EvaluationInput,
    InputKind,
    LeaderEvaluation,
    Period,
    PeriodState,
    ProvincePolicy,
)
from kpixa.evaluations.services import inputs, legal, lifecycle
from kpixa.evaluations.services.evaluation import evaluate_period
from kpixa.evaluations.services.policy import set_joint_policy
from kpixa.frameworks.models import IndicatorOwner
from kpixa.frameworks.services import assign_owner
from kpixa.scoring.versions import period_of, version_for
from kpixa.units.models import PostKind, Province

DEMO_PROVINCE = "52"
DEMO_FRAMEWORK = "kpi_xa_example"
DEMO_PERIOD = "2025-H2"
# Closed and published by the demo, so public pages have content; Q4, its months and H2 stay open.
DEMO_PUBLISHED = ("2025-07", "2025-08", "2025-09", "2025-Q3")
# The demo's joint-departure policy: an example text (no province publishes a score threshold),
# on half-years, its threshold the whole point above the lowest commune total of the demo period,
# so that the demo shows one "cùng lên đường" case whatever the generated data.
DEMO_JOINT_CITATION = (
    "Ví dụ của bản demo: cơ chế “cùng lên đường” theo thông báo kết luận của Ban Thường vụ "
    "Tỉnh ủy (2025); ngưỡng điểm do bản demo đặt, không phải quy định chính thức"
)
DEMO_JOINT_PERIOD = "half"
DEMO_EVIDENCE = "Ví dụ của bản demo: điểm do bản demo tạo, không phải kết quả đánh giá thật"
# Evaluated under the texts by the demo: the half-year (open, with the leaders' entries) and
# 2025-Q3 (before the demo closes and publishes it).
DEMO_LEGAL_PERIODS = (DEMO_PERIOD, "2025-Q3")
# Who answers for each group of the commune framework in every commune of the province from
# DEMO_OWNERS_FROM; group 4 is left without an owner, so the demo shows a gap.
DEMO_OWNERS = {
    "1": (PostKind.VICE_CHAIRMAN, "Kinh tế – xã hội"),
    "2": (PostKind.CHAIRMAN, ""),
    "3": (PostKind.VICE_CHAIRMAN, "Chuyển đổi số"),
}
DEMO_OWNERS_FROM = date(2025, 7, 1)


def _spread(key: str, low: int, high: int) -> Decimal:
    """A deterministic value in [low, high] (0.5 steps) derived from ``key``."""
    digest = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)
    steps = (high - low) * 2
    return Decimal(low) + Decimal(digest % (steps + 1)) / 2


def seed_evaluations_demo() -> None:
    """Give the commune framework's groups owners, evaluate 2025-H2, turn on the joint-departure
    policy, enter general points, đ and e as evaluation inputs for leaders without them, then
    evaluate again so the quota and the proposals see every rating; evaluate 2025-H2 and 2025-Q3
    under the texts; then publish 2025-07..09 and 2025-Q3."""
    seed_owners_demo()
    evaluate_period(DEMO_FRAMEWORK, DEMO_PERIOD, DEMO_PROVINCE)
    seed_joint_policy_demo()
    seed_leader_inputs_demo()
    evaluate_period(DEMO_FRAMEWORK, DEMO_PERIOD, DEMO_PROVINCE)
    seed_legal_demo()
    seed_published_demo()


def seed_owners_demo(
    framework: str = DEMO_FRAMEWORK, owners: Mapping[str, tuple[str, str]] | None = None
) -> int:
    """Assign ``owners`` (DEMO_OWNERS) for each version of ``framework`` the demo periods use,
    unless the province already has owners for it; return how many assignments were made."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    versions = {version_for(framework, period_of(code)) for code in DEMO_LEGAL_PERIODS}
    count = 0
    for version in sorted(versions, key=lambda v: v.pk):
        if IndicatorOwner.objects.filter(framework_version=version, province=province).exists():
            continue
        for code, (post, field) in (owners or DEMO_OWNERS).items():
            assign_owner(None, version, province, code, post, DEMO_OWNERS_FROM, field=field, note="Demo")
            count += 1
    return count


def seed_legal_demo(framework: str = DEMO_FRAMEWORK) -> list[str]:
    """Evaluate Gia Lai under the texts by ``framework`` for each of DEMO_LEGAL_PERIODS still open
    (a closed period keeps the evaluation it had); return the codes evaluated now."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    closed = set(
        Period.objects.filter(province=province, code__in=DEMO_LEGAL_PERIODS)
        .exclude(state=PeriodState.OPEN)
        .values_list("code", flat=True)
    )
    done = []
    for code in DEMO_LEGAL_PERIODS:
        if code not in closed:
            legal.evaluate(framework, code, DEMO_PROVINCE, demo_admin(province))
            done.append(code)
    return done


def seed_leader_inputs_demo() -> int:
    """Enter deterministic general points (24–30), đ and e (70–100) as the demo period's evaluation
    inputs — what the province's evaluators enter on the leaders' page, read by both evaluations —
    for each judged leader without them; return how many leaders got them (0 on a second run)."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    row = Period.objects.get(province=province, code=DEMO_PERIOD)
    have = set(
        EvaluationInput.objects.filter(period=row, kind=InputKind.GENERAL_POINTS).values_list(
            "commune_id", "post", "person_id"
        )
    )
    admin = demo_admin(province)
    count = 0
    leaders = LeaderEvaluation.objects.filter(period=row, judged=True).select_related("commune", "person")
    for le in leaders.order_by("pk"):
        if (le.commune_id, le.post, le.person_id) in have:
            continue
        key = f"{le.commune_id}:{le.post}:{le.person_id}"
        values = (
            (InputKind.GENERAL_POINTS, _spread(key + ":general", 24, 30)),
            (InputKind.ORGANISING, _spread(key + ":dd", 70, 100)),
            (InputKind.UNITING, _spread(key + ":e", 70, 100)),
        )
        for kind, value in values:
            entry = inputs.Entry(
                le.commune, le.post, le.person, kind.value, str(value), None, "", DEMO_EVIDENCE
            )
            inputs.set_input(row, entry, actor=admin)
        count += 1
    return count


def seed_joint_policy_demo() -> ProvincePolicy | None:
    """Turn on Gia Lai's joint-departure policy for half-years with a threshold just above the
    lowest commune total of the demo period (set once: a province's own setting is kept)."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    policy = ProvincePolicy.objects.filter(province=province).first()
    if policy is not None and policy.joint_departure is not None:
        return policy
    lowest = (
        CommuneEvaluation.objects.filter(
            period__province=province, period__code=DEMO_PERIOD, total__isnull=False
        )
        .order_by("total")
        .values_list("total", flat=True)
        .first()
    )
    if lowest is None:
        return None
    threshold = lowest.quantize(Decimal(1), rounding=ROUND_FLOOR) + 1
    return set_joint_policy(
        province,
        enabled=True,
        citation=DEMO_JOINT_CITATION,
        period_kind=DEMO_JOINT_PERIOD,
        below_total=threshold,
        actor=demo_admin(province),
    )


def publish_demo_periods(province_code: str, period_codes: tuple[str, ...], actor: User) -> list[str]:
    """Close, then publish each period that is not published yet; return the codes published now.

    A period already published (or further) is left alone, so running twice makes no second snapshot.
    """
    province = Province.objects.get(code=province_code)
    published = []
    for code in period_codes:
        row = Period.objects.filter(province=province, code=code).first()
        if row is None or row.state == PeriodState.OPEN:
            lifecycle.close_period(actor, province, code)
            row = Period.objects.get(province=province, code=code)
        if row.state == PeriodState.CLOSED:
            lifecycle.publish_period(actor, province, code)
            published.append(code)
    return published


def seed_published_demo() -> list[str]:
    """Publish the demo's past periods (``DEMO_PUBLISHED``) of Gia Lai."""
    province = Province.objects.get(code=DEMO_PROVINCE)
    return publish_demo_periods(DEMO_PROVINCE, DEMO_PUBLISHED, demo_admin(province))
