"""The period lifecycle: open → closed → published (snapshot, appeal window) → appeal → final; appeals.

Each public function checks the actor's role, owns its transaction, writes its audit entry and
sends its notifications. See docs/reporting.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.access import can_manage_province
from kpixa.accounts.models import Role, User
from kpixa.accounts.notifications import notify_appeal_decided, notify_result_published
from kpixa.evaluations import chain, guard, legal_revisions, snapshots
from kpixa.evaluations.models import Appeal, AppealStatus, Period, PeriodState, Snapshot
from kpixa.evaluations.services import EvaluationError, period_row
from kpixa.scoring.versions import framework_of, period_of
from kpixa.units.models import Commune, Province

DEFAULT_APPEAL_DAYS = 10


def appeal_days() -> int:
    """Length of the appeal window in calendar days (``KPIXA_APPEAL_DAYS``, default 10; unverified)."""
    return int(getattr(settings, "KPIXA_APPEAL_DAYS", DEFAULT_APPEAL_DAYS))


def _require_admin(actor: User, province: Province) -> None:
    if not can_manage_province(actor, province):
        raise EvaluationError(_("Chỉ quản trị cấp tỉnh của tỉnh này được thực hiện thao tác này."))


def _locked_period(province: Province, period_code: str) -> Period:
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


def _expect(row: Period, *states: str) -> None:
    if row.state not in states:
        raise EvaluationError(
            _("Kỳ %(period)s đang ở trạng thái “%(state)s”: không thực hiện được thao tác này.")
            % {"period": row.code, "state": row.get_state_display()}
        )


# --- transitions ------------------------------------------------------------------------------


def close_period(actor: User, province: Province, period_code: str) -> Period:
    """open → closed: scores freeze; data arriving later is kept and flagged, never counted."""
    _require_admin(actor, province)
    with transaction.atomic():
        row = _locked_period(province, period_code)
        _expect(row, PeriodState.OPEN)
        row.state, row.closed_at = PeriodState.CLOSED, timezone.now()
        row.save(update_fields=["state", "closed_at"])
        _record("evaluations.close", actor, row, PeriodState.OPEN)
    return row


def publish_period(actor: User, province: Province, period_code: str, days: int | None = None) -> Snapshot:
    """closed → published: freeze every result into snapshot revision 1 and open the appeal window."""
    _require_admin(actor, province)
    with transaction.atomic():
        row = _locked_period(province, period_code)
        _expect(row, PeriodState.CLOSED)
        content = snapshots.build_content(row)
        snapshot = _insert(row, 1, content, actor, None, [], _("Công bố lần đầu."))
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
        message = _(
            "Kết quả kỳ %(period)s của %(province)s đã được công bố; có thể khiếu nại đến hết ngày %(until)s."
        ) % {"period": row.code, "province": province.name, "until": row.appeal_until.strftime("%d/%m/%Y")}
        link = reverse("web:public_province", args=[province.code]) + f"?period={row.code}"
        notify_result_published(province.pk, message, link)
    return snapshot


def _insert(
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
    _require_admin(actor, province)
    today = today or timezone.localdate()
    with transaction.atomic():
        row = _locked_period(province, period_code)
        _expect(row, PeriodState.PUBLISHED, PeriodState.APPEAL)
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


# --- reading ----------------------------------------------------------------------------------


def _recording_entries() -> QuerySet[Any]:
    """The audit entries that published the outer query's snapshot (its SHA-256 in ``after``)."""
    from kpixa.accounts.models import AuditEntry

    return (
        AuditEntry.objects.filter(
            action__in=audit.PUBLISHING_ACTIONS, province_code=OuterRef("period__province__code")
        )
        .annotate(recorded=Coalesce(KT("after__sha256"), KT("after__revision_sha256")))
        .filter(recorded=OuterRef("sha256"))
        .order_by("id")
    )


def audited(snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """Only the snapshots whose SHA-256 a publication entry of the audit chain records, each with
    that entry's id and hash (``audit_entry_id``, ``audit_hash``: the head published with it).

    A row inserted behind the app's back (however well it hashes its own content) has no such
    entry, so public pages never show it; ``snapshot_problems`` names it.
    """
    entries = _recording_entries()
    return snapshots.annotate(
        audit_entry_id=Subquery(entries.values("id")[:1]), audit_hash=Subquery(entries.values("hash")[:1])
    ).filter(audit_entry_id__isnull=False)


def latest_snapshot(province: Province, period_code: str) -> Snapshot | None:
    """The latest published revision of the province's period, or None when not published (1 query).

    Public pages show only this: never live or closed-but-unpublished results, and only a
    revision the audit chain records (``audited``).
    """
    return (
        audited(Snapshot.objects.filter(period__province=province, period__code=period_code))
        .order_by("-revision")
        .first()
    )


def snapshot_problems() -> list[tuple[str, str]]:
    """Every published snapshot the audit chain does not vouch for, and every publication whose
    snapshot is gone or altered: (what, why) pairs; empty when all agree (2 queries)."""
    from kpixa.accounts.models import AuditEntry

    recorded: dict[str, int] = {}
    for entry in AuditEntry.objects.filter(action__in=audit.PUBLISHING_ACTIONS).only("id", "action", "after"):
        recorded[str((entry.after or {}).get(audit.PUBLISHING_ACTIONS[entry.action], ""))] = entry.pk
    problems, seen = [], set()
    for snap in Snapshot.objects.order_by("id").iterator(chunk_size=50):
        seen.add(snap.sha256)
        if snapshots.content_hash(snap.content) != snap.sha256:
            problems.append((f"snapshot #{snap.pk}", "content does not match its SHA-256"))
        if snap.sha256 not in recorded:
            problems.append((f"snapshot #{snap.pk}", "no publication in the audit log records it"))
    for sha256, entry_id in recorded.items():
        if sha256 not in seen:
            problems.append((f"audit entry #{entry_id}", f"its snapshot {sha256[:12]} is missing"))
    return problems


@dataclass(frozen=True)
class RankChange:
    """A published rank that a later revision changed, and why."""

    revision: int
    at: datetime
    before: int | None
    after: int | None
    explanation: str


def rank_changes(province: Province, period_code: str, commune_code: str) -> list[RankChange]:
    """Every revision that changed ``commune_code``'s published rank, oldest first (1 query)."""
    found = []
    for snap in audited(
        Snapshot.objects.filter(period__province=province, period__code=period_code, revision__gt=1)
    ).order_by("revision"):
        for change in snap.changes:
            if change["commune"] == commune_code and change["field"] == "rank":
                found.append(
                    RankChange(
                        snap.revision, snap.created_at, change["before"], change["after"], snap.explanation_vi
                    )
                )
    return found


# --- appeals ----------------------------------------------------------------------------------


def _check_appellant(actor: User, commune: Commune) -> None:
    is_leader = getattr(actor, "role", "") == Role.COMMUNE_LEADER and actor.commune_id == commune.pk
    if not (getattr(actor, "is_authenticated", False) and is_leader):
        raise EvaluationError(_("Chỉ lãnh đạo của xã/phường này được khiếu nại."))


def _indicator_exists(snapshot: Snapshot, commune: Commune, framework: str, indicator: str) -> bool:
    unit = snapshots._find_unit(snapshot.content, framework, commune.code)
    return unit is not None and any(i["code"] == indicator for i in unit["indicators"])


def file_appeal(
    actor: User,
    commune: Commune,
    period_code: str,
    framework_code: str,
    indicator_code: str,
    reason: str,
    upload: Any = None,
) -> Appeal:
    """A commune leader appeals one indicator of the latest published result, within the window."""
    _check_appellant(actor, commune)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("Hãy nêu lý do khiếu nại."))
    checked = _check_evidence(upload)
    with transaction.atomic():
        row = _locked_period(commune.province, period_code)
        _expect(row, PeriodState.PUBLISHED, PeriodState.APPEAL)
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


def _check_evidence(upload: Any) -> Any:
    if upload is None:
        return None
    from kpixa.reporting.evidence import check_upload
    from kpixa.reporting.models import ReportingError

    try:
        return check_upload(upload)
    except ReportingError as exc:
        raise EvaluationError(str(exc)) from exc


def _attach(appeal: Appeal, checked: Any) -> None:
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
    _require_admin(actor, appeal.commune.province)
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
        revision = _insert(period, latest.revision + 1, content, actor, latest, changes, explanation)
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


def _bands(framework_code: str, content: dict[str, Any], commune_code: str) -> Any:
    from kpixa.frameworks.models import FrameworkVersion

    unit = snapshots._find_unit(content, framework_code, commune_code)
    version = FrameworkVersion.objects.filter(
        code=framework_code, version=(unit or {}).get("version")
    ).first()
    return framework_of(version).classification if version is not None else None


def _notify_decided(appeal: Appeal) -> None:
    message = _("Khiếu nại về chỉ số %(indicator)s kỳ %(period)s: %(status)s. %(reason)s") % {
        "indicator": appeal.indicator_code,
        "period": appeal.snapshot.period.code,
        "status": appeal.get_status_display(),
        "reason": appeal.decision_reason,
    }
    link = reverse("evaluations:commune", args=[appeal.commune.code, appeal.snapshot.period.code])
    notify_appeal_decided(appeal.filed_by, appeal.commune_id, message, link)
