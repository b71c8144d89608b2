"""Every state change of the monthly review (audited with the province): preparing a meeting,
recording a commitment, and checking a commitment at a later meeting."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.frameworks.parsed import framework_of
from kpixa.review.models import Commitment, CommitmentStatus, Meeting, MeetingBody
from kpixa.scoring.engine.model import OWNER_POSTS
from kpixa.scoring.models import IndicatorScore
from kpixa.scoring.versions import ScoringError, period_of, version_for
from kpixa.units.models import Commune, Province, Tenure


class ReviewError(ValueError):
    """A review action that cannot be done (the reason in Vietnamese)."""


def prepare_meeting(
    actor: User | None,
    province: Province,
    body: str,
    held_on: date,
    period_code: str,
    framework_code: str,
    title: str = "",
) -> Meeting:
    """Prepare a meeting reviewing ``period_code`` (a period some framework version covers)."""
    if body not in MeetingBody.values:
        raise ReviewError(_("cơ quan họp không hợp lệ"))
    try:
        version_for(framework_code, period_of(period_code))
    except ScoringError as exc:
        raise ReviewError(str(exc)) from exc
    with transaction.atomic():
        meeting = Meeting.objects.create(
            province=province,
            body=body,
            held_on=held_on,
            framework_code=framework_code,
            period_code=period_code,
            title=title.strip(),
            created_by=actor if actor is not None and actor.pk else None,
        )
        audit.record(
            "review.meeting_prepared",
            actor=actor,
            object_type="review.Meeting",
            object_id=meeting.pk,
            province_code=province.code,
            after={"body": body, "held_on": str(held_on), "period": period_code, "framework": framework_code},
        )
    return meeting


def _holder(commune: Commune, post: str, day: date) -> Tenure | None:
    return (
        Tenure.objects.filter(commune=commune, post=post, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person")
        .first()
    )


def add_commitment(
    actor: User | None,
    meeting: Meeting,
    commune: Commune,
    post: str,
    indicator_code: str,
    what: str,
    due_on: date,
) -> Commitment:
    """Record what ``commune``'s holder of ``post`` committed to at ``meeting``; the indicator's
    value in the meeting's period is kept as the baseline to compare with later."""
    if commune.province_id != meeting.province_id:
        raise ReviewError(_("xã/phường không thuộc tỉnh của cuộc họp"))
    if post not in OWNER_POSTS:
        raise ReviewError(_("chức vụ không hợp lệ"))
    if not what.strip():
        raise ReviewError(_("cần ghi nội dung cam kết"))
    if due_on < meeting.held_on:
        raise ReviewError(_("hạn thực hiện phải sau ngày họp"))
    version = version_for(meeting.framework_code, period_of(meeting.period_code))
    codes = {i.code for g in framework_of(version).groups for i in g.indicators}
    if indicator_code not in codes:
        raise ReviewError(_("“{code}” không phải mã chỉ số của bộ chỉ số").format(code=indicator_code))
    baseline = (
        IndicatorScore.objects.filter(
            framework_version=version,
            commune=commune,
            period_code=meeting.period_code,
            indicator_code=indicator_code,
        )
        .values_list("rate_display", flat=True)
        .first()
    )
    tenure = _holder(commune, post, meeting.held_on)
    with transaction.atomic():
        commitment = Commitment.objects.create(
            meeting=meeting,
            commune=commune,
            post=post,
            person=tenure.person if tenure else None,
            owner_name=tenure.person.full_name if tenure else "",
            what=what.strip(),
            due_on=due_on,
            indicator_code=indicator_code,
            baseline=baseline,
        )
        audit.record(
            "review.commitment_recorded",
            actor=actor,
            object_type="review.Commitment",
            object_id=commitment.pk,
            province_code=meeting.province.code,
            after={
                "meeting": meeting.pk,
                "commune": commune.code,
                "post": post,
                "person": commitment.owner_name,
                "indicator": indicator_code,
                "due_on": str(due_on),
                "baseline": str(baseline) if baseline is not None else None,
            },
            reason=commitment.what,
        )
    return commitment


def review_commitment(
    actor: User | None, commitment: Commitment, meeting: Meeting, status: str, note: str = ""
) -> Commitment:
    """Record at ``meeting`` (a later one of the same province) whether ``commitment`` was kept.
    Final: a commitment is checked once."""
    if status not in (CommitmentStatus.KEPT, CommitmentStatus.MISSED):
        raise ReviewError(_("kết quả không hợp lệ"))
    if meeting.province_id != commitment.meeting.province_id or meeting.held_on <= commitment.meeting.held_on:
        raise ReviewError(_("cam kết được xem xét tại một cuộc họp sau của cùng tỉnh"))
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if locked.status != CommitmentStatus.OPEN:
            raise ReviewError(_("cam kết này đã được xem xét"))
        locked.status = status
        locked.reviewed_in = meeting
        locked.review_note = note.strip()
        locked.save(update_fields=["status", "reviewed_in", "review_note"])
        audit.record(
            "review.commitment_checked",
            actor=actor,
            object_type="review.Commitment",
            object_id=locked.pk,
            province_code=meeting.province.code,
            before={"status": CommitmentStatus.OPEN},
            after={"status": status, "meeting": meeting.pk},
            reason=locked.review_note,
        )
    return locked
