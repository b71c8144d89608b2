"""Accountability flags and the per-dossier delay attribution (docs/flags.md).

Both are derived data: the set-based pass (``kpixa.accountability.services``) writes them from
the stored dossiers after each committed batch, and a re-run changes nothing. A flag's review
(status, note, reviewer) is the only part a person writes, through the audited services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpixa.rules import steps as rules


class FlagKind(models.TextChoices):
    PASS_AROUND = rules.PASS_AROUND, _("Đùn đẩy hồ sơ")
    SUPPLEMENT_NEAR_DUE = rules.SUPPLEMENT_NEAR_DUE, _("Yêu cầu bổ sung sát hạn")
    REPEATED_SUPPLEMENT = rules.REPEATED_SUPPLEMENT, _("Yêu cầu bổ sung nhiều lần")
    DUE_EXTENDED = rules.DUE_EXTENDED, _("Lùi ngày hẹn trả")
    BACKDATED_END = rules.BACKDATED_END, _("Lùi ngày kết thúc về trước")
    REFUSED_NEAR_DUE = rules.REFUSED_NEAR_DUE, _("Từ chối/rút/dừng sát hạn")
    LATE_RECEIPT = rules.LATE_RECEIPT, _("Tiếp nhận trực tuyến muộn")
    SYNC_LATE = rules.SYNC_LATE, _("Đồng bộ muộn")
    PERIOD_END_BURST = rules.PERIOD_END_BURST, _("Dồn kết thúc hồ sơ cuối kỳ")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Chưa xem xét")
    CONFIRMED = "confirmed", _("Xác nhận")
    DISMISSED = "dismissed", _("Bác bỏ")


class AccountabilityFlag(models.Model):
    """One finding of a detector: about one dossier, or about a commune over a period
    (unit-level, ``dossier`` empty)."""

    commune = models.ForeignKey(
        "units.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("xã/phường")
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ma_ho_so = models.CharField(_("mã hồ sơ"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=30, choices=FlagKind.choices)
    reason = models.CharField(_("lý do"), max_length=60)
    evidence = models.JSONField(_("bằng chứng"), default=dict)
    # The day the flag counts on: the dossier's end (or receipt while open); a unit-level
    # flag's period end, with the period's code.
    day = models.DateField(_("ngày"))
    period_code = models.CharField(_("kỳ"), max_length=20, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    reviewer_note = models.TextField(_("ghi chú xem xét"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    detected_at = models.DateTimeField(_("phát hiện lúc"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=models.Q(dossier__isnull=False),
                name="accountability_flag_dossier_kind",
            ),
            models.UniqueConstraint(
                fields=["commune", "kind", "period_code"],
                condition=models.Q(dossier__isnull=True),
                name="accountability_flag_unit_kind_period",
            ),
        ]
        indexes = [models.Index(fields=["commune", "day"]), models.Index(fields=["kind", "day"])]
        ordering = ["-day", "id"]
        verbose_name = _("cảnh báo trách nhiệm")
        verbose_name_plural = _("cảnh báo trách nhiệm")

    def __str__(self) -> str:
        return f"{self.kind} {self.ma_ho_so or self.period_code}"


class DossierDelay(models.Model):
    """Who made one dossier late (or which of its steps ran over their own due time): kept for
    the dossiers with a late step or an overrun only."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # staff | citizen | sync, or "" when the dossier is not late but a step ran over its own due
    cause = models.CharField(max_length=10, blank=True)
    overrun_hours = models.FloatField(default=0)
    late_steps = models.PositiveSmallIntegerField(default=0)
    hours_over = models.FloatField(default=0)
    # {department: {"late_steps": n, "hours_over": h, "overrun_hours": h}}
    departments = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["commune", "day"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.cause} {self.overrun_hours:.1f}h"


class SyncExclusion(models.Model):
    """A province's decision, for one period, to leave sync-caused lateness out of the
    consequences (never out of the published score): who decided, when and why; every change
    audited (``services.decide_sync_exclusion``)."""

    province = models.ForeignKey("units.Province", on_delete=models.CASCADE, related_name="+")
    period_code = models.CharField(_("kỳ"), max_length=20)
    excluded = models.BooleanField(_("loại trừ trễ hạn do đồng bộ"), default=True)
    note = models.TextField(_("căn cứ"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "period_code"], name="accountability_sync_exclusion_key"
            )
        ]
        verbose_name = _("quyết định loại trừ trễ hạn do đồng bộ")
        verbose_name_plural = _("quyết định loại trừ trễ hạn do đồng bộ")

    def __str__(self) -> str:
        return f"{self.province_id} {self.period_code} {self.excluded}"
