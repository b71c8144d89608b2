"""Users with one role and one unit scope, API tokens for integration clients, the audit log."""

from __future__ import annotations

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")
    PROVINCE_VIEWER = "province_viewer", _("Theo dõi cấp tỉnh")
    COMMUNE_LEADER = "commune_leader", _("Lãnh đạo xã")
    COMMUNE_OFFICER = "commune_officer", _("Công chức xã")


PROVINCE_ROLES = (Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER)
COMMUNE_ROLES = (Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER)


class User(AbstractUser):
    """A person who logs in, with one role scoped to one province or one commune."""

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    province = models.ForeignKey(
        "units.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("tỉnh"),
    )
    commune = models.ForeignKey(
        "units.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("xã/phường"),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def get_full_name(self) -> str:
        """The name in Vietnamese order: family and middle names (``last_name``), then the given
        name (``first_name``); a name is data, shown as entered in every language."""
        return f"{self.last_name} {self.first_name}".strip()

    def clean(self) -> None:
        """Check the role's scope: province roles name a province and no commune; commune roles name
        a commune, whose province becomes the user's province."""
        super().clean()
        if self.role in PROVINCE_ROLES:
            self._clean_province_scope()
        elif self.role in COMMUNE_ROLES:
            self._clean_commune_scope()
        elif self.role == "" and not self.is_superuser and (self.province_id or self.commune_id):
            raise ValidationError({"role": _("Hãy chọn vai trò cho phạm vi đã chọn.")})

    def _clean_province_scope(self) -> None:
        errors = {}
        if self.province_id is None:
            errors["province"] = _("Vai trò cấp tỉnh cần chọn tỉnh.")
        if self.commune_id is not None:
            errors["commune"] = _("Vai trò cấp tỉnh không gắn với xã/phường.")
        if errors:
            raise ValidationError(errors)

    def _clean_commune_scope(self) -> None:
        commune = self.commune if self.commune_id is not None else None
        if commune is None:
            raise ValidationError({"commune": _("Vai trò cấp xã cần chọn xã/phường.")})
        self.province_id = commune.province_id


class ApiToken(models.Model):
    """A write-only ingest token of an integration client, bound to one province."""

    name = models.CharField(_("tên hệ thống"), max_length=120)
    system = models.CharField(_("mã hệ thống nguồn"), max_length=60)
    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("tỉnh")
    )
    prefix = models.CharField(_("tiền tố"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEntry(models.Model):
    """One append-only, hash-chained record of a state change: who, when, what, before, after, why."""

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    # PROTECT: the actor is part of the hashed content, so a user with entries is deactivated, never
    # deleted (SET_NULL would rewrite the entry, which the append-only trigger refuses).
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("người thực hiện")
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=200)
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=80, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=120, blank=True)
    province_code = models.CharField(_("tỉnh"), max_length=8, blank=True, db_index=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        # Append-only on PostgreSQL; SQLite has the same guards from migration 0003 (see
        # evaluations.guard, whose ``allowed(FLUSH)`` alone lets a whole-database flush through).
        triggers = [
            pgtrigger.Protect(name="audit_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name="audit_delete", operation=pgtrigger.Delete),
            pgtrigger.Trigger(
                name="audit_truncate",
                when=pgtrigger.Before,
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;",
            ),
        ]
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class NotificationKind(models.TextChoices):
    SUBMISSION_DUE = "submission_due", _("Sắp đến hạn nộp số liệu")
    VALUE_REJECTED = "value_rejected", _("Số liệu bị trả lại")
    VALUE_APPROVED = "value_approved", _("Số liệu đã được duyệt")
    RESULT_PUBLISHED = "result_published", _("Kết quả đã công bố")
    APPEAL_DECIDED = "appeal_decided", _("Khiếu nại đã được giải quyết")
    CONSEQUENCE_PROPOSED = "consequence_proposed", _("Đề xuất xử lý")
    EARLY_WARNING = "early_warning", _("Cảnh báo sớm trong kỳ")


class Notification(models.Model):
    """A message to one user shown in the app (and e-mailed where configured); read once opened."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người nhận")
    )
    kind = models.CharField(_("loại"), max_length=30, choices=NotificationKind.choices)
    message_vi = models.TextField(_("nội dung"))
    message_en = models.TextField(_("nội dung tiếng Anh"), blank=True)
    link = models.CharField(_("liên kết"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)
    emailed = models.BooleanField(_("đã gửi thư"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.message_vi[:40]}"

    @property
    def message(self) -> str:
        """The message in the active language: the English text when English is active and the
        notification was written in English too, else the Vietnamese one."""
        english = (translation.get_language() or "vi").startswith("en")
        return self.message_en if english and self.message_en else self.message_vi
