"""Leaders and communes evaluated as the texts state (docs/rules.md, "Evaluation of communes and
leaders"): the Chairman (and any civil-servant leader) under Decree 335/2025/NĐ-CP, the Party
Secretary under Regulation 366-QĐ/TW, the commune (a collective) under Regulation 366-QĐ/TW's
class conditions. Every result carries its criteria and its reasons, each with its source.
No Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from kpixa.rules import citations as cite
from kpixa.rules.citations import Reason
from kpixa.rules.classification import NATIONAL_BANDS, ClassCode

ZERO, HUNDRED = Decimal(0), Decimal(100)
GENERAL_MAX, RESULTS_MAX = Decimal(30), Decimal(70)
QUALITY_DEDUCTION = Decimal("0.25")  # per major error not caused objectively
DELAY_DEDUCTION = Decimal("0.25")  # per delay of a completed product
EXCEEDED_SHARE = Decimal(30)  # Regulation 366: at least 30% of tasks exceeded for excellent
LATE_SHARE = Decimal(20)  # Regulation 366: at most 20% of tasks late for "hoàn thành"
ND335, QD366 = "nd335", "qd366"
REGIMES = (ND335, QD366)
# Disciplinary forms, all "khiển trách" or heavier (the decree's threshold).
DISCIPLINE_FORMS = ("khien_trach", "canh_cao", "cach_chuc", "bai_nhiem", "khai_tru")
DISCIPLINE_LABELS = {
    "khien_trach": "khiển trách",
    "canh_cao": "cảnh cáo",
    "cach_chuc": "cách chức",
    "bai_nhiem": "bãi nhiệm",
    "khai_tru": "khai trừ",
}
CLASS_ORDER = (ClassCode.EXCELLENT, ClassCode.GOOD, ClassCode.COMPLETED, ClassCode.FAILED)
CLASS_LABELS: dict[str, str] = {str(code): label for code, _min, label, _en in NATIONAL_BANDS}


def round2(value: Decimal) -> Decimal:
    """Half up to 2 decimals (docs/rules.md, "Rates and points")."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """``value`` within ``low..high``."""
    return max(low, min(high, value))


@dataclass(frozen=True)
class Tasks:
    """Products/works assigned in the period (converted) and what became of them."""

    assigned: int
    completed: int
    on_time: int
    exceeded: int = 0
    quality_errors: int = 0

    @property
    def late(self) -> int:
        """Tasks not completed on time (completed late or not completed)."""
        return self.assigned - self.on_time

    def share(self, count: int) -> Decimal:
        """``count`` as a percentage of the assigned tasks."""
        return Decimal(count) * HUNDRED / Decimal(self.assigned)


@dataclass(frozen=True)
class Discipline:
    """A disciplinary decision: its form, its date, and whether the breach concerned public duty."""

    form: str
    on: date
    public_duty: bool = True


@dataclass(frozen=True)
class LeaderInputs:
    """What the texts need to rate one leader in one period (entered with evidence)."""

    general: Decimal | None = None
    tasks: Tasks | None = None
    subordinates_not_completed: int | None = None
    organising: Decimal | None = None
    uniting: Decimal | None = None
    disciplines: tuple[Discipline, ...] = ()
    degradation: bool = False
    corruption_in_unit: bool = False
    subordinates_disciplined: int = 0


@dataclass(frozen=True)
class Criterion:
    """One criterion of a rating: its name, value (percent or points), the input it came from and
    its source."""

    name: str
    value: Decimal | None
    source_input: str
    article: str

    def as_dict(self) -> dict[str, str | None]:
        """The criterion as exported."""
        value = None if self.value is None else str(self.value)
        return {"name": self.name, "value": value, "input": self.source_input, "article": self.article}


@dataclass(frozen=True)
class Rating:
    """A leader's or a commune's rating: total, class by points, class after the conditions and
    overrides (before the quota), the criteria and the reasons."""

    regime: str
    total: Decimal | None
    points_class: str
    classification: str
    criteria: tuple[Criterion, ...] = ()
    reasons: tuple[Reason, ...] = field(default=())


def points_class(total: Decimal) -> str:
    """The class of ``total`` on the national bands (≥ 90, ≥ 70, ≥ 50, below)."""
    for code, minimum, _vi, _en in NATIONAL_BANDS:
        if total >= minimum:
            return code
    return ClassCode.FAILED


# --- automatic "không hoàn thành" ------------------------------------------------------------


def overrides(inputs: LeaderInputs, period_end: date, regime: str, *, is_leader: bool = True) -> list[Reason]:
    """The cases that make a person "không hoàn thành" whatever the points: discipline of
    reprimand or heavier in the evaluation year for a breach in public duty, a concluded
    degradation, and (for a leader) corruption or waste in a unit under direct charge."""
    reasons = []
    for item in inputs.disciplines:
        if item.form in DISCIPLINE_FORMS and item.public_duty and _in_year(item.on, period_end):
            reasons.append(
                Reason(
                    "discipline",
                    _failed_article(regime, cite.ND335_FAILED_DISCIPLINE),
                    f"bị kỷ luật {DISCIPLINE_LABELS[item.form]} ngày {item.on:%d/%m/%Y} trong năm đánh giá "
                    "vì vi phạm liên quan đến hoạt động công vụ",
                )
            )
    if inputs.degradation:
        reasons.append(
            Reason(
                "degradation",
                _failed_article(regime, cite.ND335_FAILED_DEGRADATION),
                "bị cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, "
                "đạo đức, lối sống",
            )
        )
    if inputs.corruption_in_unit and is_leader:
        reasons.append(
            Reason(
                "corruption_in_unit",
                _failed_article(regime, cite.ND335_FAILED_CORRUPTION),
                "đơn vị thuộc thẩm quyền phụ trách, quản lý trực tiếp liên quan đến tham ô, tham nhũng, "
                "lãng phí và bị xử lý",
            )
        )
    return reasons


def _in_year(day: date, period_end: date) -> bool:
    """A decision counts in the evaluation year of the period: same year, not after its end."""
    return day.year == period_end.year and day <= period_end


def _failed_article(regime: str, nd335_article: str) -> str:
    return nd335_article if regime == ND335 else f"{cite.QD366_FAILED}; {nd335_article}"


# --- Decree 335: the leader's six criteria ---------------------------------------------------


def task_criteria(tasks: Tasks) -> tuple[Criterion, Criterion, Criterion]:
    """a quantity, b quality, c timeliness in percent of the products assigned (2 dp):
    a = completed / assigned; b = (completed − 25% × major errors) / assigned;
    c = (on time + 75% × completed late) / assigned (each delay takes 25% of that product's
    timeliness)."""
    assigned = Decimal(tasks.assigned)
    completed = min(tasks.completed, tasks.assigned)
    on_time = min(tasks.on_time, completed)
    quality = max(ZERO, Decimal(completed) - QUALITY_DEDUCTION * tasks.quality_errors)
    late_done = Decimal(completed - on_time)
    timeliness = Decimal(on_time) + (1 - DELAY_DEDUCTION) * late_done
    source = f"giao {tasks.assigned}, hoàn thành {tasks.completed}, đúng hạn {tasks.on_time}"
    return (
        Criterion("a", round2(Decimal(completed) * HUNDRED / assigned), source, cite.ND335_QUANTITY),
        Criterion(
            "b",
            round2(quality * HUNDRED / assigned),
            f"{source}, sai sót lớn {tasks.quality_errors}",
            cite.ND335_QUALITY,
        ),
        Criterion("c", round2(timeliness * HUNDRED / assigned), source, cite.ND335_TIMELINESS),
    )


def unit_result(subordinates_not_completed: int) -> Criterion:
    """d: 100% when every civil servant under the leader is rated "hoàn thành nhiệm vụ" or better,
    50% when any is rated "không hoàn thành"."""
    value = HUNDRED if subordinates_not_completed == 0 else Decimal(50)
    source = f"{subordinates_not_completed} công chức thuộc quyền không hoàn thành nhiệm vụ"
    return Criterion("d", value, source, cite.ND335_UNIT_RESULT)


def organising(entered: Decimal, tasks: Tasks) -> tuple[Criterion, Reason | None]:
    """đ as the authority entered it; 100% only when the unit completed every planned task on time
    with quality (otherwise at most the timeliness share c, kpixa's reading of "less")."""
    value = clamp(entered, ZERO, HUNDRED)
    all_on_time = tasks.on_time >= tasks.assigned and tasks.quality_errors == 0
    if all_on_time or value < HUNDRED:
        return Criterion("dd", value, "do cấp có thẩm quyền nhập", cite.ND335_ORGANISING), None
    lowered = min(value, task_criteria(tasks)[2].value or ZERO)
    reason = Reason(
        "organising_not_full",
        cite.ND335_ORGANISING,
        f"đ chỉ đạt 100% khi đơn vị hoàn thành mọi nhiệm vụ đúng hạn, bảo đảm chất lượng; "
        f"{tasks.late} nhiệm vụ chưa đúng hạn, sai sót lớn {tasks.quality_errors} → đ = {lowered}%",
    )
    return Criterion(
        "dd", lowered, "do cấp có thẩm quyền nhập, giới hạn theo tiến độ", cite.ND335_ORGANISING
    ), reason


def missing_inputs(inputs: LeaderInputs, regime: str) -> list[str]:
    """The inputs a rating under ``regime`` needs and does not have (input kinds)."""
    needed: dict[str, object] = {"general_points": inputs.general, "tasks_assigned": inputs.tasks}
    if regime == ND335:
        needed |= {
            "subordinates_not_completed": inputs.subordinates_not_completed,
            "organising": inputs.organising,
            "uniting": inputs.uniting,
        }
    missing = [kind for kind, value in needed.items() if value is None]
    if inputs.tasks is not None and inputs.tasks.assigned <= 0:
        missing.append("tasks_assigned")
    return missing


def rate_nd335(inputs: LeaderInputs, period_end: date) -> Rating:
    """A civil-servant leader under Decree 335: general (0–30) + (a + b + c + d + đ + e) / 6 × 70%,
    classed by the bands, then "không hoàn thành" for any override."""
    fails = overrides(inputs, period_end, ND335)
    missing = missing_inputs(inputs, ND335)
    if missing:
        return _unrated(ND335, missing, fails)
    assert inputs.tasks is not None and inputs.general is not None
    assert inputs.organising is not None and inputs.uniting is not None
    assert inputs.subordinates_not_completed is not None
    a, b, c = task_criteria(inputs.tasks)
    d = unit_result(inputs.subordinates_not_completed)
    dd, dd_reason = organising(inputs.organising, inputs.tasks)
    e = Criterion("e", clamp(inputs.uniting, ZERO, HUNDRED), "do cấp có thẩm quyền nhập", cite.ND335_UNITING)
    general = Criterion(
        "general", clamp(inputs.general, ZERO, GENERAL_MAX), "do cấp có thẩm quyền nhập", cite.ND335_SCALE
    )
    parts = [a, b, c, d, dd, e]
    mean = sum((p.value or ZERO for p in parts), ZERO) / 6
    results = round2(mean * RESULTS_MAX / HUNDRED)
    total = round2((general.value or ZERO) + results)
    by_points = points_class(total)
    reasons = [
        Reason(
            "score",
            f"{cite.ND335_SCALE}; {cite.ND335_BANDS}",
            f"{general.value} điểm chung + ({' + '.join(str(p.value) for p in parts)})/6 × 70% "
            f"= {total} điểm → {CLASS_LABELS[by_points]}",
        )
    ]
    if dd_reason:
        reasons.append(dd_reason)
    if by_points == ClassCode.FAILED:
        reasons.append(Reason("points_below_50", cite.ND335_FAILED_POINTS, f"{total} điểm, dưới 50 điểm"))
    final = ClassCode.FAILED if fails else by_points
    criteria = (general, *parts, Criterion("results", results, "a–e", cite.ND335_RESULTS))
    return Rating(ND335, total, by_points, final, criteria, (*reasons, *fails))


def _unrated(regime: str, missing: Sequence[str], fails: Sequence[Reason]) -> Rating:
    """Without the inputs the text needs there is no score; an override still fails the person."""
    reason = Reason(
        "missing_inputs",
        cite.ND335 if regime == ND335 else cite.QD366,
        "thiếu dữ liệu để chấm điểm: " + ", ".join(missing),
    )
    final = ClassCode.FAILED if fails else ""
    return Rating(regime, None, "", final, (), (reason, *fails))


# --- Regulation 366: the Secretary and the commune ----------------------------------------------


def conditions_366(
    total: Decimal, tasks: Tasks | None, subordinates_disciplined: int
) -> tuple[str, list[Reason]]:
    """The highest class whose points and Article 11 conditions are met, with a reason for each
    higher class refused: excellent ≥ 90 with every task on time, ≥ 30% exceeded and no
    disciplined subordinate organisation or member; good ≥ 70 with every task on time;
    "hoàn thành" ≥ 50 with every task completed and at most 20% late; else "không hoàn thành"."""
    reasons: list[Reason] = []
    by_points = points_class(total)
    if tasks is None:
        reasons.append(
            Reason("no_tasks", cite.QD366, "không có nhiệm vụ được giao trong kỳ: xếp loại theo điểm")
        )
        return by_points, reasons
    start = CLASS_ORDER.index(ClassCode(by_points))
    for code in CLASS_ORDER[start:]:
        if code == ClassCode.FAILED:
            break
        refused = _refusal_366(code, tasks, subordinates_disciplined)
        if refused is None:
            return code, reasons
        reasons.append(refused)
    if by_points == ClassCode.FAILED:
        reasons.append(Reason("points_below_50", cite.QD366_FAILED, f"{total} điểm, dưới 50 điểm"))
    return ClassCode.FAILED, reasons


def _refusal_366(code: ClassCode, tasks: Tasks, subordinates_disciplined: int) -> Reason | None:
    """Why ``code``'s Article 11 conditions are not met, or None when they are."""
    label = CLASS_LABELS[code]
    late, not_done = tasks.late, tasks.assigned - tasks.completed
    if code == ClassCode.EXCELLENT:
        exceeded = round2(tasks.share(tasks.exceeded))
        if late:
            return Reason(
                "excellent_needs_all_on_time",
                cite.QD366_EXCELLENT,
                f"không đạt {label}: {late} nhiệm vụ chưa hoàn thành đúng hạn",
            )
        if exceeded < EXCEEDED_SHARE:
            return Reason(
                "excellent_needs_30_exceeded",
                cite.QD366_EXCELLENT,
                f"không đạt {label}: {exceeded}% nhiệm vụ vượt yêu cầu, cần ít nhất 30%",
            )
        if subordinates_disciplined:
            return Reason(
                "excellent_no_disciplined_subordinate",
                cite.QD366_EXCELLENT,
                f"không đạt {label}: {subordinates_disciplined} tổ chức, cá nhân trực thuộc bị kỷ luật",
            )
        return None
    if code == ClassCode.GOOD:
        if late:
            return Reason(
                "good_needs_all_on_time",
                cite.QD366_GOOD,
                f"không đạt {label}: {late} nhiệm vụ chưa hoàn thành đúng hạn",
            )
        return None
    late_share = round2(tasks.share(late))
    if not_done:
        return Reason(
            "completed_needs_all_done",
            cite.QD366_COMPLETED,
            f"không đạt {label}: {not_done} nhiệm vụ chưa hoàn thành",
        )
    if late_share > LATE_SHARE:
        return Reason(
            "completed_late_over_20",
            cite.QD366_COMPLETED,
            f"không đạt {label}: {late_share}% nhiệm vụ chậm tiến độ, quá 20%",
        )
    return None


def rate_qd366(inputs: LeaderInputs, period_end: date) -> Rating:
    """The Party Secretary under Regulation 366: general (0–30) + results (0–70), the results
    being (a + b + c) / 3 × 70% over the tasks of the commune he or she leads (kpixa's reading of
    the 70 points), classed by Article 11's conditions, then "không hoàn thành" for any override."""
    fails = overrides(inputs, period_end, QD366)
    missing = missing_inputs(inputs, QD366)
    if missing:
        return _unrated(QD366, missing, fails)
    assert inputs.tasks is not None and inputs.general is not None
    a, b, c = task_criteria(inputs.tasks)
    general = Criterion(
        "general", clamp(inputs.general, ZERO, GENERAL_MAX), "do cấp có thẩm quyền nhập", cite.QD366_SCALE
    )
    results = round2(sum((p.value or ZERO for p in (a, b, c)), ZERO) / 3 * RESULTS_MAX / HUNDRED)
    total = round2((general.value or ZERO) + results)
    by_points = points_class(total)
    code, refusals = conditions_366(total, inputs.tasks, inputs.subordinates_disciplined)
    score = Reason(
        "score",
        cite.QD366_SCALE,
        f"{general.value} điểm chung + ({a.value} + {b.value} + {c.value})/3 × 70% = {total} điểm "
        f"→ theo điểm: {CLASS_LABELS[by_points]}",
    )
    final = ClassCode.FAILED if fails else code
    criteria = (general, a, b, c, Criterion("results", results, "a–c", cite.QD366_SCALE))
    return Rating(QD366, total, by_points, final, criteria, (score, *refusals, *fails))


def rate_leader(regime: str, inputs: LeaderInputs, period_end: date) -> Rating:
    """Rate a leader under the regime of his or her post."""
    if regime == ND335:
        return rate_nd335(inputs, period_end)
    if regime == QD366:
        return rate_qd366(inputs, period_end)
    raise ValueError(f"unknown regime {regime!r}")


def rate_commune(total: Decimal | None, tasks: Tasks | None, subordinates_disciplined: int = 0) -> Rating:
    """The commune (a collective) under Regulation 366 Article 11: its KPI total and its tasks."""
    if total is None:
        return Rating(QD366, None, "", "", (), (Reason("no_total", cite.QD366, "chưa có tổng điểm của xã"),))
    code, reasons = conditions_366(total, tasks, subordinates_disciplined)
    head = Reason(
        "score", cite.QD366_SCALE, f"tổng điểm {total} → theo điểm: {CLASS_LABELS[points_class(total)]}"
    )
    return Rating(QD366, total, points_class(total), code, (), (head, *reasons))
