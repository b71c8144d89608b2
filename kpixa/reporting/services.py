"""Reporting state changes: submit (and fix) a value with evidence, approve, reject, deadlines, reminders.

Each public function checks the actor's right, owns its transaction and writes its audit entry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.access import can_manage_province, can_report_for
from kpixa.accounts.models import NotificationKind, Role, User
from kpixa.accounts.notifications import commune_users, notify
from kpixa.reporting import evidence as files
from kpixa.reporting import queries
from kpixa.reporting.models import Evidence, ReportedValue, ReportingError, SubmissionDeadline, ValueStatus
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.units.models import Commune, Province
from kpixa.units.signals import frozen_periods

__all__ = [
    "ReportingError",
    "approve_value",
    "reject_value",
    "remind_due_submissions",
    "set_deadline",
    "submit_value",
]


def _summary(value: ReportedValue) -> dict[str, Any]:
    return {
        "commune": value.commune.code,
        "period": value.period_code,
        "measure": value.measure,
        "value": str(value.value),
        "comment": value.comment,
        "status": value.status,
        "after_close": value.after_close,
        "evidence": [e.sha256 for e in value.evidence.all()] if value.pk else [],
    }


def period_is_closed(province_id: int, period_code: str) -> bool:
    """True when the province's evaluation period has left the "open" state."""
    return bool(frozen_periods([province_id], period_code))


def sheet_link(commune: Commune, period_code: str) -> str:
    return reverse("reporting:sheet", args=[commune.code, period_code])


# --- submitting -------------------------------------------------------------------------------


def _check_submission(actor: User, commune: Commune, period: PeriodSpan, measure: str) -> None:
    if not can_report_for(actor, commune):
        raise ReportingError(_("Bạn không có quyền báo cáo số liệu cho xã/phường này."))
    if measure not in {m.code for m in queries.required_measures(period)}:
        raise ReportingError(
            _("Kỳ %(period)s không có số liệu “%(code)s” cần báo cáo.")
            % {"period": period.code, "code": measure}
        )


def _locked_row(commune: Commune, period: PeriodSpan, measure: str) -> ReportedValue | None:
    row = (
        ReportedValue.objects.select_for_update()
        .filter(commune=commune, period_code=period.code, measure=measure)
        .first()
    )
    if row is not None and row.status == ValueStatus.APPROVED:
        raise ReportingError(_("Số liệu đã được duyệt nên không thể sửa."))
    return row


def submit_value(
    actor: User,
    commune: Commune,
    period: PeriodSpan,
    measure: str,
    value: Decimal,
    comment: str = "",
    uploads: list[Any] | None = None,
) -> ReportedValue:
    """Submit (or fix, while not approved) the commune's value of ``reported.<measure>`` for ``period``.

    Every upload is checked by content before anything is written; the value must end up with at
    least one evidence file. A value submitted after the period was closed is kept and flagged
    ``after_close`` (it never counts). Raises ReportingError (Vietnamese message) when refused.
    """
    _check_submission(actor, commune, period, measure)
    checked = [files.check_upload(u) for u in uploads or []]
    stored: list[str] = []
    try:
        with transaction.atomic():
            row = _save_value(actor, commune, period, measure, value, comment, checked, stored)
    except Exception:
        files.remove_quietly(stored)
        raise
    return row


def _save_value(
    actor: User,
    commune: Commune,
    period: PeriodSpan,
    measure: str,
    value: Decimal,
    comment: str,
    checked: list[files.CheckedFile],
    stored: list[str],
) -> ReportedValue:
    row = _locked_row(commune, period, measure)
    before = _summary(row) if row is not None else None
    now = timezone.now()
    if row is None:
        row = ReportedValue(commune=commune, period_code=period.code, measure=measure, first_submitted_at=now)
    row.value, row.comment, row.status = value, comment.strip(), ValueStatus.SUBMITTED
    row.submitted_at, row.submitted_by, row.rejection_reason = now, actor, ""
    row.after_close = period_is_closed(commune.province_id, period.code)
    row.save()
    for item in checked:
        stored.append(files.store(item))
        Evidence.objects.create(
            value=row,
            original_name=item.original_name,
            stored_name=stored[-1],
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=actor,
        )
    if not row.evidence.exists():
        raise ReportingError(_("Hãy đính kèm ít nhất một tệp minh chứng."))
    _audit(row, "reporting.submit" if before is None else "reporting.resubmit", actor, before)
    return row


def _audit(row: ReportedValue, action: str, actor: User, before: Any, reason: str = "") -> None:
    audit.record(
        action,
        actor=actor,
        object_type="reporting.ReportedValue",
        object_id=row.pk,
        province_code=row.commune.province.code,
        before=before,
        after=_summary(row),
        reason=reason,
    )


# --- verification -----------------------------------------------------------------------------


def _reviewable(actor: User, value: ReportedValue) -> ReportedValue:
    if not can_manage_province(actor, value.commune.province):
        raise ReportingError(_("Chỉ quản trị cấp tỉnh của tỉnh này được duyệt số liệu."))
    row = ReportedValue.objects.select_for_update().select_related("commune__province").get(pk=value.pk)
    if row.status != ValueStatus.SUBMITTED:
        raise ReportingError(_("Chỉ duyệt hoặc trả lại được số liệu đang chờ duyệt."))
    return row


def approve_value(actor: User, value: ReportedValue) -> ReportedValue:
    """Approve a submitted value; it is locked from then on."""
    with transaction.atomic():
        row = _reviewable(actor, value)
        before = _summary(row)
        row.status, row.reviewed_by, row.reviewed_at = ValueStatus.APPROVED, actor, timezone.now()
        row.save()
        _audit(row, "reporting.approve", actor, before)
        _notify_reviewed(row, NotificationKind.VALUE_APPROVED, "")
    return row


def reject_value(actor: User, value: ReportedValue, reason: str) -> ReportedValue:
    """Send a submitted value back to the commune with a reason (notifies the commune's officers)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReportingError(_("Hãy nêu lý do trả lại."))
    with transaction.atomic():
        row = _reviewable(actor, value)
        before = _summary(row)
        row.status, row.reviewed_by, row.reviewed_at = ValueStatus.REJECTED, actor, timezone.now()
        row.rejection_reason = reason
        row.save()
        _audit(row, "reporting.reject", actor, before, reason)
        _notify_reviewed(row, NotificationKind.VALUE_REJECTED, reason)
    return row


def _notify_reviewed(row: ReportedValue, kind: str, reason: str) -> None:
    """Tell the commune's officers and the submitter that a value was approved or sent back."""
    period = queries.period_or_none(row.period_code)
    messages = {}
    for language in ("vi", "en"):  # stored in both, whatever the reviewer's language
        with translation.override(language):
            label = queries.label_of(row.measure, period) if period else row.measure
            values = {
                "label": label,
                "period": row.period_code,
                "commune": row.commune.name,
                "reason": reason,
            }
            if kind == NotificationKind.VALUE_APPROVED:
                message = _("Số liệu “%(label)s” kỳ %(period)s của %(commune)s đã được tỉnh duyệt.") % values
            else:
                message = (
                    _("Số liệu “%(label)s” kỳ %(period)s của %(commune)s bị trả lại: %(reason)s") % values
                )
            messages[language] = message
    officers = commune_users([row.commune_id], [Role.COMMUNE_OFFICER])
    link = sheet_link(row.commune, row.period_code)
    notify([*officers, row.submitted_by], kind, messages["vi"], link, messages["en"])


# --- deadlines and reminders ------------------------------------------------------------------


def set_deadline(actor: User, province: Province, period: PeriodSpan, due_on: date) -> SubmissionDeadline:
    """Set the province's submission deadline for ``period`` (province admins only)."""
    if not can_manage_province(actor, province):
        raise ReportingError(_("Chỉ quản trị cấp tỉnh của tỉnh này được đặt hạn nộp."))
    if due_on < period.end:
        raise ReportingError(_("Hạn nộp không được trước ngày cuối kỳ (%(end)s).") % {"end": period.end})
    with transaction.atomic():
        before = queries.deadline_for(province, period)
        row, _created = SubmissionDeadline.objects.update_or_create(
            province=province, period_code=period.code, defaults={"due_on": due_on, "set_by": actor}
        )
        audit.record(
            "reporting.deadline",
            actor=actor,
            object_type="reporting.SubmissionDeadline",
            object_id=row.pk,
            province_code=province.code,
            before={"period": period.code, "due_on": before},
            after={"period": period.code, "due_on": due_on},
        )
    return row


def remind_due_submissions(province: Province, period: PeriodSpan, actor: User | None = None) -> int:
    """Notify the officers of every commune with missing values (``submission_due``); return how many.

    Users already reminded today for the same sheet are skipped, so a daily cron run and a click
    on the province page do not repeat themselves.
    """
    if actor is not None and not can_manage_province(actor, province):
        raise ReportingError(_("Chỉ quản trị cấp tỉnh của tỉnh này được gửi nhắc nhở."))
    missing = queries.missing_by_commune(province, period)
    due = queries.deadline_for(province, period)
    communes = Commune.objects.filter(pk__in=list(missing)).in_bulk()
    sent = 0
    with transaction.atomic():
        for commune_id, codes in missing.items():
            sent += _remind(communes[commune_id], period, due, len(codes))
        audit.record(
            "reporting.remind",
            actor=actor,
            object_type="units.Province",
            object_id=province.code,
            province_code=province.code,
            after={"period": period.code, "communes": len(missing), "notified": sent},
        )
    return sent


def _remind(commune: Commune, period: PeriodSpan, due: date, missing: int) -> int:
    from kpixa.accounts.models import Notification

    link = sheet_link(commune, period.code)
    already = Notification.objects.filter(
        kind=NotificationKind.SUBMISSION_DUE, link=link, created_at__date=timezone.localdate()
    ).values_list("user_id", flat=True)
    officers = commune_users([commune.pk], [Role.COMMUNE_OFFICER]).exclude(pk__in=already)
    values = {
        "commune": commune.name,
        "count": missing,
        "period": period.code,
        "due": due.strftime("%d/%m/%Y"),
    }
    messages = {}
    for language in ("vi", "en"):  # stored in both, whatever the language of who sends the reminder
        with translation.override(language):
            messages[language] = (
                _("%(commune)s còn %(count)s số liệu kỳ %(period)s chưa nộp; hạn nộp: %(due)s.") % values
            )
    return len(notify(officers, NotificationKind.SUBMISSION_DUE, messages["vi"], link, messages["en"]))
