"""The daily warning digest: which kinds a person does not want, and the digests already sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestKind(models.TextChoices):
    """The parts of the daily digest; a person can unsubscribe from each."""

    DUE_TODAY = "due_today", _("Hồ sơ đến hạn trong ngày và hồ sơ quá hạn")
    DUE_WEEK = "due_week", _("Hồ sơ đến hạn trong 5 ngày làm việc tới")
    CLASS_AT_RISK = "class_at_risk", _("Nguy cơ tụt xếp loại cuối kỳ")
    REPORTED_DUE = "reported_due", _("Số liệu báo cáo chưa nộp")


class OptOut(models.Model):
    """A person who does not want one kind of the daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người dùng")
    )
    kind = models.CharField(_("loại cảnh báo"), max_length=20, choices=DigestKind.choices)
    created_at = models.DateTimeField(_("từ lúc"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="warnings_optout_unique")]
        verbose_name = _("hủy nhận cảnh báo")
        verbose_name_plural = _("hủy nhận cảnh báo")

    def __str__(self) -> str:
        return f"{self.user_id} −{self.kind}"


class DigestSent(models.Model):
    """One daily digest sent to one person: at most one per person and day (the unique key makes
    two concurrent runs of ``send_warnings`` send it once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người nhận")
    )
    day = models.DateField(_("ngày"))
    kinds = models.JSONField(_("nội dung gồm"), default=list)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="warnings_digest_once_a_day")]
        verbose_name = _("bản tin cảnh báo đã gửi")
        verbose_name_plural = _("bản tin cảnh báo đã gửi")

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
