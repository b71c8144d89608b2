"""Framework versions: the source text of each installed framework file, its hash and its status."""

from __future__ import annotations

import re
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.model import Framework

# The framework pages and exports open on when none is named: the service index of Decision 766.
DEFAULT_FRAMEWORK = "dvc766"
FRAMEWORK_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")


def framework_code_or_default(code: str) -> str:
    """``code`` (e.g. a page's ``?framework=``) when it is a well-formed framework code, else the
    default framework."""
    code = code.strip()
    return code if FRAMEWORK_CODE.match(code) else DEFAULT_FRAMEWORK


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    ACTIVE = "active", _("Đang áp dụng")
    RETIRED = "retired", _("Ngừng áp dụng")


class FrameworkVersionQuerySet(models.QuerySet["FrameworkVersion"]):
    def in_force(self, code: str, day: date) -> FrameworkVersionQuerySet:
        """Active versions of ``code`` valid on ``day``, the most recent validity first."""
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            code=code,
            status=FrameworkStatus.ACTIVE,
            valid_from__lte=day,
        ).order_by("-valid_from", "-loaded_at")


class FrameworkVersion(models.Model):
    """One installed version of a framework file, kept verbatim and identified by its SHA-256."""

    code = models.CharField(_("mã bộ chỉ số"), max_length=60)
    version = models.CharField(_("phiên bản"), max_length=40)
    name = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    is_example = models.BooleanField(_("là ví dụ"), default=False)
    source_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    source_text = models.TextField(_("nội dung tệp"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now_add=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="frameworks_version_unique"),
        ]
        indexes = [models.Index(fields=["code", "status", "valid_from"])]
        verbose_name = _("phiên bản bộ chỉ số")
        verbose_name_plural = _("phiên bản bộ chỉ số")

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    def framework(self) -> Framework:
        """Return the parsed framework (the stored text was validated when it was installed)."""
        return load_framework(self.source_text, self.source_name or str(self))

    def overlaps(self, other: FrameworkVersion) -> bool:
        """Return True when the two validity ranges share at least one day."""
        starts_before_other_ends = other.valid_to is None or self.valid_from <= other.valid_to
        ends_after_other_starts = self.valid_to is None or self.valid_to >= other.valid_from
        return starts_before_other_ends and ends_after_other_starts


class IndicatorOwner(models.Model):
    """Who answers for an indicator or a group (the responsibility matrix, docs/review.md): a
    post of the commune's leadership, for one framework version, from ``start`` to ``end``
    (inclusive; open when null). ``commune`` null: every commune of the province.

    The person answering on a day is whoever holds the post then (``units.Tenure``). Rows are
    never edited in place by the services: a new owner closes the previous row the day before
    its start, so the owner on every past date stays known.
    """

    framework_version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="owners",
        verbose_name=_("phiên bản bộ chỉ số"),
    )
    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, related_name="indicator_owners", verbose_name=_("tỉnh")
    )
    commune = models.ForeignKey(
        "units.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_owners",
        verbose_name=_("xã/phường"),
    )
    code = models.CharField(_("mã chỉ số hoặc nhóm"), max_length=40)
    post = models.CharField(_("chức vụ"), max_length=20)  # a units.PostKind value
    field = models.CharField(_("lĩnh vực phụ trách"), max_length=120, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    set_at = models.DateTimeField(_("giao lúc"), auto_now_add=True)

    class Meta:
        ordering = ["framework_version", "province", "commune", "code", "start"]
        indexes = [models.Index(fields=["framework_version", "province", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="frameworks_owner_end_after_start",
            )
        ]
        verbose_name = _("người chịu trách nhiệm chỉ số")
        verbose_name_plural = _("người chịu trách nhiệm chỉ số")

    def __str__(self) -> str:
        return f"{self.code} → {self.post} ({self.commune or self.province})"

    @property
    def post_label(self) -> str:
        from kpixa.units.models import PostKind

        return str(PostKind(self.post).label) if self.post in PostKind.values else self.post

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
