"""A flag's reason in words, in the active language.

A flag stores its reason as a short code (``Flag.reason``: "returned+hand_changes", "status_7"),
which the JSON and CSV exports keep as they are; the pages show it in words through
``reason_label``. The codes are those of ``kpixa.rules.steps`` (the detectors) and
``kpixa.accountability.services`` (late online receipt); a code not listed here is shown as stored.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from kpixa.dossiers.records import STATUS_NAMES

REASONS = {
    # pass-around: each part of the reason that applies, joined by "+"
    "returned": gettext_noop("hồ sơ bị chuyển trả lại nơi đã xử lý"),
    "hand_changes": gettext_noop("hồ sơ qua tay quá nhiều người"),
    "out_and_back": gettext_noop("hồ sơ ra khỏi xã rồi quay lại"),
    # supplements
    "near_due": gettext_noop("yêu cầu bổ sung sát hạn"),
    "after_due": gettext_noop("yêu cầu bổ sung sau khi đã quá hạn"),
    "count": gettext_noop("yêu cầu bổ sung quá số lần cho phép"),
    # dates moved
    "moved_later": gettext_noop("ngày hẹn trả bị lùi lại"),
    "before_last_step": gettext_noop("ngày kết thúc trước bước xử lý cuối cùng"),
    "earlier_than_version": gettext_noop("ngày kết thúc sớm hơn ở bản ghi trước"),
    # receipt and sync
    "over_8_working_hours": gettext_noop("tiếp nhận hồ sơ trực tuyến sau hơn 8 giờ làm việc"),
    "arrived_late": gettext_noop("bản ghi đồng bộ về muộn"),
    "end_changed": gettext_noop("ngày kết thúc bị thay đổi sau khi đồng bộ"),
    # the period's end
    "burst": gettext_noop("nhiều hồ sơ kết thúc dồn vào cuối kỳ"),
}
STATUS_PREFIX = "status_"


def _part(code: str) -> str:
    if code in REASONS:
        return gettext(REASONS[code])
    if code.startswith(STATUS_PREFIX) and code.removeprefix(STATUS_PREFIX).isdigit():
        name = STATUS_NAMES.get(int(code.removeprefix(STATUS_PREFIX)))
        if name is not None:
            return gettext("dừng ở trạng thái “%(status)s” sát hạn") % {"status": gettext(name)}
    return code


def reason_label(code: str) -> str:
    """A flag's reason code in words in the active language (the code itself when unknown)."""
    if not code:
        return ""
    return "; ".join(_part(part) for part in code.split("+"))
