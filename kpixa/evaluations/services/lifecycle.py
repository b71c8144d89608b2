"""The period lifecycle: open → closed → published (snapshot, appeal window) → final.

Each public function checks the actor's role, owns its transaction, writes its audit entry and
sends its notifications (docs/reporting.md). Appeals, which move a published period to "appeal"
and add revisions, are in ``services.appeals``; the reads of snapshots in ``queries``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.access import can_manage_province
from kpixa.accounts.models import User
from kpixa.accounts.notifications import notify_result_published
from kpixa.evaluations import guard, snapshots
from kpixa.evaluations.models import Appeal, AppealStatus, Period, PeriodState, Snapshot
from kpixa.evaluations.services.periods import EvaluationError, period_row
from kpixa.scoring.versions import period_of
from kpixa.units.models import Province

DEFAULT_APPEAL_DAYS = 10


def appeal_days() -> int:
    """Length of the appeal window in calendar days (``KPIXA_APPEAL_DAYS``, default 10; unverified)."""
    return int(getattr(settings, "KPIXA_APPEAL_DAYS", DEFAULT_APPEAL_DAYS))


def require_admin(actor: User, province: Province) -> None:
    if not can_manage_province(actor, province):
        raise EvaluationError(_("Chỉ quản trị cấp tỉnh của tỉnh này được thực hiện thao tác này."))


def locked_period(province: Province, period_code: str) -> Period:
    row = period_row(province, period_of(period_code))
    return Period.objects.select_for_update().select_related("province").get(pk=row.pk)


def _record(action: str, actor: User, row: Period, before: str, **after: Any) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="evaluations.Period",
        object_id=row.pk,
        province_code=row.province.code,
        before={"state": before},
        after={"state": row.state, "period": row.code, **after},
    )


def expect_state(row: Period, *states: str) -> None:
    if row.state not in states:
        raise EvaluationError(
            _("Kỳ %(period)s đang ở trạng thái “%(state)s”: không thực hiện được thao tác này.")
            % {"period": row.code, "state": row.get_state_display()}
        )


# --- transitions ------------------------------------------------------------------------------


def close_period(actor: User, province: Province, period_code: str) -> Period:
    """open → closed: scores freeze; data arriving later is kept and flagged, never counted."""
    require_admin(actor, province)
    with transaction.atomic():
        row = locked_period(province, period_code)
        expect_state(row, PeriodState.OPEN)
        row.state, row.closed_at = PeriodState.CLOSED, timezone.now()
        row.save(update_fields=["state", "closed_at"])
        _record("evaluations.close", actor, row, PeriodState.OPEN)
    return row


def publish_period(actor: User, province: Province, period_code: str, days: int | None = None) -> Snapshot:
    """closed → published: freeze every result into snapshot revision 1 and open the appeal window."""
    require_admin(actor, province)
    with transaction.atomic():
        row = locked_period(province, period_code)
        expect_state(row, PeriodState.CLOSED)
        content = snapshots.build_content(row)
        snapshot = insert_snapshot(row, 1, content, actor, None, [], _("Công bố lần đầu."))
        row.state, row.published_at = PeriodState.PUBLISHED, snapshot.created_at
        row.appeal_until = timezone.localdate() + timedelta(days=appeal_days() if days is None else days)
        row.save(update_fields=["state", "published_at", "appeal_until"])
        _record(
            "evaluations.publish",
            actor,
            row,
            PeriodState.CLOSED,
            sha256=snapshot.sha256,
            appeal_until=row.appeal_until,
        )
        values = {
            "period": row.code,
            "province": province.name,
            "until": row.appeal_until.strftime("%d/%m/%Y"),
        }
        messages = {language: _published_message(values, language) for language in ("vi", "en")}
        link = reverse("web:public_province", args=[province.code]) + f"?period={row.code}"
        notify_result_published(province.pk, messages["vi"], link, messages["en"])
    return snapshot


def _published_message(values: dict[str, str], language: str) -> str:
    """The notification of a publication in ``language`` (stored in both: each user reads it in
    the language chosen)."""
    with translation.override(language):
        text = _(
            "Kết quả kỳ %(period)s của %(province)s đã được công bố; có thể khiếu nại đến hết ngày %(until)s."
        )
        return text % values


def insert_snapshot(
    row: Period,
    revision: int,
    content: dict[str, Any],
    actor: User,
    previous: Snapshot | None,
    changes: list[dict[str, Any]],
    explanation: str,
) -> Snapshot:
    snapshot = Snapshot(
        period=row,
        revision=revision,
        content=content,
        sha256=snapshots.content_hash(content),
        previous=previous,
        changes=changes,
        explanation_vi=explanation,
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    with guard.allowed(guard.SNAPSHOT_INSERT):  # the database refuses any other INSERT
        snapshot.save()
    return snapshot


def finalize_period(actor: User, province: Province, period_code: str, today: date | None = None) -> Period:
    """published/appeal → final, once the appeal window is over and no appeal is pending."""
    require_admin(actor, province)
    today = today or timezone.localdate()
    with transaction.atomic():
        row = locked_period(province, period_code)
        expect_state(row, PeriodState.PUBLISHED, PeriodState.APPEAL)
        if row.appeal_until is not None and today <= row.appeal_until:
            raise EvaluationError(
                _("Chưa hết hạn khiếu nại (%(until)s).") % {"until": row.appeal_until.strftime("%d/%m/%Y")}
            )
        if Appeal.objects.filter(snapshot__period=row, status=AppealStatus.PENDING).exists():
            raise EvaluationError(_("Còn khiếu nại chưa giải quyết."))
        before = row.state
        row.state, row.finalized_at = PeriodState.FINAL, timezone.now()
        row.save(update_fields=["state", "finalized_at"])
        _record("evaluations.finalize", actor, row, before)
    return row
