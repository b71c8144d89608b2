"""Validation of one portal record into a typed value, or a rejection with a Vietnamese reason.

Rejection reasons stay Vietnamese as stored data: they record what was said to the sender (the
quarantine, the API's per-record answer, the rejection CSV) and must not change with the
reader's language. Their templates are marked (gettext_noop) so the .po files list them.

Records are plain dicts as read by ``kpixa.dossiers.parsing``; the field names are the
portal's (RULES.md §2, docs/dossier-format.md). Nothing here touches the database: the unit
and procedure look-ups are passed in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_noop

from kpixa.dossiers.parsing import parse_dt

# Marked for translation; shown translated (explain.status_name), kept Vietnamese as data.
STATUS_NAMES = {
    1: gettext_noop("Mới đăng ký"),
    2: gettext_noop("Được tiếp nhận"),
    3: gettext_noop("Không được tiếp nhận"),
    4: gettext_noop("Đang xử lý"),
    5: gettext_noop("Yêu cầu bổ sung giấy tờ"),
    6: gettext_noop("Yêu cầu thực hiện nghĩa vụ tài chính"),
    7: gettext_noop("Công dân yêu cầu rút hồ sơ"),
    8: gettext_noop("Dừng xử lý"),
    9: gettext_noop("Đã xử lý xong"),
    10: gettext_noop("Đã trả kết quả"),
}
TRUE_VALUES = {"1", "true", "True", "TRUE", "co", "có"}


class Reject(Exception):  # noqa: N818 — a rejection, not a programming error
    """A record that cannot be accepted: which field, which value, why (in Vietnamese)."""

    def __init__(self, field: str, value: Any, reason_vi: str) -> None:
        super().__init__(reason_vi)
        self.field = field
        self.value = "" if value is None else str(value)[:300]
        self.reason_vi = reason_vi


@dataclass
class Supplement:
    """One supplement request: requested at, answered at (None = still waiting), due dates."""

    requested_at: datetime
    answered_at: datetime | None
    due_before: datetime | None
    due_after: datetime | None


@dataclass
class Step:
    """One processing step: when, status code, what, by whom (an official, not the citizen)."""

    at: datetime | None
    status: int | None
    content: str
    handler: str
    title: str
    department: str
    step_due: datetime | None


@dataclass
class DossierRecord:
    """A validated dossier record, dates as naive Vietnam-local datetimes."""

    ma_ho_so: str
    commune_id: int
    unit_code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    field_name: str
    record_limit: float | None
    record_limit_unit: str
    channel: int
    status: int
    submitted_at: datetime | None
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    refused_at: datetime | None
    supplements: list[Supplement]
    steps: list[Step]
    fees: list[float] | None
    paid_online: bool
    digitised: bool
    reused: bool
    e_result: bool
    vneid: bool
    owner_name: str
    owner_phone: str
    owner_id_masked: str
    version_at: datetime
    version_hash: str
    flags: list[tuple[str, str]] = field(default_factory=list)


def text(rec: Mapping[str, Any], name: str) -> str:
    """A field as stripped text ('' when missing)."""
    value = rec.get(name)
    if type(value) is str:
        return value.strip()
    return "" if value is None else str(value).strip()


def flag(rec: Mapping[str, Any], name: str) -> bool:
    """A portal yes/no field: '1' (or true) is yes, anything else no."""
    value = rec.get(name)
    return value is True or (isinstance(value, str | int) and str(value).strip() in TRUE_VALUES)


def date_field(rec: Mapping[str, Any], name: str, *, required: bool = False) -> datetime | None:
    """Parse a date field, rejecting impossible dates and (when required) a missing one."""
    raw = rec.get(name)
    try:
        value = parse_dt(raw)
    except (ValueError, TypeError, IndexError) as exc:
        raise Reject(
            name,
            raw,
            gettext_noop("Ngày giờ không hợp lệ ở trường %(name)s: '%(raw)s'.") % {"name": name, "raw": raw},
        ) from exc
    if value is None and required:
        raise Reject(name, raw, gettext_noop("Thiếu trường bắt buộc %(name)s.") % {"name": name})
    if value is not None and not 2000 <= value.year <= 2100:
        raise Reject(
            name,
            raw,
            gettext_noop("Ngày ở trường %(name)s nằm ngoài khoảng hợp lý (2000–2100): '%(raw)s'.")
            % {"name": name, "raw": raw},
        )
    return value


def record_hash(raw: Any) -> str:
    """A stable 32-hex-digit hash of a record's content (key order does not matter)."""
    payload = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def mask_id(number: str) -> str:
    """Keep only the last 4 characters of an identity number."""
    number = number.strip()
    if not number:
        return ""
    return "*" * max(0, len(number) - 4) + number[-4:]


def split_payload(raw: Any) -> tuple[dict[str, Any], list[Any]]:
    """Return (hoSo, tienTrinhDongBo) from a sync payload or a bare hoSo record."""
    if not isinstance(raw, dict):
        raise Reject("", str(raw)[:100], gettext_noop("Bản ghi phải là một đối tượng JSON."))
    if "_error" in raw:
        raise Reject(str(raw.get("_error_field", "")), raw.get("_line", ""), str(raw["_error"]))
    if isinstance(raw.get("hoSo"), dict):
        hoso, steps = raw["hoSo"], raw.get("tienTrinhDongBo")
    else:
        hoso, steps = raw, raw.get("tienTrinhDongBo")
    if steps is None:
        steps = []
    if not isinstance(steps, list):
        raise Reject("tienTrinhDongBo", "", gettext_noop("tienTrinhDongBo phải là một danh sách."))
    return hoso, steps


def status_code(rec: Mapping[str, Any], name: str = "TrangThaiHoSo") -> int:
    """The dossier status code 1–10, or a rejection."""
    raw = text(rec, name)
    if not raw:
        raise Reject(name, raw, gettext_noop("Thiếu trường bắt buộc %(name)s.") % {"name": name})
    if not raw.isdigit() or int(raw) not in STATUS_NAMES:
        raise Reject(
            name,
            raw,
            gettext_noop("Mã trạng thái hồ sơ không hợp lệ: '%(raw)s' (chỉ nhận 1–10).") % {"raw": raw},
        )
    return int(raw)


def channel_code(rec: Mapping[str, Any]) -> int:
    """KenhThucHien: empty or 1 in person, 2 online, 3 public postal service."""
    raw = text(rec, "KenhThucHien")
    if raw in ("", "1", "2", "3"):
        return int(raw or 1)
    raise Reject(
        "KenhThucHien",
        raw,
        gettext_noop("Kênh thực hiện không hợp lệ: '%(raw)s' (chỉ nhận 1, 2, 3).") % {"raw": raw},
    )


def resolve_commune(rec: Mapping[str, Any], units: Mapping[str, int], allowed: set[int] | None) -> int:
    """Map DonViXuLy to a commune id; reject unknown units and units outside the sender's scope."""
    code = text(rec, "DonViXuLy")
    if not code:
        raise Reject("DonViXuLy", code, gettext_noop("Thiếu trường bắt buộc DonViXuLy (đơn vị xử lý)."))
    commune_id = units.get(code)
    if commune_id is None:
        raise Reject(
            "DonViXuLy",
            code,
            gettext_noop(
                "Đơn vị xử lý '%(code)s' không phải mã xã/phường cũng không phải mã liên thông đã khai báo."
            )
            % {"code": code},
        )
    if allowed is not None and commune_id not in allowed:
        raise Reject(
            "DonViXuLy",
            code,
            gettext_noop("Đơn vị xử lý '%(code)s' không thuộc phạm vi được phép gửi dữ liệu.")
            % {"code": code},
        )
    return commune_id


def parse_supplements(rec: Mapping[str, Any]) -> list[Supplement]:
    """DanhSachHoSoBoSung, sorted by request time; an answer before its request is rejected."""
    raw = rec.get("DanhSachHoSoBoSung") or []
    if not isinstance(raw, list):
        raise Reject("DanhSachHoSoBoSung", "", gettext_noop("DanhSachHoSoBoSung phải là một danh sách."))
    out = [_supplement(item) for item in raw]
    return sorted(out, key=lambda s: s.requested_at)


def _supplement(item: Any) -> Supplement:
    if not isinstance(item, dict):
        raise Reject(
            "DanhSachHoSoBoSung", str(item)[:100], gettext_noop("Mỗi yêu cầu bổ sung phải là một đối tượng.")
        )
    requested = date_field(item, "NgayBoSung", required=True)
    answered = date_field(item, "NgayTiepNhanBoSung")
    assert requested is not None
    if answered is not None and answered < requested:
        raise Reject(
            "NgayTiepNhanBoSung",
            item.get("NgayTiepNhanBoSung"),
            gettext_noop("Ngày tiếp nhận bổ sung trước ngày yêu cầu bổ sung."),
        )
    return Supplement(
        requested, answered, date_field(item, "NgayHenTraTruoc"), date_field(item, "NgayHenTraMoi")
    )


def parse_steps(steps: list[Any]) -> list[Step]:
    """tienTrinhDongBo, sorted by time (steps without a time last)."""
    out = []
    for item in steps:
        if not isinstance(item, dict):
            raise Reject(
                "tienTrinhDongBo", str(item)[:100], gettext_noop("Mỗi bước xử lý phải là một đối tượng.")
            )
        status = text(item, "TrangThai")
        out.append(
            Step(
                at=date_field(item, "ThoiDiemXuLy"),
                status=int(status) if status.isdigit() else None,
                content=text(item, "NoiDungXuLy"),
                handler=text(item, "NguoiXuLy"),
                title=text(item, "ChucDanh"),
                department=text(item, "PhongBanXuLy"),
                step_due=date_field(item, "NgayKetThucTheoQuyDinh"),
            )
        )
    return sorted(out, key=lambda s: (s.at is None, s.at or datetime.min))


def parse_fees(rec: Mapping[str, Any]) -> list[float] | None:
    """The fee amounts of DanhSachLePhi, or None when the record carries no fee list."""
    raw = rec.get("DanhSachLePhi")
    if not raw:
        return None
    if not isinstance(raw, list):
        raise Reject("DanhSachLePhi", "", gettext_noop("DanhSachLePhi phải là một danh sách."))
    amounts = []
    for item in raw:
        price = text(item, "Gia") if isinstance(item, dict) else ""
        try:
            amounts.append(float(price.replace(",", "") or 0))
        except ValueError as exc:
            raise Reject(
                "Gia",
                price,
                gettext_noop("Mức phí, lệ phí không phải là số: '%(price)s'.") % {"price": price},
            ) from exc
    return amounts


def _any_item(rec: Mapping[str, Any], list_name: str, field_name: str, *, truthy: bool = True) -> bool:
    items = rec.get(list_name) or []
    if not isinstance(items, list):
        return False
    for item in items:
        if not isinstance(item, dict):
            continue
        if flag(item, field_name) if truthy else bool(text(item, field_name)):
            return True
    return False


def parse_limit(rec: Mapping[str, Any]) -> tuple[float | None, str]:
    """ThoiGianGiaiQuyet and DonViTinh as carried by the record (for unverified procedures)."""
    raw = text(rec, "ThoiGianGiaiQuyet").replace(",", ".")
    try:
        value = float(raw) if raw else None
    except ValueError:
        value = None
    unit = text(rec, "DonViTinh").lower()
    units = {"giờ": "gio", "gio": "gio", "ngày": "ngay", "ngay": "ngay", "tháng": "thang", "thang": "thang"}
    return value, units.get(unit, "ngay_lam_viec")


def validate_dossier(
    raw: Any, units: Mapping[str, int], allowed: set[int] | None = None, digest: str | None = None
) -> DossierRecord:
    """Validate one portal record; raise Reject with the first problem found.

    ``digest``: the record's ``record_hash`` when the caller has computed it already.
    """
    hoso, raw_steps = split_payload(raw)
    ma = text(hoso, "MaHoSo")
    if not ma:
        raise Reject("MaHoSo", "", gettext_noop("Thiếu mã hồ sơ (MaHoSo)."))
    if len(ma) > 100:
        raise Reject("MaHoSo", ma, gettext_noop("Mã hồ sơ dài quá 100 ký tự."))
    procedure_code = text(hoso, "MaTTHC")
    if not procedure_code:
        raise Reject("MaTTHC", "", gettext_noop("Thiếu mã thủ tục hành chính (MaTTHC)."))
    commune_id = resolve_commune(hoso, units, allowed)
    status = status_code(hoso)
    dates = _dates(hoso)
    supplements = parse_supplements(hoso)
    steps = parse_steps(raw_steps)
    limit, limit_unit = parse_limit(hoso)
    return DossierRecord(
        ma_ho_so=ma,
        commune_id=commune_id,
        unit_code=text(hoso, "DonViXuLy"),
        procedure_code=procedure_code[:40],
        procedure_name=text(hoso, "TenTTHC")[:500],
        field_code=text(hoso, "MaLinhVuc")[:40],
        field_name=text(hoso, "TenLinhVuc")[:200],
        record_limit=limit,
        record_limit_unit=limit_unit,
        channel=channel_code(hoso),
        status=status,
        supplements=supplements,
        steps=steps,
        fees=parse_fees(hoso),
        paid_online=text(hoso, "DuocThanhToanTrucTuyen") in ("1", "2"),
        digitised=_any_item(hoso, "TaiLieuNop", "DuocSoHoa"),
        reused=flag(hoso, "HoSoCoThanhPhanSoHoa")
        or _any_item(hoso, "TaiLieuNop", "DuocTaiSuDung")
        or _any_item(hoso, "TaiLieuNop", "DuocLayTuKhoDMQG"),
        e_result=_any_item(hoso, "DanhSachGiayToKetQua", "DuongDanTepTinKetQua", truthy=False),
        vneid=flag(hoso, "TaiKhoanDuocXacThucVoiVNeID"),
        owner_name=text(hoso, "ChuHoSo")[:200],
        owner_phone=text(hoso, "SoDienThoai")[:30],
        owner_id_masked=mask_id(text(hoso, "SoGiayToChuHoSo"))[:30],
        version_at=_latest(dates, supplements, steps),
        version_hash=digest or record_hash(raw),
        **dates,
    )


def _dates(hoso: Mapping[str, Any]) -> dict[str, Any]:
    received = date_field(hoso, "NgayTiepNhan", required=True)
    assert received is not None
    dates = {
        "submitted_at": date_field(hoso, "NgayNopHoSo"),
        "received_at": received,
        "due_at": date_field(hoso, "NgayHenTra"),
        "finished_at": date_field(hoso, "NgayKetThucXuLy"),
        "returned_at": date_field(hoso, "NgayTra"),
        "refused_at": date_field(hoso, "NgayTuChoi"),
    }
    finished = dates["finished_at"]
    if finished is not None and finished < received:
        raise Reject(
            "NgayKetThucXuLy",
            hoso.get("NgayKetThucXuLy"),
            gettext_noop("Ngày kết thúc xử lý trước ngày tiếp nhận hồ sơ."),
        )
    return dates


def _latest(dates: dict[str, Any], supplements: list[Supplement], steps: list[Step]) -> datetime:
    """The version marker: the latest time anywhere in the record."""
    times = [d for name, d in dates.items() if d is not None and name != "due_at"]
    for s in supplements:
        times += [t for t in (s.requested_at, s.answered_at) if t is not None]
    times += [s.at for s in steps if s.at is not None]
    return max(times)
