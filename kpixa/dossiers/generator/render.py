"""A DayFrame as cells with the portal's field names (docs/rules.md, "Codes"), nested lists as JSON.

Every value is a string, dates in the portal's ``yyyyMMddHHmmss`` form, as the sample payload
(docs/samples/portal-sync-sample.json) and docs/dossier-format.md describe.

Two flavours of cell: ``json`` (a nested list is raw JSON, ready to embed in a JSON object) and
``csv`` (every cell is already CSV-encoded: JSON lists and names with commas come quoted with
their quotes doubled), so writers only join cells. Strings are built from lookup tables and one
%-template per row and column; the values put into templates never contain quotes, commas or
backslashes (``json_safe`` checks the tables in tests).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from kpixa.rules.codes import WITH_RESULT, DossierStatus

from .catalogue import Catalogue
from .timeline import DAY, DayFrame, day_seconds

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
Cells = dict[str, ObjArray]

HOSO_COLUMNS = (
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo",
    "SoGiayToChuHoSo", "SoDienThoai", "LoaiDoiTuong", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra",
    "NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "TrangThaiHoSo", "DonViXuLy", "ThoiGianGiaiQuyet",
    "DonViTinh", "HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID", "DuocThanhToanTrucTuyen",
    "TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua", "DSKetNoiCSDL",
)  # fmt: skip
STEPS_COLUMN = "tienTrinhDongBo"
COLUMNS = (*HOSO_COLUMNS, STEPS_COLUMN)
JSON_COLUMNS = frozenset(
    {"TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua", "DSKetNoiCSDL"}
    | {STEPS_COLUMN}
)
# The national database a VNeID-verified dossier was checked against (DSKetNoiCSDL), as the
# C# sync client writes it; kpixa counts any code (kpixa.dossiers.records.resident_data_used).
POPULATION_DATABASE = '[{"MaCSDL":"7"}]'
FLAVOURS = ("json", "csv")

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
DESK = '"ChucDanh":"Công chức Bộ phận Một cửa","PhongBanXuLy":"Bộ phận Một cửa"'
STEP = '{"MaHoSo":"%s","NguoiXuLy":"%s",' + DESK + ',"ThoiDiemXuLy":"%s","NoiDungXuLy":"%s","TrangThai":"%s",'
STEP += '"NgayBatDau":"%s","NgayKetThucTheoQuyDinh":"%s"}'
DOC = '{"TepDinhKemId":"%s-%s'
RESULT = '[{"TenGiayTo":"%s","MaGiayToKetQua":"KQ-%s"%s}]'
FEE = '[{"TenPhiLePhi":"Lệ phí %s","MaPhiLePhi":"LP-%s","HinhThucThu":"%s","Gia":"%s","LoaiPhiLePhi":"2"}]'
SUPPLEMENT = (
    '{"HoSoBoSungId":%s,"NguoiYeuCauBoSung":"%s","NoiDungBoSung":"' + SUPPLEMENT_TEXT + '","NgayBoSung":"%s",'
    '"NgayTiepNhanBoSung":"%s","TrangThaiBoSung":%s,"NgayHenTraTruoc":"%s","NgayHenTraMoi":"%s"}'
)


def _table(values: Sequence[str]) -> ObjArray:
    return np.array(values, dtype=object)


def csv_cell(text: str) -> str:
    """``text`` as a CSV cell: quoted (quotes doubled) when it holds a comma, quote or newline."""
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def list_template(template: str, flavour: str) -> str:
    """A template of a JSON list cell in the flavour (CSV: quoted, quotes doubled)."""
    return csv_cell(template) if flavour == "csv" else template


def inner(template: str, flavour: str) -> str:
    """A fragment inside a JSON list cell (CSV: quotes doubled, no surrounding quotes)."""
    return template.replace('"', '""') if flavour == "csv" else template


@lru_cache(maxsize=1)
def _times_of_day() -> ObjArray:
    return _table([f"{h:02d}{m:02d}{s:02d}" for h in range(24) for m in range(60) for s in range(60)])


@lru_cache(maxsize=1)
def numbers4() -> ObjArray:
    """'0000' … '99999' as strings (sequence numbers of dossier codes)."""
    return _table([f"{i:04d}" for i in range(100_000)])


@lru_cache(maxsize=1)
def small_numbers() -> ObjArray:
    """'0' … '99' as strings."""
    return _table([str(i) for i in range(100)])


@dataclass(frozen=True, eq=False)
class Lookups:
    """Per-run string tables: procedures, units and the days the run's dates can fall on."""

    catalogue: Catalogue
    units: ObjArray  # DonViXuLy per commune
    officers: ObjArray  # (communes, 4) names of one-stop officers
    first_day: int  # day number (since 1970) of the day table's first entry
    days: ObjArray  # "yyyyMMdd" per day from first_day

    @classmethod
    def build(
        cls, catalogue: Catalogue, units: list[str], officers: ObjArray, first: date, last: date
    ) -> Lookups:
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
        return np.where(secs >= 0, text, "") if (secs < 0).any() else text


@lru_cache(maxsize=8)
def _procedure_tables(cat: Catalogue, flavour: str) -> dict[str, ObjArray]:
    unit_names = {"gio": "Giờ", "ngay": "Ngày", "ngay_lam_viec": "Ngày làm việc", "thang": "Tháng"}
    names = [csv_cell(n) for n in cat.names] if flavour == "csv" else cat.names
    return {
        "MaTTHC": _table(cat.codes),
        "TenTTHC": _table(names),
        "MaLinhVuc": _table(cat.field_codes),
        "TenLinhVuc": _table(cat.field_names),
        "ThoiGianGiaiQuyet": _table([f"{v:g}" for v in cat.limit_value]),
        "DonViTinh": _table([unit_names[str(u)] for u in cat.limit_unit]),
        "result": _table([RESULT_NAMES.get(f, DEFAULT_RESULT) for f in cat.field_codes]),
        "fee": _table([f.lower() for f in cat.field_names]),
    }


def render(frame: DayFrame, lk: Lookups, people: Cells, flavour: str = "json") -> Cells:
    """Return the frame's COLUMNS as object arrays of cells in the flavour, one per dossier."""
    proc, n = frame.procedure, len(frame)
    tables = _procedure_tables(lk.catalogue, flavour)
    unit = lk.units[frame.commune]
    code = unit + frame.day.strftime("-%y%m%d-") + numbers4()[frame.seq]
    cells: Cells = {"MaHoSo": code}
    for name in ("MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "ThoiGianGiaiQuyet", "DonViTinh"):
        cells[name] = tables[name][proc]
    small = small_numbers()
    cells.update(people)
    cells["KenhThucHien"] = small[frame.channel]
    cells["LoaiDoiTuong"] = np.full(n, "1", dtype=object)
    cells["TrangThaiHoSo"] = small[frame.status]
    cells["DonViXuLy"] = unit
    reused = ((frame.doc_flags & 6) > 0) & (np.arange(3) < frame.docs[:, None])
    cells["HoSoCoThanhPhanSoHoa"] = small[reused.any(axis=1).astype(np.int64)]
    cells["TaiKhoanDuocXacThucVoiVNeID"] = small[frame.vneid.astype(np.int64)]
    connected = np.array(["[]", list_template(POPULATION_DATABASE, flavour)], dtype=object)
    cells["DSKetNoiCSDL"] = connected[frame.vneid.astype(np.int64)]
    cells["DuocThanhToanTrucTuyen"] = small[frame.paid_online]
    dates = _dates(frame, lk)
    cells.update(dates)
    cells["TaiLieuNop"] = _documents(frame, code, flavour)
    cells["DanhSachLePhi"] = _fees(frame, tables, flavour)
    cells["DanhSachHoSoBoSung"] = _supplements(frame, lk, flavour)
    cells["DanhSachGiayToKetQua"] = _results(frame, code, tables, flavour)
    cells[STEPS_COLUMN] = _steps(frame, lk, code, dates, flavour)
    return {name: cells[name] for name in COLUMNS}


def _dates(f: DayFrame, lk: Lookups) -> Cells:
    finished = np.isin(f.status, list(WITH_RESULT))
    return {
        "NgayNopHoSo": lk.dates(f.submitted),
        "NgayTiepNhan": lk.dates(f.received),
        "NgayHenTra": lk.dates(f.due),
        "NgayKetThucXuLy": lk.dates(np.where(finished, f.end, -1)),
        "NgayTra": lk.dates(f.returned),
        "NgayTuChoi": lk.dates(np.where(f.status == DossierStatus.NOT_RECEIVED, f.end, -1)),
        "_end": lk.dates(f.end),
    }


@lru_cache(maxsize=2)
def _doc_suffixes(flavour: str) -> ObjArray:
    """What follows the code in a TaiLieuNop entry, for each (slot, flag bits): slot * 8 + bits."""
    out = []
    for slot, name in enumerate(DOC_NAMES):
        for bits in range(8):
            text = (
                f'{slot + 1}","TenTepDinhKem":"{name}","MaThanhPhanHoSo":"TP{slot + 1}",'
                f'"DuocSoHoa":"{bits & 1}","DuocTaiSuDung":"{bits >> 1 & 1}",'
                f'"DuocLayTuKhoDMQG":"{bits >> 2 & 1}"}}'
            )
            out.append(inner(text, flavour))
    return _table(out)


def _documents(f: DayFrame, code: ObjArray, flavour: str) -> ObjArray:
    suffix = _doc_suffixes(flavour)
    parts = [suffix[slot * 8 + f.doc_flags[:, slot]] for slot in range(3)]
    out = np.empty(len(f), dtype=object)
    for k in (1, 2, 3):
        rows = np.flatnonzero(f.docs == k)
        template = list_template("[" + ",".join([DOC] * k) + "]", flavour)
        args = [a for slot in range(k) for a in (code[rows], parts[slot][rows])]
        out[rows] = _scatter(len(rows), "", np.arange(len(rows)), template, *args)
    return out


def _fees(f: DayFrame, tables: dict[str, ObjArray], flavour: str) -> ObjArray:
    rows = np.flatnonzero(f.fee > 0)
    how = small_numbers()[np.where(f.paid_online[rows] > 0, 2, 1)]
    price = f.fee[rows].astype("U9").astype(object)
    codes = tables["MaTTHC"][f.procedure[rows]]
    template = list_template(FEE, flavour)
    return _scatter(len(f), "[]", rows, template, tables["fee"][f.procedure[rows]], codes, how, price)


def _scatter(n: int, empty: str, rows: IntArray, template: str, *columns: ObjArray) -> ObjArray:
    """An n-cell column of ``empty`` with ``template % row`` at ``rows`` (columns given for those rows)."""
    out = np.full(n, empty, dtype=object)
    if rows.size:
        out[rows] = [template % t for t in zip(*(c.tolist() for c in columns), strict=True)]
    return out


def _supplements(f: DayFrame, lk: Lookups, flavour: str) -> ObjArray:
    rows = np.flatnonzero(f.sup.count > 0)
    if not rows.size:
        return np.full(len(f), "[]", dtype=object)
    s = f.sup
    officer = lk.officers[f.commune[rows], 0]
    entry = inner(SUPPLEMENT, flavour)
    text = np.full(len(rows), "", dtype=object)
    for k in range(s.requested.shape[1]):
        has = np.flatnonzero(s.count[rows] > k)
        r = rows[has]
        answered = np.where(s.answered[r, k] >= 0, "true", "false").astype(object)
        made = _scatter(len(rows), "", has, entry, small_numbers()[np.full(len(r), k + 1)], officer[has],
                        lk.dates(s.requested[r, k]), lk.dates(s.answered[r, k]), answered,
                        lk.dates(s.due_before[r, k]), lk.dates(s.due_after[r, k]))  # fmt: skip
        text = np.where(s.count[rows] > k, text + ("," if k else "") + made, text)
    wrap = '"[%s]"' if flavour == "csv" else "[%s]"
    return _scatter(len(f), "[]", rows, wrap, text)


def _results(f: DayFrame, code: ObjArray, tables: dict[str, ObjArray], flavour: str) -> ObjArray:
    rows = np.flatnonzero(np.isin(f.status, list(WITH_RESULT)))
    c = code[rows]
    link = np.where(
        f.e_result[rows],
        inner(',"DuongDanTepTinKetQua":"/results/KQ-', flavour) + c + inner('.pdf"', flavour),
        "",
    )
    return _scatter(
        len(f), "[]", rows, list_template(RESULT, flavour), tables["result"][f.procedure[rows]], c, link
    )


@lru_cache(maxsize=2)
def _step_templates(flavour: str) -> dict[int, str]:
    """Templates of the step list: 1 = receipt only, 2 = and the end, 3 = and the return;
    12 and 13: 2 and 3 with three steps of other departments between receipt and end (the
    passed-around dossiers, PASS_AROUND_RATES)."""
    steps = {k: "[" + ",".join([STEP] * k) + "]" for k in (1, 2, 3)}
    for k in (2, 3):
        steps[10 + k] = "[" + ",".join([STEP, MIDDLE_STEP, MIDDLE_STEP, MIDDLE_STEP] + [STEP] * (k - 1)) + "]"
    return {k: list_template(t, flavour) for k, t in steps.items()}


# Passed-around dossiers ("đùn đẩy", docs/flags.md): the share of a commune's finished dossiers
# whose path leaves the one-stop desk for three steps of other departments and comes back to one
# it had left, by the commune's index in the run modulo 4: half the communes are clean.
PASS_AROUND_RATES = (0.0, 0.02, 0.0, 0.08)
# The two paths, alternating by the dossier's number: within the commune (land → justice →
# land) and out to the land registration branch and back.
BOUNCES = (
    ("Địa chính - Xây dựng", "Tư pháp - Hộ tịch", "Địa chính - Xây dựng"),
    ("Địa chính - Xây dựng", "Chi nhánh Văn phòng đăng ký đất đai", "Địa chính - Xây dựng"),
)
MIDDLE_STEP = (
    '{"MaHoSo":"%s","NguoiXuLy":"%s","ChucDanh":"Công chức","PhongBanXuLy":"%s","ThoiDiemXuLy":"%s",'
    '"NoiDungXuLy":"Chuyển xử lý","TrangThai":"4","NgayBatDau":"%s","NgayKetThucTheoQuyDinh":"%s"}'
)


def passed_around(f: DayFrame) -> npt.NDArray[np.bool_]:
    """Which dossiers of the frame are passed around (finished ones only; deterministic from the
    commune and the dossier's number, so every other cell stays as it was)."""
    rate = np.array(PASS_AROUND_RATES)[f.commune % len(PASS_AROUND_RATES)]
    key = (f.seq * 1_000_003 + f.commune * 7_919 + f.day.toordinal() * 104_729).astype(np.uint64)
    draw = ((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)) / float(1 << 24)  # Fibonacci hashing
    return (f.end >= 0) & (draw < rate)


@lru_cache(maxsize=1)
def _end_texts() -> tuple[ObjArray, ObjArray]:
    what, code = [""] * 11, [""] * 11
    for status, (text, step_status) in END_STEPS.items():
        what[status], code[status] = text, step_status
    return _table(what), _table(code)


def _steps(f: DayFrame, lk: Lookups, code: ObjArray, dates: Cells, flavour: str) -> ObjArray:
    officer = lk.officers[f.commune, f.seq % lk.officers.shape[1]]
    received, due, end, back = dates["NgayTiepNhan"], dates["NgayHenTra"], dates["_end"], dates["NgayTra"]
    what, step_status = _end_texts()
    n = len(f)
    kind = np.where(f.status == DossierStatus.RETURNED, 3, np.where(f.end >= 0, 2, 1))
    kind = np.where(passed_around(f), kind + 10, kind)
    out = np.empty(n, dtype=object)
    receipt = ("Tiếp nhận hồ sơ", "2")
    for k, template in _step_templates(flavour).items():
        rows = np.flatnonzero(kind == k)
        c, o, r, d = code[rows], officer[rows], received[rows], due[rows]
        args: list[Any] = [
            c,
            o,
            r,
            np.full(len(rows), receipt[0], object),
            np.full(len(rows), receipt[1], object),
            r,
            d,
        ]
        if k > 10:
            args += _middle_steps(f, lk, rows, c, o, r, d)
            k -= 10
        if k >= 2:
            st = f.status[rows]
            args += [c, o, end[rows], what[st], step_status[st], r, d]
        if k == 3:
            done, ten = np.full(len(rows), "Trả kết quả", object), np.full(len(rows), "10", object)
            args += [c, o, back[rows], done, ten, back[rows], d]
        out[rows] = _scatter(len(rows), "", np.arange(len(rows)), template, *args)
    return out


def _middle_steps(
    f: DayFrame, lk: Lookups, rows: IntArray, c: ObjArray, o: ObjArray, r: ObjArray, d: ObjArray
) -> list[Any]:
    """The template arguments of three middle steps at 1/4, 1/2 and 3/4 of the time from receipt
    to end, in the departments of BOUNCES."""
    start, end = f.received[rows], f.end[rows]
    path = np.array(BOUNCES, dtype=object)[f.seq[rows] % len(BOUNCES)]
    args: list[Any] = []
    for i in range(3):
        at = lk.dates(start + (end - start) * (i + 1) // 4)
        args += [c, o, path[:, i], at, r, d]
    return args


def json_safe(value: str) -> bool:
    """Whether a string can be put between JSON quotes as it is (the tables above rely on it)."""
    return json.dumps(value, ensure_ascii=False) == f'"{value}"' and "," not in value and "%" not in value
