"""Consequences proposed after an evaluation (docs/rules.md, "Evaluation of communes and
leaders"): Regulation 377-QĐ/TW's grounds and the two-consecutive-years rule on years, the
province's joint-accountability policy ("cùng lên đường") on its own period with its own
threshold and citation, and at most a warning for a failed month or quarter. The platform
proposes; a person decides. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kpixa.rules import citations as cite
from kpixa.rules.citations import Reason
from kpixa.rules.classification import ClassCode

YEAR, QUARTER, MONTH = "year", "quarter", "month"
WARNING, JOINT_DEPARTURE, DISMISSAL, RELIEF_377 = (
    "warning",
    "transfer_or_relief",
    "dismissal",
    "relief_reg377",
)
MIN_TARGETS_PERCENT = Decimal(70)
LOW_CONFIDENCE_SHARE = Decimal(50)
MIN_DAYS_IN_POST = 365  # Regulation 377: a head in post for less than a year is not relieved for targets
BASIC_TARGETS = {
    "growth_rate": "tốc độ tăng trưởng",
    "budget_revenue": "thu ngân sách nhà nước",
    "public_investment_disbursement": "giải ngân vốn đầu tư công",
    "income_per_capita": "thu nhập bình quân đầu người",
    "poverty_reduction": "giảm nghèo",
}


@dataclass(frozen=True)
class JointPolicy:
    """A province's joint-accountability policy: both leaders leave together when the commune's
    total is below ``below_total`` over a period of kind ``period_kind``. No threshold is given
    by any source: a province must set it (without one the rule proposes nothing)."""

    enabled: bool = False
    citation: str = ""
    period_kind: str = YEAR
    below_total: Decimal | None = None

    def problems(self) -> list[str]:
        """What keeps an enabled policy from applying (Vietnamese)."""
        if not self.enabled:
            return []
        out = []
        if self.below_total is None:
            out.append("chưa đặt ngưỡng điểm của chính sách cùng lên đường")
        if not self.citation.strip():
            out.append("chưa ghi văn bản của tỉnh ban hành chính sách cùng lên đường")
        return out


@dataclass(frozen=True)
class Consequence:
    """A proposed consequence: its kind, whom it concerns (post, "" = the commune) and why."""

    kind: str
    post: str
    reason: Reason

    def as_dict(self) -> dict[str, str]:
        """As exported: ``{kind, rule, reason}`` and the reason's ``article`` on its own."""
        return {
            "kind": self.kind,
            "rule": self.reason.rule,
            "reason": str(self.reason),
            "article": self.reason.article,
        }


@dataclass(frozen=True)
class LeaderFacts:
    """What the consequence rules read of one judged leader."""

    post: str
    classification: str
    yearly_classes: Mapping[int, str] = field(default_factory=dict)
    in_post_since: date | None = None
    low_confidence_share: Decimal | None = None


@dataclass(frozen=True)
class CommuneFacts:
    """What the consequence rules read of one commune in one period."""

    period_kind: str
    period_end: date
    total: Decimal | None
    classification: str
    leaders: tuple[LeaderFacts, ...] = ()
    targets_percent: Decimal | None = None
    basic_targets_missed: tuple[str, ...] = ()
    slow_petitions: bool = False
    security_hot_spot: bool = False
    force_majeure: bool = False


def propose(facts: CommuneFacts, policy: JointPolicy | None = None) -> list[Consequence]:
    """Every consequence the rules propose for ``facts``, each with its rule and source."""
    policy = policy or JointPolicy()
    out = warnings(facts)
    out += joint_departure(facts, policy)
    if facts.period_kind == YEAR:
        for leader in facts.leaders:
            out += two_years(leader, facts.period_end.year)
            out += reg377_personal(leader)
        out += reg377_unit(facts)
    return out


def warnings(facts: CommuneFacts) -> list[Consequence]:
    """A warning for a commune or a leader rated "không hoàn thành" in any period."""
    out = []
    if facts.classification == ClassCode.FAILED:
        out.append(
            Consequence(
                WARNING,
                "",
                Reason(
                    "failed_period_warning",
                    cite.KPIXA,
                    "xã không hoàn thành nhiệm vụ trong kỳ → nhắc nhở, cảnh báo",
                ),
            )
        )
    for leader in facts.leaders:
        if leader.classification == ClassCode.FAILED:
            reason = Reason(
                "failed_period_warning", cite.KPIXA, "không hoàn thành nhiệm vụ trong kỳ → nhắc nhở, cảnh báo"
            )
            out.append(Consequence(WARNING, leader.post, reason))
    return out


def joint_departure(facts: CommuneFacts, policy: JointPolicy) -> list[Consequence]:
    """Both leaders proposed for transfer or relief when the commune's total is below the
    province's threshold over the policy's period; on a shorter period only a warning."""
    if not policy.enabled or policy.problems() or facts.total is None or policy.below_total is None:
        return []
    if facts.total >= policy.below_total:
        return []
    source = f"chính sách của tỉnh: {policy.citation}"
    text = f"xã đạt {facts.total} điểm, dưới ngưỡng {policy.below_total}"
    if facts.period_kind != policy.period_kind:
        reason = Reason(
            "joint_departure_warning",
            source,
            f"{text} trong kỳ ngắn hơn kỳ của chính sách ({policy.period_kind}) → chỉ cảnh báo",
        )
        return [Consequence(WARNING, "", reason)]
    reason = Reason(
        "joint_departure",
        source,
        f"{text} → đề xuất điều chuyển hoặc cho thôi giữ chức cả Bí thư và Chủ tịch (cùng lên đường)",
    )
    return [Consequence(JOINT_DEPARTURE, post, reason) for post in ("bi_thu", "chu_tich")]


def two_years(leader: LeaderFacts, year: int) -> list[Consequence]:
    """Dismissal proposed after two consecutive years rated "không hoàn thành", the later being
    ``year``."""
    classes = leader.yearly_classes
    if classes.get(year) != ClassCode.FAILED or classes.get(year - 1) != ClassCode.FAILED:
        return []
    reason = Reason(
        "consecutive_failed_years",
        cite.QD377_RELIEF,
        f"hai năm liên tiếp ({year - 1}, {year}) không hoàn thành nhiệm vụ → đề xuất miễn nhiệm",
    )
    return [Consequence(DISMISSAL, leader.post, reason)]


def reg377_personal(leader: LeaderFacts) -> list[Consequence]:
    """Regulation 377: more than half of a confidence vote "tín nhiệm thấp"."""
    share = leader.low_confidence_share
    if share is None or share <= LOW_CONFIDENCE_SHARE:
        return []
    reason = Reason(
        "reg377_low_confidence",
        cite.QD377_RELIEF,
        f"{share}% phiếu tín nhiệm thấp, quá một nửa → đề xuất xem xét cho thôi giữ chức vụ",
    )
    return [Consequence(RELIEF_377, leader.post, reason)]


def reg377_unit(facts: CommuneFacts) -> list[Consequence]:
    """Regulation 377 on the head's responsibility over a year: < 70% of the year's targets or a
    basic socio-economic target missed (not for force majeure, nor for a head in post for less
    than a year), slow handling of lawful petitions, prolonged security hot spots."""
    grounds: list[str] = []
    if not facts.force_majeure:
        if facts.targets_percent is not None and facts.targets_percent < MIN_TARGETS_PERCENT:
            grounds.append(f"chỉ hoàn thành {facts.targets_percent}% chỉ tiêu, nhiệm vụ trong năm (dưới 70%)")
        missed = [BASIC_TARGETS.get(t, t) for t in facts.basic_targets_missed]
        if missed:
            grounds.append("không hoàn thành chỉ tiêu kinh tế - xã hội cơ bản: " + ", ".join(missed))
    other: list[str] = []
    if facts.slow_petitions:
        other.append("chậm giải quyết kiến nghị chính đáng của người dân (quan liêu, xa dân)")
    if facts.security_hot_spot:
        other.append("để xảy ra điểm nóng về an ninh, trật tự kéo dài")
    out = []
    for leader in facts.leaders:
        mine = list(other)
        if grounds and not _new_in_post(leader, facts.period_end):
            mine = grounds + mine
        if mine:
            reason = Reason(
                "reg377",
                cite.QD377_RELIEF,
                "; ".join(mine) + " → đề xuất xem xét cho thôi giữ chức người đứng đầu",
            )
            out.append(Consequence(RELIEF_377, leader.post, reason))
    return out


def _new_in_post(leader: LeaderFacts, period_end: date) -> bool:
    return (
        leader.in_post_since is not None and (period_end - leader.in_post_since).days + 1 < MIN_DAYS_IN_POST
    )
