"""Installing and activating framework versions (every change audited)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion, IndicatorOwner
from kpixa.scoring.engine.loader import FrameworkError, load_framework
from kpixa.scoring.engine.model import OWNER_POSTS
from kpixa.units.models import Commune, Province

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


def shipped_files() -> list[Path]:
    """Return the framework files shipped with kpixa, sorted by name."""
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def _summary(fv: FrameworkVersion) -> dict[str, object]:
    return {"code": fv.code, "version": fv.version, "sha256": fv.sha256, "status": fv.status}


def install_framework(
    text: str, actor: User | None = None, activate: bool = False, source_name: str = "<upload>"
) -> tuple[FrameworkVersion, bool]:
    """Validate and store a framework file; return (version, created).

    Installing the same text again changes nothing (idempotent); the same code and version with
    different text is refused (raise FrameworkError): publish a new version number instead.
    """
    framework = load_framework(text, source_name)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        existing = (
            FrameworkVersion.objects.select_for_update()
            .filter(code=framework.code, version=framework.version)
            .first()
        )
        if existing is not None and existing.sha256 != digest:
            reason = _(
                "phiên bản {version} của “{code}” đã được cài với nội dung khác; hãy tăng số phiên bản"
            )
            raise FrameworkError(
                source_name, [(1, reason.format(version=framework.version, code=framework.code))]
            )
        created = existing is None
        fv = existing or _create(framework_text=text, digest=digest, source_name=source_name, actor=actor)
        if activate and fv.status != FrameworkStatus.ACTIVE:
            activate_framework(fv, actor)
    return fv, created


def _create(framework_text: str, digest: str, source_name: str, actor: User | None) -> FrameworkVersion:
    fw = load_framework(framework_text, source_name)
    fv = FrameworkVersion.objects.create(
        code=fw.code,
        version=fw.version,
        name=fw.name.vi,
        name_en=fw.name.en,
        valid_from=fw.valid_from,
        valid_to=fw.valid_to,
        is_example=fw.is_example,
        source_name=source_name,
        source_text=framework_text,
        sha256=digest,
    )
    audit.record(
        "frameworks.install",
        actor=actor,
        object_type="frameworks.FrameworkVersion",
        object_id=fv.pk,
        after=_summary(fv),
    )
    return fv


def activate_framework(fv: FrameworkVersion, actor: User | None = None) -> FrameworkVersion:
    """Make ``fv`` active and retire the active versions of the same code whose validity overlaps it."""
    with transaction.atomic():
        others = FrameworkVersion.objects.select_for_update().filter(
            code=fv.code, status=FrameworkStatus.ACTIVE
        )
        for other in others.exclude(pk=fv.pk):
            if other.overlaps(fv):
                _set_status(other, FrameworkStatus.RETIRED, actor)
        _set_status(fv, FrameworkStatus.ACTIVE, actor)
    return fv


def _set_status(fv: FrameworkVersion, status: str, actor: User | None) -> None:
    before = _summary(fv)
    fv.status = status
    fv.save(update_fields=["status"])
    audit.record(
        f"frameworks.{status}",
        actor=actor,
        object_type="frameworks.FrameworkVersion",
        object_id=fv.pk,
        before=before,
        after=_summary(fv),
    )


def framework_in_force(code: str, day: date) -> FrameworkVersion | None:
    """Return the active version of ``code`` valid on ``day`` (the latest-starting one), or None."""
    return FrameworkVersion.objects.in_force(code, day).first()


# --- the responsibility matrix (docs/review.md, "Owners") ------------------------------------


class OwnerError(ValueError):
    """An assignment of an indicator's owner that cannot be made (the reason in Vietnamese)."""


def assign_owner(
    actor: User | None,
    version: FrameworkVersion,
    province: Province,
    code: str,
    post: str,
    start: date,
    commune: Commune | None = None,
    field: str = "",
    note: str = "",
) -> IndicatorOwner:
    """Make ``post`` answer for the indicator or group ``code`` of ``version`` from ``start``, in
    ``commune`` (None: every commune of the province); audited with the province.

    The assignment in force for the same commune and code ends the day before ``start``; a
    ``start`` on or before that assignment's own start is refused (history is not rewritten).
    """
    framework = version.framework()
    codes = {g.code for g in framework.groups} | {i.code for g in framework.groups for i in g.indicators}
    if code not in codes:
        raise OwnerError(_("“{code}” không phải mã chỉ số hoặc nhóm của bộ chỉ số").format(code=code))
    if post not in OWNER_POSTS:
        raise OwnerError(_("chức vụ không hợp lệ “{post}”").format(post=post))
    if commune is not None and commune.province_id != province.pk:
        raise OwnerError(_("xã/phường không thuộc tỉnh"))
    with transaction.atomic():
        current = (
            IndicatorOwner.objects.select_for_update()
            .filter(framework_version=version, province=province, commune=commune, code=code)
            .filter(Q(end__isnull=True) | Q(end__gte=start))
            .order_by("-start")
        )
        before = []
        for row in current:
            if row.start >= start:
                raise OwnerError(
                    _("đã có người chịu trách nhiệm từ {day}; ngày bắt đầu mới phải sau ngày đó").format(
                        day=row.start.strftime("%d/%m/%Y")
                    )
                )
            before.append({"id": row.pk, "post": row.post, "field": row.field, "start": str(row.start)})
            row.end = start - timedelta(days=1)
            row.save(update_fields=["end"])
        row = IndicatorOwner.objects.create(
            framework_version=version,
            province=province,
            commune=commune,
            code=code,
            post=post,
            field=field.strip(),
            start=start,
            note=note.strip(),
        )
        audit.record(
            "framework.owner_assigned",
            actor=actor,
            object_type="frameworks.IndicatorOwner",
            object_id=row.pk,
            province_code=province.code,
            before=before or None,
            after={
                "framework": str(version),
                "commune": commune.code if commune else None,
                "code": code,
                "post": post,
                "field": row.field,
                "start": str(start),
            },
            reason=row.note,
        )
    return row
