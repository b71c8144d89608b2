"""Human names and units of the reported measures (``reported.<code>``), in Vietnamese with an
English translation: two measures read by one indicator (e.g. 1.1's revenue and its plan) are
told apart by these, never by their codes (docs/reporting.md, "Names and units").

A code not listed here is named after its indicator and its place in the formula
("1.1. … — tử số", the numerator, or "— mẫu số", the denominator).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MILLION_VND = _("triệu đồng")
PERCENT = "%"
PEOPLE = _("người")
HOUSEHOLDS = _("hộ")

MEASURE_NAMES: dict[str, tuple[Promise, Promise | str]] = {
    "budget_revenue": (_("Thu ngân sách nhà nước thực hiện"), MILLION_VND),
    "budget_revenue_plan": (_("Thu ngân sách nhà nước theo dự toán"), MILLION_VND),
    "public_investment_disbursed": (_("Vốn đầu tư công đã giải ngân"), MILLION_VND),
    "public_investment_plan": (_("Vốn đầu tư công theo kế hoạch"), MILLION_VND),
    "growth_rate": (_("Tốc độ tăng trưởng thực hiện"), PERCENT),
    "growth_rate_target": (_("Tốc độ tăng trưởng theo chỉ tiêu"), PERCENT),
    "income_per_capita": (_("Thu nhập bình quân đầu người"), MILLION_VND),
    "income_per_capita_target": (_("Thu nhập bình quân đầu người theo chỉ tiêu"), MILLION_VND),
    "poor_households_reduced": (_("Số hộ nghèo giảm trong kỳ"), HOUSEHOLDS),
    "poor_households_reduction_target": (_("Chỉ tiêu giảm hộ nghèo"), HOUSEHOLDS),
    "staff_trained": (_("Cán bộ, công chức được bồi dưỡng"), PEOPLE),
    "staff_total": (_("Tổng số cán bộ, công chức"), PEOPLE),
    "staff_digital_certified": (_("Cán bộ có chứng chỉ kỹ năng số"), PEOPLE),
}


def name_and_unit(code: str, indicator_label: str, in_denominator: bool) -> tuple[str, str]:
    """The measure's name and unit in the active language ("" when the unit is unknown)."""
    known = MEASURE_NAMES.get(code)
    if known is not None:
        return str(known[0]), str(known[1])
    role = _("mẫu số") if in_denominator else _("tử số")
    return f"{indicator_label} — {role}", ""
