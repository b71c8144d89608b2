"""Procedure catalogue, dossiers with their per-dossier facts, petitions, ratings, import jobs,
quarantine, flags and the per-(commune, day, measure) rollups (docs/dossier-format.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class LimitUnit(models.TextChoices):
    HOURS = "gio", _("giờ")
    DAYS = "ngay", _("ngày")
    WORKING_DAYS = "ngay_lam_viec", _("ngày làm việc")
    MONTHS = "thang", _("tháng")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính, TTHC) of the catalogue with its time limit."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    level = models.CharField(_("cấp thực hiện"), max_length=40, blank=True)
    limit_value = models.FloatField(_("thời hạn giải quyết"), null=True, blank=True)
    limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    cutoff_hour = models.PositiveSmallIntegerField(_("giờ chốt trong ngày"), null=True, blank=True)
    fee_bearing = models.BooleanField(_("có phí, lệ phí"), default=False)
    paper_result = models.BooleanField(_("trả kết quả giấy"), default=True)
    e2e_eligible = models.BooleanField(_("đủ điều kiện trực tuyến toàn trình"), default=False)
    field_code = models.CharField(_("mã lĩnh vực"), max_length=40, blank=True)
    field_name = models.CharField(_("tên lĩnh vực"), max_length=200, blank=True)
    verified = models.BooleanField(_("đã xác minh"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang xử lý")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class RecordKind(models.TextChoices):
    DOSSIER = "dossier", _("Hồ sơ")
    PETITION = "petition", _("Phản ánh, kiến nghị")
    RATING = "rating", _("Đánh giá")


class ImportBatch(models.Model):
    """One import job (a file or an API call): its source, status, progress and counts."""

    kind = models.CharField(_("loại dữ liệu"), max_length=10, choices=RecordKind.choices)
    source_system = models.CharField(_("hệ thống nguồn"), max_length=60)
    channel = models.CharField(_("đường nhận"), max_length=10, default="file")  # file | web | api
    file_name = models.CharField(_("tệp"), max_length=300, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    file_format = models.CharField(_("định dạng"), max_length=8, blank=True)
    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tỉnh")
    )
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("xã/phường")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("tổng số bản ghi"), null=True, blank=True)
    read = models.PositiveIntegerField(_("đã đọc"), default=0)
    created = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    ignored = models.PositiveIntegerField(_("bỏ qua (bản cũ hơn)"), default=0)
    rejected = models.PositiveIntegerField(_("bị từ chối"), default=0)
    flagged = models.PositiveIntegerField(_("cần lưu ý"), default=0)
    queued_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # A correction sent while deciding an appeal (kpixa/dossiers/services/authority.py): the only way a
    # dossier's outcome in a closed period may turn from late to on time.
    appeal = models.ForeignKey(
        "evaluations.Appeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("khiếu nại"),
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"])]
        verbose_name = _("lô nhập dữ liệu")
        verbose_name_plural = _("lô nhập dữ liệu")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name or self.channel}"

    def counts(self) -> dict[str, int]:
        """The closing summary of the batch, as a plain dict."""
        return {
            name: getattr(self, name)
            for name in ("read", "created", "updated", "unchanged", "ignored", "rejected", "flagged")
        }


class SourceKind(models.TextChoices):
    OFFICIAL = "official", _("Chính thức (hệ thống một cửa)")
    LOCAL = "local", _("Số liệu riêng của xã")


# How kpixa names a commune's local source when it registers it (kpixa/dossiers/services/authority.py).
LOCAL_NAME_PREFIX = "Số liệu riêng của "


class SourceSystem(models.Model):
    """A registered source of records and what it may write (docs/dossier-format.md, "Source
    systems and authority").

    An *official* system (a provincial one-stop system) is written through its API token, by the
    server operator's imports or by a province administrator, within the writer's province. A
    *local* source belongs to one commune: only that commune's users write it, and its records
    can never replace or change an official record.
    """

    code = models.CharField(_("mã hệ thống nguồn"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200, blank=True)
    kind = models.CharField(_("loại nguồn"), max_length=10, choices=SourceKind.choices)
    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tỉnh")
    )
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("xã/phường")
    )
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="official", commune__isnull=True)
                | models.Q(kind="local", commune__isnull=False),
                name="dossiers_source_kind_scope",
            )
        ]
        verbose_name = _("hệ thống nguồn")
        verbose_name_plural = _("hệ thống nguồn")

    def __str__(self) -> str:
        return f"{self.code} ({self.get_kind_display()})"

    @property
    def shown_name(self) -> str:
        """The name in the active language: a local source's name is written by kpixa when it is
        registered ("Số liệu riêng của <commune>", kpixa/dossiers/services/authority.py), so it is shown
        translated around the commune's name; any other name is data, shown as stored."""
        prefix = LOCAL_NAME_PREFIX
        if self.kind == SourceKind.LOCAL and self.name.startswith(prefix):
            return gettext("Số liệu riêng của %(name)s") % {"name": self.name.removeprefix(prefix)}
        return self.name


class Dossier(models.Model):
    """One administrative dossier (hồ sơ TTHC) as last received, with its facts computed at ingest."""

    source_system = models.CharField(_("hệ thống nguồn"), max_length=60)
    ma_ho_so = models.CharField(_("mã hồ sơ"), max_length=100)
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("xã/phường")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("thủ tục")
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40, blank=True)
    unit_code = models.CharField(_("đơn vị xử lý (mã gửi)"), max_length=80, blank=True)
    channel = models.PositiveSmallIntegerField(_("kênh thực hiện"), default=1)
    status = models.PositiveSmallIntegerField(_("trạng thái"))
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"))
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    refused_at = models.DateTimeField(_("ngày từ chối"), null=True, blank=True)
    # Personal data kept for follow-up only (docs/dossier-format.md, "Personal data").
    owner_name = models.CharField(_("chủ hồ sơ"), max_length=200, blank=True)
    owner_phone = models.CharField(_("số điện thoại"), max_length=30, blank=True)
    owner_id_masked = models.CharField(_("số giấy tờ (che)"), max_length=30, blank=True)
    steps = models.JSONField(_("tiến trình xử lý"), default=list)
    supplements = models.JSONField(_("yêu cầu bổ sung"), default=list)
    # Facts (docs/rules.md, "Dossier outcome"), computed once at ingest by kpixa.dossiers.facts.
    effective_due_at = models.DateTimeField(_("hạn xử lý hiệu lực"), null=True, blank=True)
    due_source = models.CharField(max_length=20, blank=True)
    wait_seconds = models.BigIntegerField(_("thời gian chờ công dân (giây)"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    supplement_open = models.BooleanField(_("đang chờ bổ sung"), default=False)
    end_at = models.DateTimeField(_("kết thúc xử lý (hiệu lực)"), null=True, blank=True)
    end_source = models.CharField(max_length=30, blank=True)
    on_time = models.BooleanField(_("đúng hạn"), null=True)
    overdue_at = models.DateTimeField(_("quá hạn từ"), null=True, blank=True)
    received_day = models.DateField()
    end_day = models.DateField(null=True, blank=True)
    overdue_day = models.DateField(null=True, blank=True)
    online = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    fee_bearing = models.BooleanField(default=False)
    e2e_eligible = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    vneid = models.BooleanField(default=False)
    # DSKetNoiCSDL names a national database (records.resident_data_used); None for a dossier
    # stored before kpixa read the field: unknown, so its period's 6.7 is not measurable.
    resident_data_used = models.BooleanField(null=True, default=None)
    late_receipt = models.BooleanField(default=False)
    synced_on_time = models.BooleanField(default=True)
    certification = models.BooleanField(default=False)  # a procedure of the field chứng thực
    version_at = models.DateTimeField(_("thời điểm thay đổi cuối"))
    version_hash = models.CharField(max_length=32)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True)
    ingested_at = models.DateTimeField(_("nhận lúc"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "ma_ho_so"], name="dossiers_identity")
        ]
        indexes = [
            models.Index(fields=["commune", "received_day"]),
            models.Index(fields=["ma_ho_so"]),
            # The dossiers still open on a day (early warning): not ended, or ended after it.
            models.Index(fields=["commune", "end_day"]),
            # The dossiers not ended, counted by overdue day without reading their rows (early warning).
            models.Index(
                fields=["commune", "overdue_day", "received_day"],
                condition=models.Q(end_day__isnull=True),
                name="dossiers_open_overdue_day",
            ),
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return self.ma_ho_so


class DossierVersion(models.Model):
    """The version of a dossier that a batch replaced: who, when, which batch and the field-level
    diff, from which the previous values follow (docs/dossier-format.md, "History"). Written
    set-based by the ingest (kpixa/dossiers/services/history.py), one row per replaced dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="versions")
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="+", verbose_name=_("lô thay đổi")
    )
    previous_batch_id = models.BigIntegerField(_("lô của bản trước"), null=True, blank=True)
    changed_at = models.DateTimeField(_("thay đổi lúc"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("người thay đổi"), max_length=200)
    # {field: [before, after]} of the fields the batch changed; the previous version is the next
    # version's values (or the dossier's) with these "before" values (history.as_before).
    changes = models.JSONField(_("trường thay đổi"))

    class Meta:
        ordering = ["dossier_id", "id"]
        verbose_name = _("phiên bản hồ sơ")
        verbose_name_plural = _("phiên bản hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}@{self.batch_id}"


class SupersededRecord(models.Model):
    """A commune's local record of a key an official system then sent: removed from the counted
    records so the dossier never counts twice, and kept here in full — its values and its kept
    versions — with the official batch that superseded it, when and by whom
    (kpixa/dossiers/services/authority.py, ``supersede_local``; docs/dossier-format.md, "Source systems and
    authority")."""

    kind = models.CharField(_("loại bản ghi"), max_length=10, default="dossier")
    source_system = models.CharField(_("nguồn số liệu riêng"), max_length=60)
    key = models.CharField(_("mã"), max_length=100)
    commune = models.ForeignKey("units.Commune", on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(_("giá trị đã lưu"))
    versions = models.JSONField(_("các phiên bản trước"), default=list)
    previous_batch_id = models.BigIntegerField(_("lô của bản ghi riêng"), null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="+", verbose_name=_("lô chính thức thay thế")
    )
    superseded_at = models.DateTimeField(_("thay thế lúc"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("người gửi bản chính thức"), max_length=200)

    class Meta:
        ordering = ["-superseded_at", "-id"]
        indexes = [models.Index(fields=["key"])]
        verbose_name = _("bản ghi riêng đã được thay thế")
        verbose_name_plural = _("bản ghi riêng đã được thay thế")

    def __str__(self) -> str:
        return f"{self.source_system}:{self.key}"


class RecordVersion(models.Model):
    """The version of a petition or a rating that a write replaced, kept by a database trigger
    on every UPDATE that changes the row (bulk upserts send no Django signals): the batch that
    wrote the new version (who: its writer), the batch of the replaced one, when, and both rows
    in full, from which what changed follows (kpixa/dossiers/services/history.py, ``record_versions``;
    migration 0009 installs the triggers on PostgreSQL and SQLite)."""

    kind = models.CharField(_("loại bản ghi"), max_length=10)  # petition | rating
    record_id = models.BigIntegerField(_("bản ghi"))
    batch_id = models.BigIntegerField(_("lô thay đổi"), null=True, blank=True)
    previous_batch_id = models.BigIntegerField(_("lô của bản trước"), null=True, blank=True)
    changed_at = models.DateTimeField(_("thay đổi lúc"))
    before_values = models.JSONField(_("bản trước"))
    after_values = models.JSONField(_("bản sau"))

    class Meta:
        ordering = ["kind", "record_id", "id"]
        indexes = [models.Index(fields=["kind", "record_id"])]
        verbose_name = _("phiên bản phản ánh, đánh giá")
        verbose_name_plural = _("phiên bản phản ánh, đánh giá")

    def __str__(self) -> str:
        return f"{self.kind}:{self.record_id}@{self.batch_id}"


class Petition(models.Model):
    """A citizen petition (phản ánh, kiến nghị — PAKN) handled by a commune."""

    source_system = models.CharField(_("hệ thống nguồn"), max_length=60)
    code = models.CharField(_("mã PAKN"), max_length=100)
    commune = models.ForeignKey("units.Commune", on_delete=models.PROTECT, related_name="petitions")
    title = models.CharField(_("tiêu đề"), max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(_("trạng thái"), default=1)
    received_at = models.DateTimeField(_("ngày tiếp nhận"))
    due_at = models.DateTimeField(_("hạn xử lý"))
    handled_at = models.DateTimeField(_("ngày xử lý xong"), null=True, blank=True)
    on_time = models.BooleanField(null=True)
    count_day = models.DateField()
    version_at = models.DateTimeField()
    version_hash = models.CharField(max_length=32)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "code"], name="dossiers_petition_identity")
        ]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")

    def __str__(self) -> str:
        return self.code


class Rating(models.Model):
    """A citizen's satisfaction rating of a dossier's or a petition's handling."""

    source_system = models.CharField(_("hệ thống nguồn"), max_length=60)
    code = models.CharField(_("mã đánh giá"), max_length=100)
    commune = models.ForeignKey("units.Commune", on_delete=models.PROTECT, related_name="ratings")
    subject = models.CharField(_("đối tượng"), max_length=10)  # dossier | petition
    subject_code = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(_("mức độ hài lòng"))
    rated_at = models.DateTimeField(_("ngày đánh giá"))
    rated_day = models.DateField()
    satisfied = models.BooleanField(default=False)
    version_at = models.DateTimeField()
    version_hash = models.CharField(max_length=32)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "code"], name="dossiers_rating_identity")
        ]
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")

    def __str__(self) -> str:
        return self.code


class Rejection(models.Model):
    """A rejected input record kept in quarantine with the reason, until fixed and re-submitted."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejections")
    row = models.PositiveIntegerField(_("dòng"))
    record_key = models.CharField(_("mã bản ghi"), max_length=100, blank=True)
    field = models.CharField(_("trường"), max_length=60, blank=True)
    value = models.CharField(_("giá trị"), max_length=300, blank=True)
    reason_vi = models.CharField(_("lý do"), max_length=500)
    raw = models.JSONField(_("bản ghi gốc"))
    resubmitted = models.BooleanField(_("đã gửi lại"), default=False)
    resubmitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "row"]
        verbose_name = _("bản ghi bị từ chối")
        verbose_name_plural = _("bản ghi bị từ chối")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row} {self.reason_vi}"

    def position(self) -> str:
        """Where the record is in what was sent, as the sender sees it (``row_position``)."""
        return row_position(self.batch.file_format, self.row)


# Formats whose first line is a header: the record numbered ``row`` is on line row + 1, as a
# spreadsheet numbers its rows (docs/dossier-format.md, "Rejections").
HEADER_FORMATS = ("csv", "xlsx")


def file_line(file_format: str, row: int) -> int | None:
    """The line of the file holding record ``row`` (1 = the first record): row + 1 below a
    header, the line of a JSON Lines file (blank lines aside), None for a JSON document or an API call."""
    if file_format in HEADER_FORMATS:
        return row + 1
    return row if file_format == "jsonl" else None


def row_position(file_format: str, row: int) -> str:
    """The position of record ``row`` in words: "Dòng 2 của tệp (dòng dữ liệu thứ 1)" below a
    header, "Dòng 3 của tệp" in JSON Lines, "Bản ghi thứ 4" in a JSON document or an API call."""
    line = file_line(file_format, row)
    if line is None:
        return gettext("Bản ghi thứ %(row)s") % {"row": row}
    if file_format in HEADER_FORMATS:
        return gettext("Dòng %(line)s của tệp (dòng dữ liệu thứ %(row)s)") % {"line": line, "row": row}
    return gettext("Dòng %(line)s của tệp") % {"line": line}


# Flag messages: Vietnamese templates marked for translation. A flag stores its template id
# ("t") and values in ``params`` and its Vietnamese text in ``message_vi``; pages show
# ``Flag.message()``, translated into the reader's language.
FLAG_TEMPLATES: dict[str, str] = {
    "unknown_procedure": gettext_noop(
        "Mã thủ tục '%(code)s' chưa có trong danh mục: đã thêm ở dạng chưa xác minh."
    ),
    "closed_late": gettext_noop(
        "%(key)s: Hồ sơ kết thúc %(days)s ngày sau khi tiếp nhận (hơn %(limit)s ngày)."
    ),
    "no_end": gettext_noop("%(key)s: Trạng thái đã kết thúc nhưng không có thời điểm kết thúc xử lý."),
    "no_due": gettext_noop("%(key)s: Không có ngày hẹn trả và thủ tục chưa có thời hạn giải quyết."),
    "declared_total": gettext_noop("Tổng số khai báo %(declared)s khác số bản ghi nhận được %(read)s."),
    "declared_parts": gettext_noop(
        "Số liệu khai báo không khớp: %(detail)s = %(total)s ≠ %(whole)s %(value)s."
    ),
    "declared_count_unread": gettext_noop(
        "Số hồ sơ khai báo theo đơn vị thứ %(index)s không đọc được (%(why)s): bỏ qua."
    ),
    # How a record was read (kpixa.dossiers.records.Note), also in the API's per-record notes.
    "default_date": gettext_noop(
        "%(key)s: Trường %(field)s mang ngày mặc định '%(raw)s' của hệ thống gửi (chưa đặt): "
        "coi như không có."
    ),
    "dmqg_default": gettext_noop(
        "%(key)s: Cả %(count)s tài liệu nộp đều ghi DuocLayTuKhoDMQG = 1, nhiều khả năng là giá trị mặc định "
        "của hệ thống gửi: không tính là dữ liệu lấy từ kho dữ liệu quốc gia."
    ),
    "unit_zero_padded": gettext_noop(
        "%(key)s: Mã đơn vị '%(raw)s' được đọc là '%(code)s' (thiếu các số 0 ở đầu, ví dụ do Excel bỏ đi)."
    ),
    "truncated": gettext_noop(
        "%(key)s: Trường %(field)s dài %(length)s ký tự, quá giới hạn %(limit)s: chỉ lưu %(limit)s ký tự đầu."
    ),
}


def flag_params(template: str, **values: object) -> tuple[str, dict[str, object]]:
    """(Vietnamese message, params) of a flag from its template id and values."""
    params = {"t": template, **values}
    return (FLAG_TEMPLATES[template] % params)[:500], params


class Flag(models.Model):
    """Suspicious but accepted input, for an administrator to look at."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="flags")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, blank=True)
    code = models.CharField(_("mã"), max_length=40)
    message_vi = models.CharField(_("nội dung"), max_length=500)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cảnh báo dữ liệu")
        verbose_name_plural = _("cảnh báo dữ liệu")

    def __str__(self) -> str:
        return f"{self.code}: {self.message_vi}"

    def message(self) -> str:
        """The message in the active language; ``message_vi`` for a flag without a known template."""
        template = FLAG_TEMPLATES.get(str(self.params.get("t", "")))
        if template is None:
            return self.message_vi
        try:
            return gettext(template) % self.params
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return self.message_vi


class Rollup(models.Model):
    """A count per (commune, day, measure), kept up to date with every ingested batch."""

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    measure = models.CharField(max_length=60)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "day", "measure"], name="dossiers_rollup_key")
        ]
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.day} {self.measure}={self.value}"


class ProcedureRollup(models.Model):
    """Dossiers per (commune, procedure, month), for the distinct-procedure measures."""

    commune = models.ForeignKey("units.Commune", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    dossiers = models.BigIntegerField(default=0)
    paid_online = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "procedure", "month"], name="dossiers_procedure_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.procedure_id} {self.month}"


class DeclaredCount(models.Model):
    """How many dossiers a source system says a commune received in a month (its own count),
    declared beside a batch (``TongHop.TheoDonVi``) or by ``declare_counts``. Indicator 1.4's
    completeness ratio divides by it (docs/rules.md, "The service index"); a month nobody
    declared leaves the ratio not measurable. A later declaration of the same system, commune
    and month replaces the earlier one."""

    source_system = models.CharField(_("hệ thống nguồn"), max_length=60)
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("xã/phường")
    )
    month = models.DateField(_("tháng"))  # the first day of the month
    received = models.PositiveIntegerField(_("số hồ sơ tiếp nhận (theo hệ thống nguồn)"))
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    declared_at = models.DateTimeField(_("khai báo lúc"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "commune", "month"], name="dossiers_declared_count_key"
            )
        ]
        verbose_name = _("số hồ sơ khai báo")
        verbose_name_plural = _("số hồ sơ khai báo")

    def __str__(self) -> str:
        return f"{self.source_system} {self.commune_id} {self.month:%Y-%m}={self.received}"
