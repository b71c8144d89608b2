"""A proposed consequence's reason in the active language.

``Consequence.reason_vi`` keeps the reason as the engine wrote it, in Vietnamese, from one of the
messages of ``kpixa.scoring.engine.evaluation`` (``propose_consequences``) with the period's label
(``kpixa.scoring.engine.periods``) inside. The messages are repeated here, word for word, so a
stored reason can be shown in English (``reason_shown``); ``evaluations/tests/test_reasons.py`` checks each
against the engine, so a message changed there and not here fails a test instead of showing
Vietnamese.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from kpixa.accounts.stored_text import Retranslator

REASON_MESSAGES = (
    # kpixa.scoring.engine.evaluation: the proposals
    "{period}: xã không hoàn thành nhiệm vụ → đề xuất nhắc nhở, cảnh báo",
    "{period}: xã đạt {total} điểm, dưới ngưỡng {limit} → đề xuất điều chuyển hoặc cho thôi giữ chức "
    "cả Bí thư và Chủ tịch (cùng lên đường)",
    "{n} năm liên tiếp ({years}) không hoàn thành nhiệm vụ → đề xuất miễn nhiệm/cho thôi việc",
    "Quy định 377-QĐ/TW: {why} → đề xuất xem xét cho thôi giữ chức người đứng đầu",
    "hoàn thành {p}% chỉ tiêu năm, dưới {limit}%",
    "không đạt chỉ tiêu cơ bản: {names}",
    # kpixa.scoring.engine.periods: the period's label inside a reason
    "Tháng {m}/{y}",
    "Quý {q}/{y}",
    "6 tháng đầu năm {y}",
    "6 tháng cuối năm {y}",
    "Năm {y}",
)

# The basic targets of Regulation 377 named in a reason (kpixa.rules.consequences.BASIC_TARGETS),
# marked here for the catalogue (the test checks they are the same).
BASIC_TARGET_NAMES = (
    gettext_noop("tốc độ tăng trưởng"),
    gettext_noop("thu ngân sách nhà nước"),
    gettext_noop("giải ngân vốn đầu tư công"),
    gettext_noop("thu nhập bình quân đầu người"),
    gettext_noop("giảm nghèo"),
)

REASONS = Retranslator((*REASON_MESSAGES, *BASIC_TARGET_NAMES))


def reason_shown(reason_vi: str) -> str:
    """A stored proposal reason in the active language (as stored when no message fits it)."""
    return REASONS.shown(reason_vi)
