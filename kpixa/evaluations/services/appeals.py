"""Appeals against a published result: a commune leader files one within the window, the province
rejects it or upholds it (a new snapshot revision with the corrected points and every result that
follows from them: scores, ranks, the evaluation and the evaluation under the texts).

Each function checks the actor's role, owns its transaction, writes its audit entry and notifies
the appellant of the decision (docs/reporting.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import Role, User
from kpixa.accounts.notifications import notify_appeal_decided
from kpixa.evaluations import snapshots
from kpixa.evaluations.models import Appeal, AppealStatus, Period, PeriodState, Snapshot
from kpixa.evaluations.queries import audited
from kpixa.evaluations.services import chain, legal_revisions
from kpixa.evaluations.services.lifecycle import expect_state, insert_snapshot, locked_period, require_admin
from kpixa.evaluations.services.periods import EvaluationError
from kpixa.reporting.evidence import CheckedFile
from kpixa.scoring.engine.model import ClassBand
from kpixa.scoring.versions import framework_of
from kpixa.units.models import Commune


def _check_appellant(actor: User, commune: Commune) -> None:
    is_leader = getattr(actor, "role", "") == Role.COMMUNE_LEADER and actor.commune_id == commune.pk
    if not (getattr(actor, "is_authenticated", False) and is_leader):
        raise EvaluationError(_("Chỉ lãnh đạo của xã/phường này được khiếu nại."))


def _indicator_exists(snapshot: Snapshot, commune: Commune, framework: str, indicator: str) -> bool:
    unit = snapshots.find_unit(snapshot.content, framework, commune.code)
    return unit is not None and any(i["code"] == indicator for i in unit["indicators"])


def file_appeal(
    actor: User,
    commune: Commune,
    period_code: str,
    framework_code: str,
    indicator_code: str,
    reason: str,
    upload: UploadedFile | None = None,
) -> Appeal:
    """A commune leader appeals one indicator of the latest published result, within the window."""
    _check_appellant(actor, commune)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("Hãy nêu lý do khiếu nại."))
    checked = _check_evidence(upload)
    with transaction.atomic():
        row = locked_period(commune.province, period_code)
        expect_state(row, PeriodState.PUBLISHED, PeriodState.APPEAL)
        if row.appeal_until is None or timezone.localdate() > row.appeal_until:
            raise EvaluationError(_("Đã hết hạn khiếu nại."))
        snapshot = audited(Snapshot.objects.filter(period=row)).order_by("-revision").first()
        if snapshot is None or not _indicator_exists(snapshot, commune, framework_code, indicator_code):
            raise EvaluationError(_("Kết quả công bố không có chỉ số này của xã/phường."))
        appeal = Appeal(
            snapshot=snapshot,
            commune=commune,
            framework_code=framework_code,
            indicator_code=indicator_code,
            reason=reason,
            filed_by=actor,
            filed_at=timezone.now(),
        )
        _attach(appeal, checked)
        appeal.save()
        before = row.state
        row.state = PeriodState.APPEAL
        row.save(update_fields=["state"])
        _appeal_audit("evaluations.appeal", actor, appeal, {"period_state": before})
    return appeal


def _check_evidence(upload: UploadedFile | None) -> CheckedFile | None:
    if upload is None:
        return None
    from kpixa.reporting.evidence import check_upload
    from kpixa.reporting.models import ReportingError

    try:
        return check_upload(upload)
    except ReportingError as exc:
        raise EvaluationError(str(exc)) from exc


def _attach(appeal: Appeal, checked: CheckedFile | None) -> None:
    if checked is None:
        return
    from kpixa.reporting.evidence import store

    appeal.evidence_stored = store(checked)
    appeal.evidence_name, appeal.evidence_type = checked.original_name, checked.content_type


def _appeal_summary(appeal: Appeal) -> dict[str, Any]:
    return {
        "commune": appeal.commune.code,
        "framework": appeal.framework_code,
        "indicator": appeal.indicator_code,
        "status": appeal.status,
        "snapshot": appeal.snapshot.sha256,
        "corrected_points": None if appeal.corrected_points is None else str(appeal.corrected_points),
    }


def _appeal_audit(action: str, actor: User, appeal: Appeal, before: Any, **extra: Any) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="evaluations.Appeal",
        object_id=appeal.pk,
        province_code=appeal.commune.province.code,
        before=before,
        after={**_appeal_summary(appeal), **extra},
        reason=appeal.decision_reason or appeal.reason,
    )


def _pending(actor: User, appeal: Appeal, reason: str) -> tuple[Appeal, str]:
    require_admin(actor, appeal.commune.province)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("Hãy nêu lý do giải quyết khiếu nại."))
    row = (
        Appeal.objects.select_for_update()
        .select_related("snapshot__period__province", "commune__province")
        .get(pk=appeal.pk)
    )
    if row.status != AppealStatus.PENDING:
        raise EvaluationError(_("Khiếu nại này đã được giải quyết."))
    return row, reason


def reject_appeal(actor: User, appeal: Appeal, reason: str) -> Appeal:
    """The province rejects an appeal with a reason; the published result stays."""
    with transaction.atomic():
        row, reason = _pending(actor, appeal, reason)
        before = _appeal_summary(row)
        row.status, row.decided_by, row.decided_at, row.decision_reason = (
            AppealStatus.REJECTED,
            actor,
            timezone.now(),
            reason,
        )
        row.save()
        _appeal_audit("evaluations.appeal_rejected", actor, row, before)
        _notify_decided(row)
    return row


def uphold_appeal(actor: User, appeal: Appeal, reason: str, corrected_points: Decimal) -> Snapshot:
    """The province upholds an appeal: the indicator's points become ``corrected_points`` in a new
    snapshot revision (total, class and ranks recomputed, and the commune's evaluation and its
    leaders' ratings when the period was evaluated by that framework, under the earlier rules and
    under the texts; the diff and the reason recorded)."""
    with transaction.atomic():
        row, reason = _pending(actor, appeal, reason)
        period = Period.objects.select_for_update().get(pk=row.snapshot.period_id)
        latest = audited(Snapshot.objects.filter(period=period)).order_by("-revision").first()
        assert latest is not None  # an appeal always refers to a published period
        content, changes = snapshots.revise(
            latest.content,
            row.framework_code,
            row.commune.code,
            row.indicator_code,
            corrected_points,
            _bands(row.framework_code, latest.content, row.commune.code),
        )
        changes += chain.revise_evaluations(period, content, row.commune.code, row.framework_code)
        changes += legal_revisions.revise_regimes(period, content, row.commune.code, row.framework_code)
        explanation = _("Khiếu nại của %(commune)s về chỉ số %(indicator)s được chấp nhận: %(reason)s") % {
            "commune": row.commune.name,
            "indicator": row.indicator_code,
            "reason": reason,
        }
        revision = insert_snapshot(period, latest.revision + 1, content, actor, latest, changes, explanation)
        before = _appeal_summary(row)
        row.status, row.decided_by, row.decided_at, row.decision_reason = (
            AppealStatus.UPHELD,
            actor,
            timezone.now(),
            reason,
        )
        row.corrected_points, row.revision = corrected_points, revision
        row.save()
        _appeal_audit(
            "evaluations.appeal_upheld",
            actor,
            row,
            before,
            revision=revision.revision,
            revision_sha256=revision.sha256,
            changes=changes,
        )
        _notify_decided(row)
    return revision


def _bands(framework_code: str, content: dict[str, Any], commune_code: str) -> tuple[ClassBand, ...] | None:
    from kpixa.frameworks.models import FrameworkVersion

    unit = snapshots.find_unit(content, framework_code, commune_code)
    version = FrameworkVersion.objects.filter(
        code=framework_code, version=(unit or {}).get("version")
    ).first()
    return framework_of(version).classification if version is not None else None


def _notify_decided(appeal: Appeal) -> None:
    messages = {}
    for language in ("vi", "en"):  # stored in both: each user reads it in the language chosen
        with translation.override(language):
            messages[language] = _(
                "Khiếu nại về chỉ số %(indicator)s kỳ %(period)s: %(status)s. %(reason)s"
            ) % {
                "indicator": appeal.indicator_code,
                "period": appeal.snapshot.period.code,
                "status": appeal.get_status_display(),
                "reason": appeal.decision_reason,
            }
    link = reverse("evaluations:commune", args=[appeal.commune.code, appeal.snapshot.period.code])
    notify_appeal_decided(appeal.filed_by, appeal.commune_id, messages["vi"], link, messages["en"])
