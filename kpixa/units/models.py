"""Administrative units (provinces, communes), peer groups, aliases, leadership posts and tenures."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A province-level unit (tỉnh or thành phố trực thuộc trung ương)."""

    code = models.CharField(_("mã"), max_length=8, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=40, blank=True)
    data_version = models.CharField(_("phiên bản dữ liệu"), max_length=40, blank=True)
    retired_at = models.DateTimeField(_("ngừng hiệu lực lúc"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return self.name


class PeerGroup(models.Model):
    """A group of comparable communes (border, mountain, island, urban, ...) used for targets and quotas."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    # Empty: a national group (only superusers change it). Set: a group of that province only,
    # whose code starts with the province code and a hyphen (e.g. "52-bien-gioi").
    province = models.ForeignKey(
        "Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="peer_groups",
        verbose_name=_("tỉnh"),
        help_text=_("Để trống: nhóm dùng chung toàn quốc."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("nhóm đơn vị tương đồng")
        verbose_name_plural = _("nhóm đơn vị tương đồng")

    def __str__(self) -> str:
        return self.name


class CommuneKind(models.TextChoices):
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    DAC_KHU = "dac_khu", _("Đặc khu")


class Commune(models.Model):
    """A commune-level unit (xã, phường or đặc khu) of the two-tier local government."""

    code = models.CharField(_("mã"), max_length=8, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=10, choices=CommuneKind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("tỉnh")
    )
    data_version = models.CharField(_("phiên bản dữ liệu"), max_length=40, blank=True)
    retired_at = models.DateTimeField(_("ngừng hiệu lực lúc"), null=True, blank=True)
    peer_groups = models.ManyToManyField(
        PeerGroup, blank=True, related_name="communes", verbose_name=_("nhóm tương đồng")
    )

    class Meta:
        ordering = ["province__code", "code"]
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """An integration system's own agency code (e.g. ``000.00.21.H52``) mapped to a commune."""

    system = models.CharField(_("hệ thống"), max_length=60, blank=True, default="")
    alias = models.CharField(_("mã đơn vị của hệ thống"), max_length=80)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="aliases", verbose_name=_("xã/phường")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "alias"], name="units_alias_unique")]
        verbose_name = _("mã đơn vị liên thông")
        verbose_name_plural = _("mã đơn vị liên thông")

    def __str__(self) -> str:
        return f"{self.alias} → {self.commune}"


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư Đảng ủy")
    CHAIRMAN = "chairman", _("Chủ tịch UBND")
    DEPUTY_SECRETARY = "deputy_secretary", _("Phó Bí thư Đảng ủy")
    VICE_CHAIRMAN = "vice_chairman", _("Phó Chủ tịch UBND")


ACCOUNTABLE_POSTS = (PostKind.SECRETARY, PostKind.CHAIRMAN)
# Posts that only one person may hold in a commune at any one time (all of them, for now).
SINGLE_HOLDER_POSTS = frozenset(PostKind)


class Person(models.Model):
    """A person who holds or held a leadership post."""

    full_name = models.CharField(_("họ và tên"), max_length=200)
    external_id = models.CharField(_("mã cán bộ"), max_length=60, blank=True, default="")
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("tỉnh"),
    )

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")

    def __str__(self) -> str:
        return self.full_name


class Tenure(models.Model):
    """A person holding a post of a commune from ``start`` to ``end`` (inclusive; open when null)."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="tenures", verbose_name=_("xã/phường")
    )
    post = models.CharField(_("chức vụ"), max_length=20, choices=PostKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="tenures", verbose_name=_("cán bộ")
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    # Not stored: the part of a period this tenure covers, set by
    # ``queries.accountable_leaders_over`` (both None otherwise).
    served_from: date | None = None
    served_to: date | None = None

    class Meta:
        ordering = ["commune", "post", "start"]
        indexes = [models.Index(fields=["commune", "post", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="units_tenure_end_after_start",
            )
        ]
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_post_display()} {self.commune}"

    def overlapping(self) -> models.QuerySet[Tenure]:
        """Return the other tenures of the same commune and post whose dates meet this one's."""
        qs = Tenure.objects.filter(commune_id=self.commune_id, post=self.post)
        qs = qs.filter(Q(end__isnull=True) | Q(end__gte=self.start))
        if self.end is not None:
            qs = qs.filter(start__lte=self.end)
        return qs.exclude(pk=self.pk) if self.pk else qs

    def clean(self) -> None:
        """Refuse an end before the start, and a second holder of a single-holder post."""
        if self.end is not None and self.start is not None and self.end < self.start:
            raise ValidationError({"end": _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")})
        if self.commune_id is None or not self.post or self.start is None:
            return
        if self.post in SINGLE_HOLDER_POSTS:
            other = self.overlapping().select_related("person", "commune").first()
            if other is not None:
                raise ValidationError(overlap_message(other))

    def clip(self, start: date, end: date) -> Tenure:
        """Set ``served_from``/``served_to`` to this tenure's part of [start, end]; return self."""
        self.served_from = max(self.start, start)
        self.served_to = min(self.end, end) if self.end is not None else end
        return self

    @property
    def days_served(self) -> int | None:
        """Days (inclusive) served within the clipped period, or None when not clipped."""
        if self.served_from is None or self.served_to is None:
            return None
        return max(0, (self.served_to - self.served_from).days + 1)


def overlap_message(other: Tenure) -> str:
    """The Vietnamese error for a tenure that would overlap ``other``."""
    until = other.end.strftime("%d/%m/%Y") if other.end else _("nay")
    return str(
        _("Chức vụ %(post)s của %(commune)s đã có %(person)s đảm nhiệm từ %(start)s đến %(end)s.")
        % {
            "post": other.get_post_display(),
            "commune": other.commune.name,
            "person": other.person.full_name,
            "start": other.start.strftime("%d/%m/%Y"),
            "end": until,
        }
    )


class DocumentSettings(models.Model):
    """How a province's official reports are numbered, addressed and signed (Decree 30/2020/NĐ-CP,
    Article 8(1) and Appendix I: number and symbol, place, recipients "Nơi nhận", the signatory's
    authority, title and name). One row per province; without one, the exports use the defaults of
    ``kpixa.web.exports.data`` (the Department of Home Affairs, an unnumbered draft, no name)."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="document_settings", verbose_name=_("tỉnh")
    )
    issuer_parent = models.CharField(
        _("cơ quan chủ quản"), max_length=200, blank=True, help_text=_("Ví dụ: UBND TỈNH GIA LAI.")
    )
    issuer_body = models.CharField(
        _("cơ quan ban hành"), max_length=200, blank=True, help_text=_("Ví dụ: SỞ NỘI VỤ.")
    )
    symbol = models.CharField(
        _("ký hiệu văn bản"),
        max_length=40,
        default="BC-SNV",
        help_text=_("Viết tắt tên loại văn bản và cơ quan ban hành, ví dụ BC-SNV (Báo cáo của Sở Nội vụ)."),
    )
    place = models.CharField(
        _("địa danh"), max_length=100, blank=True, help_text=_("Để trống: tên tỉnh, ví dụ Gia Lai.")
    )
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        help_text=_("Mỗi dòng một nơi nhận, ví dụ: Thường trực Tỉnh ủy (b/c); UBND tỉnh (b/c); Lưu: VT."),
    )
    signer_authority = models.CharField(
        _("thẩm quyền ký"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: KT. GIÁM ĐỐC (ký thay), TL. GIÁM ĐỐC; để trống khi người đứng đầu ký."),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="GIÁM ĐỐC")
    signer_name = models.CharField(_("họ và tên người ký"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("thể thức văn bản báo cáo")
        verbose_name_plural = _("thể thức văn bản báo cáo")

    def __str__(self) -> str:
        return str(self.province)

    def recipient_lines(self) -> list[str]:
        """The recipients, one per non-empty line."""
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]
