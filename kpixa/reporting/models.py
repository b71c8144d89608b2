"""Reported indicator values with their evidence files, their verification and the submission deadlines."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpixa.units.models import Commune, Province


class ReportingError(Exception):
    """A reporting request refused by the rules (message in Vietnamese, for users)."""


class SubmissionDeadline(models.Model):
    """The last day a province's communes may submit their reported values for one period."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="submission_deadlines", verbose_name=_("tỉnh")
    )
    period_code = models.CharField(_("mã kỳ"), max_length=16)
    due_on = models.DateField(_("hạn nộp (hết ngày)"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(_("đặt lúc"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "period_code"], name="reporting_deadline_unique")
        ]
        verbose_name = _("hạn nộp số liệu")
        verbose_name_plural = _("hạn nộp số liệu")

    def __str__(self) -> str:
        return f"{self.province} {self.period_code}: {self.due_on}"


class ValueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị trả lại")


class ReportedValue(models.Model):
    """One value a commune reports for one measure (``reported.<measure>``) of one period.

    Approval locks it: an approved value is never saved again (``save`` refuses).
    """

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="reported_values", verbose_name=_("xã/phường")
    )
    period_code = models.CharField(_("mã kỳ"), max_length=16)
    measure = models.CharField(_("mã số liệu"), max_length=60)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4)
    comment = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.SUBMITTED
    )
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"))
    submitted_at = models.DateTimeField(_("nộp lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nộp")
    )
    # Submitted while the evaluation period was already closed: kept and shown, never counted.
    after_close = models.BooleanField(_("nộp sau khi khóa kỳ"), default=False)
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    rejection_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        ordering = ["commune", "period_code", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "period_code", "measure"], name="reporting_value_unique"
            )
        ]
        indexes = [models.Index(fields=["period_code", "status"])]
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.period_code} reported.{self.measure} = {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, unless the stored row is already approved (approval locks the value)."""
        if self.pk is not None and _stored_status(self.pk) == ValueStatus.APPROVED:
            raise ReportingError(_("Số liệu đã được duyệt nên không thể sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        """Delete, unless approved."""
        if self.pk is not None and _stored_status(self.pk) == ValueStatus.APPROVED:
            raise ReportingError(_("Số liệu đã được duyệt nên không thể xóa."))
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status == ValueStatus.APPROVED


def _stored_status(pk: int) -> str | None:
    return ReportedValue.objects.filter(pk=pk).values_list("status", flat=True).first()


class Evidence(models.Model):
    """An evidence file of a reported value, stored outside the web root under PRIVATE_MEDIA_ROOT."""

    value = models.ForeignKey(ReportedValue, on_delete=models.PROTECT, related_name="evidence")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    stored_name = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["value", "uploaded_at", "id"]
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")

    def __str__(self) -> str:
        return self.original_name
