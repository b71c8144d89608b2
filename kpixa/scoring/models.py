"""Stored scores: runs, results per (framework version, commune, period, indicator), totals, targets."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kpixa.units.models import Commune, PeerGroup, Province


class RunKind(models.TextChoices):
    FULL = "full", _("Tính toàn bộ")
    INCREMENTAL = "incremental", _("Cập nhật theo lô hồ sơ")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Đang tính")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Lỗi")


class ScoreRun(models.Model):
    """One computation of a framework version's scores for a period (one province, or all)."""

    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="score_runs"
    )
    period_code = models.CharField(_("kỳ"), max_length=16)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="score_runs"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=RunKind.choices, default=RunKind.FULL)
    status = models.CharField(_("trạng thái"), max_length=10, choices=RunStatus.choices, default="running")
    triggered_by = models.CharField(_("khởi động bởi"), max_length=40, default="command")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    inputs_as_of = models.DateTimeField(_("số liệu tính đến"), null=True, blank=True)
    communes_count = models.PositiveIntegerField(_("số xã/phường"), default=0)
    indicator_scores_count = models.PositiveIntegerField(_("số kết quả chỉ số"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["framework_version", "period_code", "province"])]
        verbose_name = _("lượt tính điểm")
        verbose_name_plural = _("lượt tính điểm")

    def __str__(self) -> str:
        return f"{self.framework_version} {self.period_code} ({self.get_status_display()})"


class IndicatorScore(models.Model):
    """One indicator's result for one commune and period under one framework version."""

    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.CASCADE, related_name="indicator_scores"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="indicator_scores")
    period_code = models.CharField(_("kỳ"), max_length=16)
    indicator_code = models.CharField(_("mã chỉ số"), max_length=40)
    numerator = models.DecimalField(_("tử số"), max_digits=20, decimal_places=4, null=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=20, decimal_places=4, null=True)
    rate = models.DecimalField(_("tỷ lệ (%)"), max_digits=14, decimal_places=6, null=True)
    rate_display = models.DecimalField(_("tỷ lệ hiển thị (%)"), max_digits=7, decimal_places=2, null=True)
    points = models.DecimalField(_("điểm"), max_digits=7, decimal_places=2, null=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=7, decimal_places=2)
    # What the indicator adds to the total after N/A redistribution or exclusion (the total is
    # the sum of these); equal to points / max_points when nothing was rescaled. None on rows
    # stored before these columns existed: read them through ``shown_contribution``.
    contribution = models.DecimalField(_("điểm tính vào tổng"), max_digits=7, decimal_places=2, null=True)
    contribution_max = models.DecimalField(
        _("điểm tối đa tính vào tổng"), max_digits=7, decimal_places=2, null=True
    )
    # The points the national portal would show (before N/A rescaling; 0 where we say no data).
    portal_points = models.DecimalField(
        _("điểm theo cách của Cổng DVCQG"), max_digits=7, decimal_places=2, null=True
    )
    target = models.DecimalField(_("chỉ tiêu (%)"), max_digits=7, decimal_places=2, null=True)
    status = models.CharField(_("trạng thái"), max_length=20)
    explanation_vi = models.TextField(_("giải thích"))
    # The same explanation in English; empty on rows stored before it existed.
    explanation_en = models.TextField(_("giải thích (tiếng Anh)"), blank=True, default="", db_default="")
    as_of = models.DateTimeField(_("số liệu tính đến"))

    class Meta:
        ordering = ["framework_version", "period_code", "commune", "indicator_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "commune", "period_code", "indicator_code"],
                name="scoring_indicator_score_unique",
            )
        ]
        verbose_name = _("kết quả chỉ số")
        verbose_name_plural = _("kết quả chỉ số")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.period_code} {self.indicator_code}: {self.points}"

    @property
    def counted_points(self) -> Decimal | None:
        """What the row adds to the total (its points on rows stored before contributions were)."""
        return self.points if self.contribution is None else self.contribution

    @property
    def counted_max(self) -> Decimal:
        """The maximum the row adds to the total (its maximum on rows stored before that was)."""
        return self.max_points if self.contribution_max is None else self.contribution_max

    @property
    def rescaled(self) -> bool:
        """Whether the points counted in the total differ from the indicator's own points."""
        return self.counted_points != self.points or self.counted_max != self.max_points

    @property
    def explanation(self) -> str:
        """The explanation in the active language (Vietnamese where no English was stored)."""
        english = (translation.get_language() or "vi").startswith("en")
        return (self.explanation_en if english else "") or self.explanation_vi


class UnitScore(models.Model):
    """A commune's total, group totals, classification and ranks for a period and framework version."""

    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.CASCADE, related_name="unit_scores"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="unit_scores")
    period_code = models.CharField(_("kỳ"), max_length=16)
    # None when nothing could be scored (no data anywhere and no full-marks indicator).
    total = models.DecimalField(_("tổng điểm"), max_digits=7, decimal_places=2, null=True)
    max_total = models.DecimalField(_("điểm tối đa"), max_digits=7, decimal_places=2)
    group_totals = models.JSONField(_("điểm theo nhóm"), default=dict)
    classification = models.CharField(_("xếp loại"), max_length=30, blank=True)
    classification_label = models.CharField(_("tên xếp loại"), max_length=80, blank=True)
    rank_province = models.PositiveIntegerField(_("hạng trong tỉnh"), null=True)
    rank_peer_group = models.PositiveIntegerField(_("hạng trong nhóm cùng loại"), null=True)
    peer_group_ranks = models.JSONField(_("hạng trong các nhóm tương đồng"), default=dict)
    # Digest of the unit's stored indicator rows: a run rewrites them only when it differs.
    results_digest = models.CharField(_("mã băm kết quả chỉ số"), max_length=32, blank=True, editable=False)
    as_of = models.DateTimeField(_("số liệu tính đến"))

    class Meta:
        ordering = ["framework_version", "period_code", "rank_province", "commune"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "commune", "period_code"], name="scoring_unit_score_unique"
            )
        ]
        indexes = [models.Index(fields=["framework_version", "period_code"])]
        verbose_name = _("điểm xã/phường")
        verbose_name_plural = _("điểm xã/phường")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.period_code}: {self.total}"


class TargetScope(models.TextChoices):
    DEFAULT = "default", _("Mặc định")
    PEER_GROUP = "peer_group", _("Nhóm tương đồng")
    UNIT = "unit", _("Xã/phường")


class Target(models.Model):
    """An indicator's target rate (percent) for a period: default, for a peer group, or for one unit.

    Resolution: a unit's own target beats its peer group's, which beats the default; among a
    commune's several peer groups the one with the smallest code wins (deterministic).
    """

    framework_code = models.CharField(_("mã bộ chỉ số"), max_length=40)
    indicator_code = models.CharField(_("mã chỉ số"), max_length=40)
    period_code = models.CharField(_("kỳ"), max_length=16)
    scope = models.CharField(_("phạm vi"), max_length=12, choices=TargetScope.choices)
    peer_group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, null=True, blank=True)
    value = models.DecimalField(_("chỉ tiêu (%)"), max_digits=7, decimal_places=2)
    generated_from = models.CharField(_("sinh từ kỳ"), max_length=16, blank=True)

    class Meta:
        ordering = ["framework_code", "period_code", "indicator_code", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_code", "indicator_code", "period_code"],
                condition=models.Q(scope="default"),
                name="scoring_target_default_unique",
            ),
            models.UniqueConstraint(
                fields=["framework_code", "indicator_code", "period_code", "peer_group"],
                condition=models.Q(scope="peer_group"),
                name="scoring_target_peer_group_unique",
            ),
            models.UniqueConstraint(
                fields=["framework_code", "indicator_code", "period_code", "commune"],
                condition=models.Q(scope="unit"),
                name="scoring_target_unit_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0, value__lte=100), name="scoring_target_percent"
            ),
        ]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.framework_code} {self.indicator_code} {self.period_code}: {self.value}"
