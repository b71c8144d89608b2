"""Framework versions: the source text of each installed framework file, its hash and its status."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.model import Framework


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
