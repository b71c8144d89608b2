"""Template helpers of the pages: numbers the Vietnamese way, status labels, charts, query strings.

The helpers that build markup or format numbers live in kpixa/web/rendering.py; they are registered here.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kpixa.evaluations.models import ConsequenceKind
from kpixa.web import charts, labels, rendering

register = template.Library()

STATUS_CLASSES = {
    "dat": "ok",
    "chua_dat": "bad",
    "khong_ap_dung": "na",
    "khong_co_du_lieu": "na",
    "khong_do_duoc": "na",
}


# Numbers and class colours are built in kpixa/web/rendering.py (also used by the dashboard's rows).
num = register.filter("num", rendering.num)
signed = register.filter("signed", rendering.signed)
class_css = register.filter("class_css", rendering.class_css)
# A stored class label in the active language: ``{{ u.classification_label|class_shown:u.classification }}``.
class_shown = register.filter("class_shown", labels.class_shown)


@register.filter
def status_label(code: str) -> str:
    """The words for an indicator status (the colour is never the only signal)."""
    return labels.status_labels().get(code, code or "—")


@register.simple_tag
def status_words(code: str, policy: Any = "") -> str:
    """A status's label with what it does to the total under the indicator's N/A ``policy``
    ("Không có dữ liệu — tính đủ điểm"), as the scorecards print it."""
    return labels.policy_status_text(code, str(policy or ""))


@register.simple_tag
def framework_name(code: str, period: Any = None) -> str:
    """A framework's name from its file, in the active language: the version in force for
    ``period`` (a PeriodSpan), its code when none is or the file names none."""
    return code if period is None else labels.framework_name(code, period)


@register.filter
def consequence_kind(code: str) -> str:
    """A proposed consequence's kind in words, in the active language ("warning": "Cảnh báo")."""
    words = {str(value): str(label) for value, label in ConsequenceKind.choices}
    words["relief_reg377"] = words[ConsequenceKind.REG377_RELIEF]  # the rules' code of the same kind
    return words.get(code, code)


@register.filter
def status_class(code: str) -> str:
    return STATUS_CLASSES.get(code, "na")


@register.filter
def lag_label(code: str) -> str:
    """Why a commune is listed as lagging."""
    labels = {
        "bottom": _("Nhóm cuối bảng xếp hạng"),
        "below": _("Xếp loại thấp nhất"),
        "falling": _("Điểm giảm liên tiếp"),
        "failing": _("Không đạt cùng chỉ số nhiều kỳ"),
    }
    return labels.get(code, code)


@register.simple_tag
def line_chart(points: Any, title: str, y_max: Any = 100) -> SafeString:
    return charts.line_chart(points, title, y_max)


@register.simple_tag
def bar_chart(bars: Any, title: str) -> SafeString:
    return charts.bar_chart(bars, title)


@register.simple_tag
def sparkline(values: Any, title: str, y_max: Any = 100) -> SafeString:
    return charts.sparkline(values, title, y_max)


@register.simple_tag(takes_context=True)
def query(context: Any, **changes: Any) -> str:
    """The current query string with ``changes`` applied (empty values removed), starting with "?"."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    params.pop("page", None) if "page" not in changes else None
    encoded = params.urlencode()
    return "?" + encoded if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_link(context: Any, key: str) -> str:
    """The query string that sorts by ``key``, flipping the direction when it is already the sort."""
    current = context["request"].GET.get("sort", "rank")
    target = "-" + key if current == key else key
    return query(context, sort=target)


@register.filter
def sort_state(current: str, key: str) -> str:
    """The aria-sort value of a column header."""
    if current == key:
        return "ascending"
    if current == "-" + key:
        return "descending"
    return "none"


@register.filter
def distribution_bars(distribution: Any) -> list[tuple[str, int, str]]:
    """(label, count, css class) bars from a dashboard's distribution."""
    return [
        (label or _("Chưa xếp loại"), count, rendering.class_css(code)) for code, label, count in distribution
    ]


@register.filter
def outcome_label(code: str) -> str:
    """The words for a dossier-list outcome."""
    labels = {
        "total": _("Tất cả hồ sơ phải giải quyết trong kỳ"),
        "on_time": _("Đúng hạn (kể cả đang trong hạn)"),
        "late": _("Trễ hạn (kể cả đang quá hạn)"),
        "no_due": _("Không xác định được hạn xử lý"),
        "online": _("Nộp trực tuyến"),
        "e2e_eligible": _("Thủ tục đủ điều kiện trực tuyến toàn trình"),
        "e2e_online": _("Trực tuyến toàn trình"),
        "fee_bearing": _("Có phí, lệ phí"),
        "paid_online": _("Thanh toán trực tuyến"),
        "digitised": _("Đã số hóa"),
        "synced_on_time": _("Đồng bộ kịp thời"),
    }
    return labels.get(code, code)


@register.filter
def class_label(code: str) -> str:
    """The words for a classification code (the national 90/70/50 bands)."""
    labels = {
        "xuat_sac": _("Hoàn thành xuất sắc nhiệm vụ"),
        "tot": _("Hoàn thành tốt nhiệm vụ"),
        "hoan_thanh": _("Hoàn thành nhiệm vụ"),
        "khong_hoan_thanh": _("Không hoàn thành nhiệm vụ"),
    }
    return labels.get(code, code or "—")
