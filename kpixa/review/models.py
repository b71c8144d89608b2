"""The monthly review meeting (docs/review.md): a meeting of the province reviewing a period, and
the commitments made at it, each checked at a later meeting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpixa.units.models import PostKind


class MeetingBody(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Ban Thường vụ Tỉnh ủy")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân tỉnh")


class Meeting(models.Model):
    """A review meeting of the province: the period it reviews and the day it is held."""

    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, related_name="review_meetings", verbose_name=_("tỉnh")
    )
    body = models.CharField(_("cơ quan họp"), max_length=20, choices=MeetingBody.choices)
    held_on = models.DateField(_("ngày họp"))
    framework_code = models.CharField(_("mã bộ chỉ số"), max_length=60)
    period_code = models.CharField(_("kỳ xem xét"), max_length=16)
    title = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["province", "framework_code", "held_on"])]
        verbose_name = _("cuộc họp giao ban")
        verbose_name_plural = _("cuộc họp giao ban")

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.held_on:%d/%m/%Y} ({self.period_code})"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Đang theo dõi")
    KEPT = "kept", _("Đã thực hiện")
    MISSED = "missed", _("Không thực hiện")


class Commitment(models.Model):
    """What a commune's leader committed to at a meeting, by when, and which indicator it should
    move; ``baseline`` is the indicator's value (%) in the meeting's period."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("cuộc họp")
    )
    commune = models.ForeignKey(
        "units.Commune",
        on_delete=models.PROTECT,
        related_name="review_commitments",
        verbose_name=_("xã/phường"),
    )
    post = models.CharField(_("chức vụ chịu trách nhiệm"), max_length=20, choices=PostKind.choices)
    person = models.ForeignKey(
        "units.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ"),
    )
    owner_name = models.CharField(_("người cam kết"), max_length=200, blank=True)
    what = models.TextField(_("nội dung cam kết"))
    due_on = models.DateField(_("hạn thực hiện"))
    indicator_code = models.CharField(_("chỉ số cần chuyển biến"), max_length=40)
    baseline = models.DecimalField(_("giá trị lúc cam kết (%)"), max_digits=7, decimal_places=2, null=True)
    status = models.CharField(
        _("kết quả"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    reviewed_in = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_commitments",
        verbose_name=_("xem xét tại cuộc họp"),
    )
    review_note = models.CharField(_("ghi chú đánh giá"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "commune__code", "id"]
        verbose_name = _("cam kết")
        verbose_name_plural = _("cam kết")

    def __str__(self) -> str:
        return f"{self.commune} — {self.indicator_code} ({self.due_on:%d/%m/%Y})"
