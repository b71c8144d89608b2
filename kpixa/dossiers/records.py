"""Validation of one portal record into a typed value, or a rejection with a Vietnamese reason.

Rejection reasons stay Vietnamese as stored data: they record what was said to the sender (the
quarantine, the API's per-record answer, the rejection CSV) and must not change with the
reader's language. Their templates are marked (gettext_noop) so the .po files list them.

Records are plain dicts as read by ``kpixa.dossiers.parsing``; the field names are the
portal's (docs/rules.md, "Codes"; docs/dossier-format.md). Nothing here touches the database: the unit
and procedure look-ups are passed in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from django.utils.translation import gettext_noop

from kpixa.dossiers.parsing import parse_dt

logger = logging.getLogger(__name__)

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
# A record's events (receipt, submission, end, return, refusal, supplements, steps) may lie at
# most this far after the time the batch is read (clocks and time zones drift; 2099 does not).
FUTURE_MARGIN = timedelta(days=1)
# Dates that mean "not set" in the senders' platforms: .NET's DateTime.MinValue
# (0001-01-01T00:00:00, the C# sync client's unset NgayHenTraTruoc), SQL Server's and Excel's
# 1900-01-01 and the Unix epoch (UTC, or 07:00 in Vietnam time). In an optional date they
# mean "absent" (the record is flagged); in a required one, "missing".
SENTINEL_DATES = frozenset({datetime(1900, 1, 1), datetime(1970, 1, 1), datetime(1970, 1, 1, 7)})
# Stored lengths of free text: longer values are cut to them and the record is flagged.
TEXT_LIMITS = {"ChuHoSo": 200, "SoDienThoai": 30, "TenTTHC": 500, "TenLinhVuc": 200, "MaLinhVuc": 40}
# Largest plausible time limit per unit (ThoiGianGiaiQuyet): two years.
LIMIT_UNITS = {"giờ": "gio", "gio": "gio", "ngày": "ngay", "ngay": "ngay", "tháng": "thang", "thang": "thang"}
MAX_LIMITS = {"gio": 24 * 730, "ngay": 730, "ngay_lam_viec": 730, "thang": 24}
UNIT_NAMES = {"gio": "giờ", "ngay": "ngày", "ngay_lam_viec": "ngày làm việc", "thang": "tháng"}
PLAIN_NUMBER = re.compile(r"[0-9]{1,6}(?:[.,][0-9]{1,6})?")
COMMUNE_CODE_WIDTH = 5  # official width of a commune code (zero-padded)
# A note about how a record was read: (flag code, template id in models.FLAG_TEMPLATES, values).
Note = tuple[str, str, dict[str, object]]


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
    # How the record was read, accepted but worth saying: flags of its own (see Note).
    flags: list[Note] = field(default_factory=list)
    resident_data: bool = False  # DSKetNoiCSDL names a national database (resident_data_used)


def text(rec: Mapping[str, Any], name: str) -> str:
    """A field as stripped text ('' when missing); a list or an object is rejected."""
    value = rec.get(name)
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise Reject(
            name,
            json.dumps(value, ensure_ascii=False, default=str)[:100],
            gettext_noop("Trường %(name)s phải là chuỗi hoặc số, không phải danh sách hay đối tượng.")
            % {"name": name},
        )
    return str(value).strip()


def key_text(rec: Mapping[str, Any], name: str, max_length: int) -> str:
    """An identifying code (MaHoSo, MaTTHC, DonViXuLy): text or an integer, at most
    ``max_length`` characters, without invisible characters (controls, zero-width or bidi
    marks, non-breaking spaces: look-alike keys); '' when missing."""
    value = rec.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int | None):
        raise Reject(
            name,
            json.dumps(value, ensure_ascii=False, default=str)[:100],
            gettext_noop("Trường %(name)s phải là chuỗi ký tự hoặc số nguyên.") % {"name": name},
        )
    code = text(rec, name)
    if not code.isprintable():
        raise Reject(
            name,
            code.encode("unicode_escape").decode("ascii"),
            gettext_noop(
                "Trường %(name)s chứa ký tự ẩn hoặc ký tự điều khiển (ví dụ ký tự độ rộng 0, "
                "ký tự đảo chiều văn bản): mã dễ bị nhầm với mã khác."
            )
            % {"name": name},
        )
    if len(code) > max_length:
        raise Reject(
            name,
            code,
            gettext_noop("Trường %(name)s dài quá %(max)s ký tự.") % {"name": name, "max": max_length},
        )
    return code


def ascii_int(raw: str) -> int | None:
    """``raw`` as an integer when it is ASCII digits only ('４', '٤' and '²' are not), else None."""
    return int(raw) if raw.isascii() and raw.isdigit() else None


def limited_text(rec: Mapping[str, Any], name: str, notes: list[Note]) -> str:
    """A free-text field cut to its stored length (TEXT_LIMITS); a cut is noted, never silent."""
    value, limit = text(rec, name), TEXT_LIMITS[name]
    if len(value) > limit:
        notes.append(("truong_bi_cat", "truncated", {"field": name, "length": len(value), "limit": limit}))
        return value[:limit]
    return value


def flag(rec: Mapping[str, Any], name: str) -> bool:
    """A portal yes/no field: '1' (or true) is yes, anything else no."""
    value = rec.get(name)
    return value is True or (isinstance(value, str | int) and str(value).strip() in TRUE_VALUES)


def date_field(
    rec: Mapping[str, Any],
    name: str,
    *,
    required: bool = False,
    notes: list[Note] | None = None,
    latest: datetime | None = None,
) -> datetime | None:
    """Parse a date field, rejecting impossible dates and (when required) a missing one.

    A sentinel (SENTINEL_DATES, year 1) is absent: noted in ``notes`` when given. ``latest``:
    the date may not be later (an event in the future).
    """
    raw = rec.get(name)
    if isinstance(raw, dict | list | bool):
        raw = json.dumps(raw, ensure_ascii=False, default=str)[:100]
        raise Reject(
            name,
            raw,
            gettext_noop("Ngày giờ không hợp lệ ở trường %(name)s: '%(raw)s'.") % {"name": name, "raw": raw},
        )
    try:
        value = parse_dt(raw)
    except (ValueError, TypeError, IndexError, OverflowError) as exc:
        raise Reject(
            name,
            raw,
            gettext_noop("Ngày giờ không hợp lệ ở trường %(name)s: '%(raw)s'.") % {"name": name, "raw": raw},
        ) from exc
    sentinel = value is not None and value.year < 2000 and (value.year == 1 or value in SENTINEL_DATES)
    if notes is not None and sentinel:
        if not required:
            notes.append(("ngay_mac_dinh", "default_date", {"field": name, "raw": str(raw)[:40]}))
        value = None
    if value is None and required:
        raise Reject(name, raw, gettext_noop("Thiếu trường bắt buộc %(name)s.") % {"name": name})
    if value is not None and latest is not None and value > latest:
        raise Reject(
            name,
            raw,
            gettext_noop("Ngày ở trường %(name)s nằm ở tương lai: '%(raw)s'.") % {"name": name, "raw": raw},
        )
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


# A number token with a fraction or an exponent in JSON text: where the parsed value may hold a
# float. orjson writes some floats unlike ``json.dumps`` (1e-05 as 0.00001, inf as null), so a
# record whose list columns have one is hashed by ``record_hash`` itself. Structural characters
# inside strings may match too: that only costs the faster encoding. (RE2 and ``re`` syntax.)
FLOAT_LITERAL = r"(?:^|[:\[,])[ \t\n\r]*-?[0-9]+[.eE]"
_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
_ORJSON_OPTIONS |= orjson.OPT_PASSTHROUGH_DATACLASS


def _refuse(value: Any) -> Any:
    raise TypeError(type(value).__name__)


def record_hash_float_free(raw: Any) -> str:
    """``record_hash`` of a record that holds no float (the caller knows: e.g. text cells and
    lists parsed from JSON without a FLOAT_LITERAL), byte for byte the same digest, about ten
    times faster. orjson writes text, integers of 64 bits, booleans, None, lists and dicts
    with text keys (sorted by code point) as ``json.dumps`` does with these settings; anything
    else it would write differently (a datetime, a subclass, a dataclass, a larger integer, a
    lone surrogate, deep nesting) makes it raise, and ``record_hash`` decides."""
    try:
        payload = orjson.dumps(raw, default=_refuse, option=_ORJSON_OPTIONS)
    except (orjson.JSONEncodeError, TypeError):
        return record_hash(raw)
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


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
    code = ascii_int(raw)
    if code is None or code not in STATUS_NAMES:
        raise Reject(
            name,
            raw,
            gettext_noop("Mã trạng thái hồ sơ không hợp lệ: '%(raw)s' (chỉ nhận 1–10).") % {"raw": raw},
        )
    return code


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


def resolve_commune(
    rec: Mapping[str, Any],
    units: Mapping[str, int],
    allowed: set[int] | None,
    notes: list[Note] | None = None,
) -> int:
    """Map DonViXuLy to a commune id; reject unknown units and units outside the sender's scope.

    With ``notes``, a numeric code that lost its leading zeros (Excel: 7900 for 07900) is read
    zero-padded when that is unambiguous (``padded_code``), and noted.
    """
    code = key_text(rec, "DonViXuLy", 80)
    if not code:
        raise Reject("DonViXuLy", code, gettext_noop("Thiếu trường bắt buộc DonViXuLy (đơn vị xử lý)."))
    commune_id = units.get(code)
    if commune_id is None and notes is not None:
        padded = padded_code(code, units)
        if padded is not None:
            commune_id = units[padded]
            notes.append(("ma_don_vi_thieu_so_0", "unit_zero_padded", {"raw": code, "code": padded}))
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


def padded_code(code: str, units: Mapping[str, int]) -> str | None:
    """The commune code a numeric DonViXuLy names once zero-padded to COMMUNE_CODE_WIDTH, when
    that is unambiguous: no other zero-padding of it (up to 12 digits) names another commune."""
    if not (code.isascii() and code.isdigit()) or len(code) >= COMMUNE_CODE_WIDTH:
        return None
    padded = code.zfill(COMMUNE_CODE_WIDTH)
    if padded not in units:
        return None
    others = {units[c] for width in range(COMMUNE_CODE_WIDTH + 1, 13) if (c := code.zfill(width)) in units}
    return padded if others <= {units[padded]} else None


def parse_supplements(
    rec: Mapping[str, Any],
    *,
    received: datetime | None = None,
    latest: datetime | None = None,
    notes: list[Note] | None = None,
) -> list[Supplement]:
    """DanhSachHoSoBoSung, sorted by request time; an answer before its request, a request
    before ``received`` and an event after ``latest`` are rejected; null items are skipped."""
    raw = rec.get("DanhSachHoSoBoSung") or []
    if not isinstance(raw, list):
        raise Reject("DanhSachHoSoBoSung", "", gettext_noop("DanhSachHoSoBoSung phải là một danh sách."))
    out = [_supplement(item, received, latest, notes) for item in raw if item is not None]
    return sorted(out, key=lambda s: s.requested_at)


def _supplement(
    item: Any, received: datetime | None, latest: datetime | None, notes: list[Note] | None
) -> Supplement:
    if not isinstance(item, dict):
        raise Reject(
            "DanhSachHoSoBoSung", str(item)[:100], gettext_noop("Mỗi yêu cầu bổ sung phải là một đối tượng.")
        )
    requested = date_field(item, "NgayBoSung", required=True, notes=notes, latest=latest)
    answered = date_field(item, "NgayTiepNhanBoSung", notes=notes, latest=latest)
    assert requested is not None
    if received is not None and requested < received:
        raise Reject(
            "NgayBoSung",
            item.get("NgayBoSung"),
            gettext_noop("Ngày yêu cầu bổ sung trước ngày tiếp nhận hồ sơ."),
        )
    if answered is not None and answered < requested:
        raise Reject(
            "NgayTiepNhanBoSung",
            item.get("NgayTiepNhanBoSung"),
            gettext_noop("Ngày tiếp nhận bổ sung trước ngày yêu cầu bổ sung."),
        )
    return Supplement(
        requested,
        answered,
        date_field(item, "NgayHenTraTruoc", notes=notes),
        date_field(item, "NgayHenTraMoi", notes=notes),
    )


def parse_steps(
    steps: list[Any], *, latest: datetime | None = None, notes: list[Note] | None = None
) -> list[Step]:
    """tienTrinhDongBo, sorted by time (steps without a time last); null items are skipped."""
    out = []
    for item in steps:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise Reject(
                "tienTrinhDongBo", str(item)[:100], gettext_noop("Mỗi bước xử lý phải là một đối tượng.")
            )
        out.append(
            Step(
                at=date_field(item, "ThoiDiemXuLy", notes=notes, latest=latest),
                status=ascii_int(text(item, "TrangThai")),
                content=text(item, "NoiDungXuLy"),
                handler=text(item, "NguoiXuLy"),
                title=text(item, "ChucDanh"),
                department=text(item, "PhongBanXuLy"),
                step_due=date_field(item, "NgayKetThucTheoQuyDinh", notes=notes),
            )
        )
    return sorted(out, key=lambda s: (s.at is None, s.at or datetime.min))


def parse_fees(rec: Mapping[str, Any]) -> list[float] | None:
    """The fee amounts of DanhSachLePhi (finite, not negative), or None when the record carries
    no fee list; null items are skipped."""
    raw = rec.get("DanhSachLePhi")
    if not raw:
        return None
    if not isinstance(raw, list):
        raise Reject("DanhSachLePhi", "", gettext_noop("DanhSachLePhi phải là một danh sách."))
    amounts = []
    for item in raw:
        price = text(item, "Gia") if isinstance(item, dict) else ""
        try:
            amount = float(price.replace(",", "") or 0)
        except ValueError as exc:
            raise Reject(
                "Gia",
                price,
                gettext_noop("Mức phí, lệ phí không phải là số: '%(price)s'.") % {"price": price},
            ) from exc
        if not math.isfinite(amount) or amount < 0:
            raise Reject(
                "Gia",
                price,
                gettext_noop("Mức phí, lệ phí phải là một số hữu hạn, không âm: '%(price)s'.")
                % {"price": price},
            )
        amounts.append(amount)
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


def reused_from_dmqg(rec: Mapping[str, Any], notes: list[Note] | None = None) -> bool:
    """Some TaiLieuNop item says DuocLayTuKhoDMQG = 1 (taken from the national repository).

    When two or more items all say so, it is read as the sender's default (the C# sync client
    sets "1" on every attachment unless told otherwise), not counted, and noted.
    """
    items = rec.get("TaiLieuNop") or []
    if not isinstance(items, list):
        return False
    marked = [flag(item, "DuocLayTuKhoDMQG") for item in items if isinstance(item, dict)]
    if len(marked) >= 2 and all(marked):
        if notes is not None:
            notes.append(("kho_dmqg_mac_dinh", "dmqg_default", {"count": len(marked)}))
        return False
    return any(marked)


# MaCSDL codes of DSKetNoiCSDL counted as the national population database; empty = any code
# (which code the portal gives the population database is not published: docs/rules.md).
RESIDENT_DATABASE_CODES: frozenset[str] = frozenset()


def resident_data_used(rec: Mapping[str, Any]) -> bool:
    """DSKetNoiCSDL (a list, or its JSON text in a flat file) has an item naming a national
    database (``MaCSDL``; one of RESIDENT_DATABASE_CODES when that is set): the dossier was
    checked against or filled from it. Anything else, unreadable text included, is False."""
    items = rec.get("DSKetNoiCSDL")
    if isinstance(items, str):
        try:
            items = json.loads(items) if items.strip() else []
        except ValueError:
            return False
    if not isinstance(items, list):
        return False
    for item in items:
        code = item.get("MaCSDL") if isinstance(item, dict) else None
        code = str(code).strip() if isinstance(code, str | int) and not isinstance(code, bool) else ""
        if code and (not RESIDENT_DATABASE_CODES or code in RESIDENT_DATABASE_CODES):
            return True
    return False


def parse_limit(rec: Mapping[str, Any]) -> tuple[float | None, str]:
    """ThoiGianGiaiQuyet and DonViTinh as carried by the record (for unverified procedures);
    (None, unit) when the record carries none or one ``limit_problem`` rejects."""
    unit = LIMIT_UNITS.get(_plain(rec, "DonViTinh").lower(), "ngay_lam_viec")
    raw = _plain(rec, "ThoiGianGiaiQuyet")
    if not PLAIN_NUMBER.fullmatch(raw):
        return None, unit
    value = float(raw.replace(",", "."))
    return (value if value <= MAX_LIMITS[unit] else None), unit


def _plain(rec: Mapping[str, Any], name: str) -> str:
    value = rec.get(name)
    return (
        value.strip() if isinstance(value, str) else "" if isinstance(value, dict | list) else text(rec, name)
    )


def limit_problem(rec: Mapping[str, Any]) -> Reject | None:
    """Why the record's own ThoiGianGiaiQuyet cannot be read (a non-negative number, at most
    MAX_LIMITS of its DonViTinh), or None when it is fine or absent."""
    raw = text(rec, "ThoiGianGiaiQuyet")
    if not raw:
        return None
    value, unit = parse_limit(rec)
    if value is not None:
        return None
    try:
        float(raw.replace(",", "."))
    except ValueError:
        return None  # not a number at all: ignored, as the record's name of its limit
    return Reject(
        "ThoiGianGiaiQuyet",
        raw,
        gettext_noop(
            "Thời gian giải quyết không hợp lệ: '%(raw)s' (cần một số không âm, tối đa %(max)s %(unit)s)."
        )
        % {"raw": raw, "max": MAX_LIMITS[unit], "unit": UNIT_NAMES[unit]},
    )


def validate_dossier(
    raw: Any,
    units: Mapping[str, int],
    allowed: set[int] | None = None,
    digest: str | None = None,
    now: datetime | None = None,
) -> DossierRecord:
    """Validate one portal record; raise Reject with the first problem found, never anything else.

    ``digest``: the record's ``record_hash`` when the caller has computed it already. ``now``:
    naive Vietnam-local time the batch is read at (events after it + FUTURE_MARGIN are rejected;
    every import passes it, ``ingest.Context.now``).
    """
    try:
        return _validate(raw, units, allowed, digest, now)
    except Reject:
        raise
    except Exception as exc:  # a bug must cost one record, not the batch: logged, rejected
        logger.exception("unexpected error validating a dossier record")
        raise Reject(
            "",
            "",
            gettext_noop("Không đọc được bản ghi (lỗi %(error)s); đã ghi nhật ký để kiểm tra.")
            % {"error": type(exc).__name__},
        ) from exc


def _validate(
    raw: Any, units: Mapping[str, int], allowed: set[int] | None, digest: str | None, now: datetime | None
) -> DossierRecord:
    hoso, raw_steps = split_payload(raw)
    notes: list[Note] = []
    latest = now + FUTURE_MARGIN if now is not None else None
    ma = key_text(hoso, "MaHoSo", 100)
    if not ma:
        raise Reject("MaHoSo", "", gettext_noop("Thiếu mã hồ sơ (MaHoSo)."))
    procedure_code = key_text(hoso, "MaTTHC", 40)
    if not procedure_code:
        raise Reject("MaTTHC", "", gettext_noop("Thiếu mã thủ tục hành chính (MaTTHC)."))
    commune_id = resolve_commune(hoso, units, allowed, notes)
    status = status_code(hoso)
    dates = _dates(hoso, notes, latest)
    received = dates["received_at"]
    supplements = parse_supplements(hoso, received=received, latest=latest, notes=notes)
    steps = parse_steps(raw_steps, latest=latest, notes=notes)
    limit, limit_unit = parse_limit(hoso)
    if limit is None and (problem := limit_problem(hoso)) is not None:
        raise problem
    from_dmqg = reused_from_dmqg(hoso, notes)  # always read: it may note the sender's default
    reused = flag(hoso, "HoSoCoThanhPhanSoHoa") or _any_item(hoso, "TaiLieuNop", "DuocTaiSuDung") or from_dmqg
    return DossierRecord(
        ma_ho_so=ma,
        commune_id=commune_id,
        unit_code=text(hoso, "DonViXuLy"),  # as sent (resolve_commune checked it)
        procedure_code=procedure_code,
        procedure_name=limited_text(hoso, "TenTTHC", notes),
        field_code=limited_text(hoso, "MaLinhVuc", notes),
        field_name=limited_text(hoso, "TenLinhVuc", notes),
        record_limit=limit,
        record_limit_unit=limit_unit,
        channel=channel_code(hoso),
        status=status,
        supplements=supplements,
        steps=steps,
        fees=parse_fees(hoso),
        paid_online=text(hoso, "DuocThanhToanTrucTuyen") in ("1", "2"),
        digitised=_any_item(hoso, "TaiLieuNop", "DuocSoHoa"),
        reused=reused,
        e_result=_any_item(hoso, "DanhSachGiayToKetQua", "DuongDanTepTinKetQua", truthy=False),
        vneid=flag(hoso, "TaiKhoanDuocXacThucVoiVNeID"),
        resident_data=resident_data_used(hoso),
        owner_name=limited_text(hoso, "ChuHoSo", notes),
        owner_phone=limited_text(hoso, "SoDienThoai", notes),
        owner_id_masked=mask_id(text(hoso, "SoGiayToChuHoSo"))[:30],
        version_at=_latest(dates, supplements, steps),
        version_hash=digest or record_hash(raw),
        flags=notes,
        **dates,
    )


def _dates(hoso: Mapping[str, Any], notes: list[Note], latest: datetime | None) -> dict[str, Any]:
    """The record's own dates; events after ``latest`` are rejected, and so are a due date on
    an earlier day than receipt and a submission after receipt."""
    received = date_field(hoso, "NgayTiepNhan", required=True, notes=notes, latest=latest)
    assert received is not None
    dates = {
        "submitted_at": date_field(hoso, "NgayNopHoSo", notes=notes, latest=latest),
        "received_at": received,
        "due_at": date_field(hoso, "NgayHenTra", notes=notes),
        "finished_at": date_field(hoso, "NgayKetThucXuLy", notes=notes, latest=latest),
        "returned_at": date_field(hoso, "NgayTra", notes=notes, latest=latest),
        "refused_at": date_field(hoso, "NgayTuChoi", notes=notes, latest=latest),
    }
    finished = dates["finished_at"]
    if finished is not None and finished < received:
        raise Reject(
            "NgayKetThucXuLy",
            hoso.get("NgayKetThucXuLy"),
            gettext_noop("Ngày kết thúc xử lý trước ngày tiếp nhận hồ sơ."),
        )
    due = dates["due_at"]
    if due is not None and due.date() < received.date():
        raise Reject(
            "NgayHenTra", hoso.get("NgayHenTra"), gettext_noop("Ngày hẹn trả trước ngày tiếp nhận hồ sơ.")
        )
    submitted = dates["submitted_at"]
    if submitted is not None and submitted > received:
        raise Reject(
            "NgayNopHoSo", hoso.get("NgayNopHoSo"), gettext_noop("Ngày nộp hồ sơ sau ngày tiếp nhận hồ sơ.")
        )
    return dates


def _latest(dates: dict[str, Any], supplements: list[Supplement], steps: list[Step]) -> datetime:
    """The version marker: the latest time anywhere in the record."""
    times = [d for name, d in dates.items() if d is not None and name != "due_at"]
    for s in supplements:
        times += [t for t in (s.requested_at, s.answered_at) if t is not None]
    times += [s.at for s in steps if s.at is not None]
    return max(times)
