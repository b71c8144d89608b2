"""Evaluation periods, commune classifications, leader ratings, quota outcomes and consequences."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kpixa.units.models import Commune, Person, PostKind, Province, Tenure


class _BilingualExplanation:
    """``explanation``: the stored explanation in the active language (English when it was stored)."""

    explanation_vi: str
    explanation_en: str

    @property
    def explanation(self) -> str:
        if (get_language() or "").startswith("en") and self.explanation_en:
            return self.explanation_en
        return self.explanation_vi


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    YEAR = "year", _("Năm")
    YTD = "ytd", _("Từ đầu năm đến nay")


class PeriodState(models.TextChoices):
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã khóa số liệu")
    PUBLISHED = "published", _("Đã công bố")
    APPEAL = "appeal", _("Đang khiếu nại")
    FINAL = "final", _("Chính thức")


# Every state but "open" freezes the period's scores: scoring neither recomputes nor refreshes them.
FROZEN_STATES = frozenset({PeriodState.CLOSED, PeriodState.PUBLISHED, PeriodState.APPEAL, PeriodState.FINAL})


class Period(models.Model):
    """An evaluation period of one province (month, quarter, half-year, year or year-to-date)."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="periods", verbose_name=_("tỉnh")
    )
    code = models.CharField(_("mã kỳ"), max_length=16)
    kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=PeriodState.choices, default="open")
    closed_at = models.DateTimeField(_("khóa số liệu lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    # Appeals are accepted through the end of this day (Vietnam time); set on publication.
    appeal_until = models.DateField(_("hạn khiếu nại"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("chính thức lúc"), null=True, blank=True)

    class Meta:
        ordering = ["province", "start", "end"]
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="evaluations_period_unique")]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")

    def __str__(self) -> str:
        return f"{self.code} — {self.province}"

    @property
    def is_closed(self) -> bool:
        """True once the period left the "open" state: its scores are frozen."""
        return self.state in FROZEN_STATES


class CommuneEvaluation(_BilingualExplanation, models.Model):
    """A commune's classification for a period by one framework version (docs/rules.md, "Classification")."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="commune_evaluations")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="evaluations")
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="commune_evaluations"
    )
    total = models.DecimalField(_("tổng điểm"), max_digits=7, decimal_places=2, null=True)
    points_classification = models.CharField(_("xếp loại theo điểm"), max_length=30, blank=True)
    classification = models.CharField(_("xếp loại"), max_length=30, blank=True)
    # Reasons (Vietnamese) of each collective rule that changed the class; empty when none did.
    collective_rules = models.JSONField(_("quy tắc tập thể đã áp dụng"), default=list, blank=True)
    # Tasks = the reported values the commune had to submit for the period (docs/scoring.md);
    # None when it had none, and then the collective rules do not apply.
    tasks_total = models.PositiveIntegerField(_("số nhiệm vụ"), null=True, blank=True)
    tasks_late = models.PositiveIntegerField(_("số nhiệm vụ trễ hạn"), null=True, blank=True)
    explanation_vi = models.TextField(_("giải thích"), blank=True)
    explanation_en = models.TextField(_("giải thích (tiếng Anh)"), blank=True)
    evaluated_at = models.DateTimeField(_("đánh giá lúc"))

    class Meta:
        ordering = ["period", "commune"]
        constraints = [
            models.UniqueConstraint(fields=["period", "commune"], name="evaluations_commune_unique")
        ]
        verbose_name = _("đánh giá xã/phường")
        verbose_name_plural = _("đánh giá xã/phường")

    def __str__(self) -> str:
        return f"{self.commune} {self.period.code}: {self.classification}"


class QuotaOutcome(models.TextChoices):
    NOT_APPLICABLE = "", _("Không xét")
    KEPT = "kept", _("Trong chỉ tiêu xuất sắc")
    DEMOTED = "demoted", _("Vượt chỉ tiêu 20%, hạ xuống tốt")


class LeaderEvaluation(_BilingualExplanation, models.Model):
    """The Decree 335 rating of one accountable leader's tenure in a commune for a period."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="leader_evaluations")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="leader_evaluations")
    tenure = models.ForeignKey(Tenure, on_delete=models.PROTECT, related_name="evaluations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="evaluations")
    post = models.CharField(_("chức vụ"), max_length=20, choices=PostKind.choices)
    # Entered by the evaluating authority (province admin) through services.enter_leader_assessment.
    general_points = models.DecimalField(
        _("điểm tiêu chí chung (0–30)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    a_quantity = models.DecimalField(_("a — số lượng (%)"), max_digits=5, decimal_places=2, null=True)
    b_quality = models.DecimalField(_("b — chất lượng (%)"), max_digits=5, decimal_places=2, null=True)
    c_timeliness = models.DecimalField(_("c — tiến độ (%)"), max_digits=5, decimal_places=2, null=True)
    d_unit_result = models.DecimalField(
        _("d — kết quả đơn vị (%)"), max_digits=5, decimal_places=2, null=True
    )
    dd_organising = models.DecimalField(
        _("đ — năng lực tổ chức thực hiện (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    e_uniting = models.DecimalField(
        _("e — năng lực đoàn kết, tập hợp (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    abc_entered = models.BooleanField(_("a, b, c do cấp có thẩm quyền nhập"), default=False)
    result_points = models.DecimalField(_("điểm kết quả (0–70)"), max_digits=5, decimal_places=2, null=True)
    total = models.DecimalField(_("tổng điểm"), max_digits=5, decimal_places=2, null=True)
    points_classification = models.CharField(_("xếp loại theo điểm"), max_length=30, blank=True)
    classification = models.CharField(_("xếp loại"), max_length=30, blank=True)
    capped_by_unit = models.BooleanField(_("bị giới hạn bởi xếp loại đơn vị"), default=False)
    days_served = models.PositiveIntegerField(_("số ngày giữ chức trong kỳ"), default=0)
    served_share = models.DecimalField(
        _("tỷ lệ thời gian giữ chức"), max_digits=5, decimal_places=4, default=1
    )
    judged = models.BooleanField(_("đủ thời gian để đánh giá"), default=True)
    quota_outcome = models.CharField(
        _("kết quả chỉ tiêu xuất sắc"), max_length=10, choices=QuotaOutcome.choices, blank=True
    )
    explanation_vi = models.TextField(_("giải thích"), blank=True)
    explanation_en = models.TextField(_("giải thích (tiếng Anh)"), blank=True)
    evaluated_at = models.DateTimeField(_("đánh giá lúc"), null=True)

    class Meta:
        ordering = ["period", "commune", "post", "tenure"]
        constraints = [models.UniqueConstraint(fields=["period", "tenure"], name="evaluations_leader_unique")]
        verbose_name = _("đánh giá lãnh đạo")
        verbose_name_plural = _("đánh giá lãnh đạo")

    def __str__(self) -> str:
        return f"{self.person} ({self.get_post_display()}) {self.period.code}: {self.classification}"

    @property
    def entered(self) -> bool:
        """True when the authority has entered the general points, đ and e."""
        return None not in (self.general_points, self.dd_organising, self.e_uniting)


class ConsequenceKind(models.TextChoices):
    WARNING = "warning", _("Cảnh báo")
    TRANSFER_OR_RELIEF = "transfer_or_relief", _("Điều chuyển hoặc cho thôi chức")
    DISMISSAL = "dismissal", _("Miễn nhiệm, cho thôi việc")
    REG377_RELIEF = "reg377_relief", _("Cho thôi chức theo Quy định 377")


class ConsequenceStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    ACCEPTED = "accepted", _("Chấp nhận")
    REJECTED = "rejected", _("Không chấp nhận")


class Consequence(models.Model):
    """A consequence the platform proposes with its reason; people accept or reject it."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="consequences")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="consequences")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="consequences"
    )
    post = models.CharField(_("chức vụ"), max_length=20, choices=PostKind.choices, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=ConsequenceKind.choices)
    rule_code = models.CharField(_("mã quy tắc"), max_length=40)
    reason_vi = models.TextField(_("lý do"))
    # The indicators behind the proposal (failed their target or cost the commune most points),
    # each with the post and person that owned it on the period's end date (an empty post: a gap):
    # [{"code", "name_vi", "name_en", "post", "field", "person_id", "person_name"}]
    # (docs/rules.md, "Owners cited by evaluations and consequences").
    indicator_owners = models.JSONField(_("người phụ trách chỉ số"), default=list, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ConsequenceStatus.choices, default=ConsequenceStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("đề xuất lúc"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ghi chú quyết định"), blank=True)

    class Meta:
        ordering = ["period", "commune", "kind", "post"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "commune", "person", "kind", "rule_code"],
                name="evaluations_consequence_unique",
            )
        ]
        verbose_name = _("đề xuất xử lý")
        verbose_name_plural = _("đề xuất xử lý")

    def __str__(self) -> str:
        subject = self.person or self.commune
        return f"{self.get_kind_display()}: {subject} ({self.period.code})"


class ProvincePolicy(models.Model):
    """A province's choices where the rules leave room (docs/rules.md, "Leaders" and "Consequences"):
    "cùng lên đường" on or off, the peer groups the excellent quota is counted in, and the leader
    framework it rates leaders by."""

    province = models.OneToOneField(Province, on_delete=models.CASCADE, related_name="evaluation_policy")
    # None follows the framework's evaluation rules (``joint_departure_enabled``).
    joint_departure = models.BooleanField(
        _("cùng lên đường: đề xuất cả Bí thư và Chủ tịch khi xã không hoàn thành"), null=True, blank=True
    )
    # Peer group codes in priority order: each commune's quota group is the first of these it
    # belongs to; a commune in none (or an empty list) is counted with its kind (xã/phường/đặc khu).
    quota_peer_groups = models.JSONField(
        _("nhóm tương đồng tính chỉ tiêu xuất sắc (theo thứ tự ưu tiên)"), default=list, blank=True
    )
    # The leader framework whose version in force gives the Decree 335 formula (blank: the engine's).
    leader_framework_code = models.CharField(
        _("bộ chỉ số chấm điểm lãnh đạo"), max_length=40, default="leader_nd335", blank=True
    )
    # The joint-accountability policy ("cùng lên đường") as the province states it: its own text,
    # its period (the year by default) and its threshold, which no source gives: without one the
    # rule proposes nothing (docs/rules.md, "Evaluation of communes and leaders").
    joint_departure_citation = models.CharField(
        _("văn bản của tỉnh về cùng lên đường"), max_length=300, blank=True
    )
    joint_departure_period = models.CharField(
        _("kỳ xét cùng lên đường"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    joint_departure_below_total = models.DecimalField(
        _("ngưỡng điểm cùng lên đường (dưới ngưỡng)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("chính sách đánh giá của tỉnh")
        verbose_name_plural = _("chính sách đánh giá của tỉnh")

    def __str__(self) -> str:
        return str(self.province)

    def clean(self) -> None:
        """Joint departure on needs the province's text and threshold (no source gives one)."""
        from django.core.exceptions import ValidationError

        if self.joint_departure and (
            not self.joint_departure_citation.strip() or self.joint_departure_below_total is None
        ):
            raise ValidationError(_("Chính sách cùng lên đường cần văn bản của tỉnh và ngưỡng điểm."))


class SnapshotImmutable(Exception):
    """Raised when code tries to change or delete a published snapshot."""


class Snapshot(models.Model):
    """An immutable, hash-identified copy of all results of a published period (one per revision).

    Revision 1 is the publication; each upheld appeal adds a revision with the diff it made.
    Rows are never updated or deleted: ``save`` and ``delete`` refuse, and a database trigger
    refuses UPDATE and DELETE as well.
    """

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="snapshots")
    revision = models.PositiveIntegerField(_("lần công bố"))
    content = models.JSONField(_("nội dung"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_revision"
    )
    changes = models.JSONField(_("thay đổi so với lần trước"), default=list, blank=True)
    explanation_vi = models.TextField(_("giải thích"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["period", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["period", "revision"], name="evaluations_snapshot_unique")
        ]
        # PostgreSQL; SQLite has the same guards from migration 0006 (see evaluations.guard).
        triggers = [
            pgtrigger.Protect(name="snapshot_insert", operation=pgtrigger.Insert),
            pgtrigger.Protect(name="snapshot_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name="snapshot_delete", operation=pgtrigger.Delete),
            pgtrigger.Trigger(
                name="snapshot_truncate",
                when=pgtrigger.Before,
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;",
            ),
        ]
        verbose_name = _("bản công bố")
        verbose_name_plural = _("bản công bố")

    def __str__(self) -> str:
        return f"{self.period} r{self.revision} {self.sha256[:12]}"

    def save(self, *args: object, **kwargs: object) -> None:
        """Insert once; refuse any later save."""
        if self.pk is not None or not self._state.adding:
            raise SnapshotImmutable("a published snapshot cannot change")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        """Always refuse: a published snapshot is kept for ever."""
        raise SnapshotImmutable("a published snapshot cannot be deleted")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Đang xem xét")
    UPHELD = "upheld", _("Chấp nhận")
    REJECTED = "rejected", _("Không chấp nhận")


class Appeal(models.Model):
    """A commune leader's appeal against one indicator of a published result."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="appeals")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="appeals")
    framework_code = models.CharField(_("bộ chỉ số"), max_length=60)
    indicator_code = models.CharField(_("mã chỉ số"), max_length=40)
    reason = models.TextField(_("lý do khiếu nại"))
    evidence_name = models.CharField(_("tệp minh chứng"), max_length=255, blank=True)
    evidence_stored = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("gửi lúc"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("giải quyết lúc"), null=True, blank=True)
    decision_reason = models.TextField(_("lý do giải quyết"), blank=True)
    corrected_points = models.DecimalField(
        _("điểm sau điều chỉnh"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    revision = models.OneToOneField(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="from_appeal"
    )

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("khiếu nại")
        verbose_name_plural = _("khiếu nại")

    def __str__(self) -> str:
        return f"{self.commune} {self.framework_code} {self.indicator_code} ({self.status})"


class InputKind(models.TextChoices):
    """The kinds of evaluation input the texts need (docs/rules.md, "Evaluation of communes and leaders")."""

    TASKS_ASSIGNED = "tasks_assigned", _("Số nhiệm vụ được giao")
    TASKS_COMPLETED = "tasks_completed", _("Số nhiệm vụ hoàn thành")
    TASKS_ON_TIME = "tasks_on_time", _("Số nhiệm vụ hoàn thành đúng hạn")
    TASKS_EXCEEDED = "tasks_exceeded", _("Số nhiệm vụ vượt yêu cầu")
    QUALITY_ERRORS = "quality_errors", _("Số sai sót lớn (không do nguyên nhân khách quan)")
    DISCIPLINE = "discipline", _("Kỷ luật")
    DEGRADATION = "degradation", _("Kết luận suy thoái")
    CORRUPTION_IN_UNIT = "corruption_in_unit", _("Tham ô, tham nhũng, lãng phí trong đơn vị phụ trách")
    SUBORDINATES_NOT_COMPLETED = "subordinates_not_completed", _("Số công chức thuộc quyền không hoàn thành")
    SUBORDINATES_DISCIPLINED = "subordinates_disciplined", _("Số tổ chức, cá nhân trực thuộc bị kỷ luật")
    LOW_CONFIDENCE_SHARE = "low_confidence_share", _("Tỷ lệ phiếu tín nhiệm thấp (%)")
    GENERAL_POINTS = "general_points", _("Điểm tiêu chí chung (0–30)")
    ORGANISING = "organising", _("Năng lực tổ chức thực hiện nhiệm vụ (%)")
    UNITING = "uniting", _("Năng lực tập hợp, đoàn kết (%)")
    TARGETS_PERCENT = "targets_percent", _("Tỷ lệ chỉ tiêu, nhiệm vụ năm hoàn thành (%)")
    BASIC_TARGET_MISSED = "basic_target_missed", _("Chỉ tiêu kinh tế - xã hội cơ bản không đạt")
    SLOW_PETITIONS = "slow_petitions", _("Kết luận chậm giải quyết kiến nghị")
    SECURITY_HOT_SPOT = "security_hot_spot", _("Điểm nóng an ninh, trật tự kéo dài")
    FORCE_MAJEURE = "force_majeure", _("Lý do bất khả kháng được xác nhận")


class EvaluationInput(models.Model):
    """One fact an evaluation needs, for a commune (post blank) or one of its leaders, entered or
    imported with its date, note and evidence; every change is audited
    (``kpixa.evaluations.services.inputs``).

    ``key`` identifies the fact within the period and commune (post, person, kind, and the date for
    kinds that may occur several times), so the same file imported twice changes nothing."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="inputs")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="evaluation_inputs")
    post = models.CharField(_("chức vụ"), max_length=20, choices=PostKind.choices, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluation_inputs"
    )
    kind = models.CharField(_("loại"), max_length=30, choices=InputKind.choices)
    value = models.CharField(_("giá trị"), max_length=40)
    day = models.DateField(_("ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.CharField(_("căn cứ (văn bản, quyết định)"), max_length=300, blank=True)
    # The evidence file, checked by content and stored privately under a random name
    # (kpixa/reporting/evidence.py); the uploader's name is only its display label.
    evidence_file_name = models.CharField(_("tệp minh chứng"), max_length=255, blank=True)
    evidence_file_stored = models.CharField(max_length=255, blank=True, editable=False)
    evidence_file_type = models.CharField(max_length=100, blank=True, editable=False)
    evidence_file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    key = models.CharField(max_length=120, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("nhập lúc"))

    class Meta:
        ordering = ["period", "commune", "post", "kind", "day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "commune", "key"], name="evaluations_input_unique")
        ]
        verbose_name = _("dữ liệu đánh giá")
        verbose_name_plural = _("dữ liệu đánh giá")

    def __str__(self) -> str:
        return f"{self.commune} {self.post or '-'} {self.kind}={self.value}"


class InputRejection(models.Model):
    """A row of an evaluation-input file that was refused: its row (the spreadsheet's line), the
    column at fault, the reason and the raw row as read, kept for the province to fix and import
    again (``kpixa.evaluations.services.inputs``). ``digest`` identifies the refusal (row, column, reason
    and raw row), so the same file imported twice keeps it once."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="input_rejections")
    row = models.PositiveIntegerField(_("dòng"))
    field = models.CharField(_("cột"), max_length=40, blank=True)
    reason_vi = models.CharField(_("lý do"), max_length=500)
    raw = models.JSONField(_("dòng gốc"))
    digest = models.CharField(max_length=64, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("nhập lúc"))

    class Meta:
        ordering = ["period", "imported_at", "row", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "digest"], name="evaluations_input_rejection_unique")
        ]
        verbose_name = _("dòng dữ liệu đánh giá bị từ chối")
        verbose_name_plural = _("dòng dữ liệu đánh giá bị từ chối")

    def __str__(self) -> str:
        return f"{self.period.code}:{self.row} {self.reason_vi}"


class QuotaException(models.Model):
    """A recorded decision excepting a quota group of a period from the 20% excellent quota
    (an outstanding organisation; Decree 335/2025/NĐ-CP, clause on the quota, point b)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="quota_exceptions")
    group = models.CharField(_("nhóm"), max_length=80)
    decision = models.CharField(_("quyết định"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "group"], name="evaluations_quota_exception_unique")
        ]
        verbose_name = _("ngoại lệ tỷ lệ xuất sắc")
        verbose_name_plural = _("ngoại lệ tỷ lệ xuất sắc")

    def __str__(self) -> str:
        return f"{self.period.code} {self.group}: {self.decision}"


class RegimeEvaluation(models.Model):
    """The communes and leaders of a period evaluated under the texts (Decree 335, Regulation 366,
    Regulation 377, the province's policy) from one commune framework's totals and the entered
    inputs: the exported content (``kpixa.evaluations.services.legal``)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="regime_evaluations")
    framework_code = models.CharField(_("bộ chỉ số"), max_length=40)
    content = models.JSONField(_("nội dung"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("đánh giá lúc"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "framework_code"], name="evaluations_regime_unique")
        ]
        verbose_name = _("đánh giá theo văn bản")
        verbose_name_plural = _("đánh giá theo văn bản")

    def __str__(self) -> str:
        return f"{self.period.code} {self.framework_code}"


class RegimeProposalDecision(models.Model):
    """A person's decision on one proposal of an evaluation under the texts. Kept apart from the
    evaluation's content (a decision never edits it) and keyed by the proposal's identity (commune,
    post, person, kind, rule), so that re-running ``evaluate`` keeps the decisions of the
    proposals that are still made."""

    evaluation = models.ForeignKey(RegimeEvaluation, on_delete=models.CASCADE, related_name="decisions")
    key = models.CharField(_("mã đề xuất"), max_length=40)
    identity = models.JSONField(_("đề xuất"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=ConsequenceStatus.choices)
    note = models.TextField(_("ghi chú quyết định"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="evaluations_regime_decision_unique")
        ]
        verbose_name = _("quyết định về đề xuất theo văn bản")
        verbose_name_plural = _("quyết định về đề xuất theo văn bản")

    def __str__(self) -> str:
        return f"{self.evaluation} {self.key}: {self.status}"
