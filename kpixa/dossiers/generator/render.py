"""A DayFrame as string columns with the portal's field names (RULES.md §2), nested lists as JSON.

Every value is a string, dates in the portal's ``yyyyMMddHHmmss`` form, as the sample payload
(/work/shared/domain/samples/dossier-sync.json) and docs/dossier-format.md describe. Strings are
built column-wise from lookup tables: one fancy index or one concatenation per column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue
from .timeline import DAY, DayFrame, Supplements, day_seconds

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]

HOSO_COLUMNS = (
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo",
    "SoGiayToChuHoSo", "SoDienThoai", "LoaiDoiTuong", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra",
    "NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "TrangThaiHoSo", "DonViXuLy", "ThoiGianGiaiQuyet",
    "DonViTinh", "HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID", "DuocThanhToanTrucTuyen",
    "TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua",
)  # fmt: skip
STEPS_COLUMN = "tienTrinhDongBo"
COLUMNS = (*HOSO_COLUMNS, STEPS_COLUMN)
JSON_COLUMNS = frozenset({"TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua", STEPS_COLUMN})

DOC_NAMES = ("Tờ khai.pdf", "Giấy tờ tùy thân.pdf", "Giấy tờ kèm theo.pdf")
RESULT_NAMES = {
    "CHUNGTHUC": "Bản sao có chứng thực",
    "HOTICH": "Giấy tờ hộ tịch",
    "DATDAI": "Giấy chứng nhận quyền sử dụng đất",
    "HKD": "Giấy chứng nhận đăng ký hộ kinh doanh",
    "XAYDUNG": "Giấy phép xây dựng",
}
DEFAULT_RESULT = "Văn bản giải quyết thủ tục hành chính"
SUPPLEMENT_TEXT = "Bổ sung thành phần hồ sơ còn thiếu"
END_STEPS = {
    9: ("Hoàn thành xử lý", "9"),
    10: ("Hoàn thành xử lý", "9"),
    3: ("Từ chối tiếp nhận hồ sơ", "3"),
    7: ("Công dân rút hồ sơ", "7"),
    8: ("Dừng xử lý hồ sơ", "8"),
}


def _table(values: list[str]) -> ObjArray:
    return np.array(values, dtype=object)


@lru_cache(maxsize=1)
def _times_of_day() -> ObjArray:
    return _table([f"{s // 3600:02d}{s // 60 % 60:02d}{s % 60:02d}" for s in range(DAY)])


@lru_cache(maxsize=1)
def _numbers4() -> ObjArray:
    return _table([f"{i:04d}" for i in range(100_000)])


@lru_cache(maxsize=1)
def _small_numbers() -> ObjArray:
    return _table([str(i) for i in range(100)])


@dataclass(frozen=True)
class Lookups:
    """Per-run string tables: procedures, units and the days the run's dates can fall on."""

    catalogue: Catalogue
    units: ObjArray  # DonViXuLy per commune
    officers: ObjArray  # (communes, 4) names of one-stop officers
    first_day: int  # day number (since 1970) of the day table's first entry
    days: ObjArray  # "yyyyMMdd" per day from first_day

    @classmethod
    def build(cls, catalogue: Catalogue, units: list[str], officers: ObjArray, first: date, last: date) -> Lookups:
        """Tables covering dates from a year before ``first`` to three years after ``last``."""
        start = first - timedelta(days=366)
        count = (last - start).days + 3 * 366
        days = _table([(start + timedelta(days=i)).strftime("%Y%m%d") for i in range(count)])
        return cls(catalogue, _table(units), officers, day_seconds(start) // DAY, days)

    def dates(self, secs: IntArray) -> ObjArray:
        """``yyyyMMddHHmmss`` strings of local seconds; "" where ``secs`` < 0."""
        safe = np.maximum(secs, 0)
        index = np.clip(safe // DAY - self.first_day, 0, len(self.days) - 1)
        text = self.days[index] + _times_of_day()[safe % DAY]
        return np.where(secs >= 0, text, "")


@lru_cache(maxsize=8)
def _procedure_tables(cat: Catalogue) -> dict[str, ObjArray]:
    unit_names = {"gio": "Giờ", "ngay": "Ngày", "ngay_lam_viec": "Ngày làm việc", "thang": "Tháng"}
    return {
        "MaTTHC": _table(cat.codes),
        "TenTTHC": _table(cat.names),
        "MaLinhVuc": _table(cat.field_codes),
        "TenLinhVuc": _table(cat.field_names),
        "ThoiGianGiaiQuyet": _table([f"{v:g}" for v in cat.limit_value]),
        "DonViTinh": _table([unit_names[u] for u in cat.limit_unit]),
        "fee_name": _table([f'{{"TenPhiLePhi":"Lệ phí {f.lower()}","MaPhiLePhi":"LP-{c}",' for c, f in
                            zip(cat.codes, cat.field_names, strict=True)]),
        "result": _table([f'[{{"TenGiayTo":"{RESULT_NAMES.get(f, DEFAULT_RESULT)}","MaGiayToKetQua":"KQ-'
                          for f in cat.field_codes]),
    }  # fmt: skip


def render(frame: DayFrame, lk: Lookups, people: dict[str, ObjArray]) -> dict[str, ObjArray]:
    """Return the frame's columns (COLUMNS) as object arrays of str, one entry per dossier."""
    proc = frame.procedure
    tables = _procedure_tables(lk.catalogue)
    code = lk.units[frame.commune] + frame.day.strftime("-%y%m%d-") + _numbers4()[frame.seq]
    cols: dict[str, ObjArray] = {"MaHoSo": code}
    for name in ("MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc"):
        cols[name] = tables[name][proc]
    small = _small_numbers()
    cols["KenhThucHien"] = small[frame.channel]
    cols.update(people)
    cols["LoaiDoiTuong"] = np.full(len(frame), "1", dtype=object)
    cols.update(_dates(frame, lk))
    cols["TrangThaiHoSo"] = small[frame.status]
    cols["DonViXuLy"] = lk.units[frame.commune]
    cols["ThoiGianGiaiQuyet"] = tables["ThoiGianGiaiQuyet"][proc]
    cols["DonViTinh"] = tables["DonViTinh"][proc]
    reused = ((frame.doc_flags & 6) > 0) & (np.arange(3) < frame.docs[:, None])
    cols["HoSoCoThanhPhanSoHoa"] = small[reused.any(axis=1).astype(np.int64)]
    cols["TaiKhoanDuocXacThucVoiVNeID"] = small[frame.vneid.astype(np.int64)]
    cols["DuocThanhToanTrucTuyen"] = small[frame.paid_online]
    cols["TaiLieuNop"] = _documents(frame, code)
    cols["DanhSachLePhi"] = _fees(frame, tables["fee_name"])
    cols["DanhSachHoSoBoSung"] = _supplements(frame, lk)
    cols["DanhSachGiayToKetQua"] = _results(frame, code, tables["result"])
    cols[STEPS_COLUMN] = _steps(frame, lk, code)
    return {name: cols[name] for name in COLUMNS}


def _dates(f: DayFrame, lk: Lookups) -> dict[str, ObjArray]:
    finished = np.isin(f.status, (9, 10))
    return {
        "NgayNopHoSo": lk.dates(f.submitted),
        "NgayTiepNhan": lk.dates(f.received),
        "NgayHenTra": lk.dates(f.due),
        "NgayKetThucXuLy": lk.dates(np.where(finished, f.end, -1)),
        "NgayTra": lk.dates(f.returned),
        "NgayTuChoi": lk.dates(np.where(f.status == 3, f.end, -1)),
    }


@lru_cache(maxsize=1)
def _doc_suffixes() -> ObjArray:
    """The end of a TaiLieuNop entry for each (slot, flag bits) pair, indexed slot * 8 + bits."""
    out = []
    for slot, name in enumerate(DOC_NAMES):
        for bits in range(8):
            out.append(
                f'-{slot + 1}","TenTepDinhKem":"{name}","MaThanhPhanHoSo":"TP{slot + 1}",'
                f'"DuocSoHoa":"{bits & 1}","DuocTaiSuDung":"{bits >> 1 & 1}","DuocLayTuKhoDMQG":"{bits >> 2 & 1}"}}'
            )
    return _table(out)


def _documents(f: DayFrame, code: ObjArray) -> ObjArray:
    suffix = _doc_suffixes()
    head = '{"TepDinhKemId":"' + code
    out = "[" + head + suffix[f.doc_flags[:, 0]]
    for slot in (1, 2):
        entry = "," + head + suffix[slot * 8 + f.doc_flags[:, slot]]
        out = np.where(f.docs > slot, out + entry, out)
    return out + "]"


def _fees(f: DayFrame, fee_name: ObjArray) -> ObjArray:
    out = np.full(len(f), "[]", dtype=object)
    has = np.flatnonzero(f.fee > 0)
    if has.size:
        how = np.where(f.paid_online[has] > 0, '"HinhThucThu":"2","Gia":"', '"HinhThucThu":"1","Gia":"')
        price = f.fee[has].astype("U9").astype(object)
        out[has] = "[" + fee_name[f.procedure[has]] + how + price + '","LoaiPhiLePhi":"2"}]'
    return out


def _supplements(f: DayFrame, lk: Lookups) -> ObjArray:
    out = np.full(len(f), "[]", dtype=object)
    has = np.flatnonzero(f.sup.count > 0)
    if not has.size:
        return out
    officer = lk.officers[f.commune[has], 0]
    entries = [_supplement_entry(f.sup, has, k, officer, lk) for k in range(f.sup.requested.shape[1])]
    text = "[" + entries[0]
    for k in range(1, len(entries)):
        text = np.where(f.sup.count[has] > k, text + "," + entries[k], text)
    out[has] = text + "]"
    return out


def _supplement_entry(s: Supplements, rows: IntArray, k: int, officer: ObjArray, lk: Lookups) -> ObjArray:
    answered = s.answered[rows, k] >= 0
    return (
        f'{{"HoSoBoSungId":{k + 1},"NguoiYeuCauBoSung":"' + officer
        + f'","NoiDungBoSung":"{SUPPLEMENT_TEXT}","NgayBoSung":"' + lk.dates(s.requested[rows, k])
        + '","NgayTiepNhanBoSung":"' + lk.dates(s.answered[rows, k])
        + np.where(answered, '","TrangThaiBoSung":true,"NgayHenTraTruoc":"', '","TrangThaiBoSung":false,"NgayHenTraTruoc":"')
        + lk.dates(s.due_before[rows, k]) + '","NgayHenTraMoi":"' + lk.dates(s.due_after[rows, k]) + '"}'
    )  # fmt: skip


def _results(f: DayFrame, code: ObjArray, result: ObjArray) -> ObjArray:
    out = np.full(len(f), "[]", dtype=object)
    has = np.flatnonzero(np.isin(f.status, (9, 10)))
    if has.size:
        c = code[has]
        link = np.where(f.e_result[has], '","DuongDanTepTinKetQua":"/results/KQ-' + c + '.pdf"}]', '"}]')
        out[has] = result[f.procedure[has]] + c + link
    return out


def _steps(f: DayFrame, lk: Lookups, code: ObjArray) -> ObjArray:
    officer = lk.officers[f.commune, f.seq % lk.officers.shape[1]]
    head = '{"MaHoSo":"' + code + '","NguoiXuLy":"' + officer
    received, due = lk.dates(f.received), lk.dates(f.due)
    out = (
        "[" + head + '","ChucDanh":"Công chức Bộ phận Một cửa","ThoiDiemXuLy":"' + received
        + '","PhongBanXuLy":"Bộ phận Một cửa","NoiDungXuLy":"Tiếp nhận hồ sơ","TrangThai":"2","NgayBatDau":"'
        + received + '","NgayKetThucTheoQuyDinh":"' + due + '"}'
    )  # fmt: skip
    ended = np.flatnonzero(f.end >= 0)
    if ended.size:
        out[ended] = out[ended] + _end_steps(f, lk, ended, head[ended], received[ended], due[ended])
    back = np.flatnonzero(f.status == 10)
    if back.size:
        when = lk.dates(f.returned[back])
        out[back] = (
            out[back] + "," + head[back] + '","ChucDanh":"Công chức Bộ phận Một cửa","ThoiDiemXuLy":"' + when
            + '","PhongBanXuLy":"Bộ phận Một cửa","NoiDungXuLy":"Trả kết quả","TrangThai":"10","NgayBatDau":"'
            + when + '","NgayKetThucTheoQuyDinh":"' + due[back] + '"}'
        )  # fmt: skip
    return out + "]"


@lru_cache(maxsize=1)
def _end_step_texts() -> ObjArray:
    texts = [""] * 11
    for status, (what, code) in END_STEPS.items():
        texts[status] = f'","PhongBanXuLy":"Chuyên môn","NoiDungXuLy":"{what}","TrangThai":"{code}","NgayBatDau":"'
    return _table(texts)


def _end_steps(
    f: DayFrame, lk: Lookups, rows: IntArray, head: ObjArray, received: ObjArray, due: ObjArray
) -> ObjArray:
    when = lk.dates(f.end[rows])
    return (
        "," + head + '","ChucDanh":"Công chức chuyên môn","ThoiDiemXuLy":"' + when
        + _end_step_texts()[f.status[rows]] + received + '","NgayKetThucTheoQuyDinh":"' + due + '"}'
    )  # fmt: skip


def json_safe(value: str) -> bool:
    """Whether a string can be put between JSON quotes as it is (the tables above rely on it)."""
    return json.dumps(value, ensure_ascii=False) == f'"{value}"'
