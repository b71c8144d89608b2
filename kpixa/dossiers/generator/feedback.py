"""Petitions (phản ánh, kiến nghị — PAKN) and citizen ratings, as simple flat records.

Forms (docs/generator.md, "Petitions and ratings"):

* petition: MaPAKN, TieuDe, DonViXuLy, NgayTiepNhan, HanXuLy, NgayXuLy, TrangThai
  (1 received, 2 in progress, 3 handled);
* rating: MaDanhGia, DoiTuong (1 dossier, 2 petition), MaDoiTuong (the rated dossier's or
  petition's code), DonViXuLy, NgayDanhGia, MucDoHaiLong (1 very satisfied, 2 satisfied,
  3 acceptable, 4 not satisfied) — the names and scale the importer (kpixa.dossiers.services.ingest) reads.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kpixa.rules.codes import WITH_RESULT

from .render import Lookups, ObjArray, numbers4
from .timeline import DAY, HOUR, Context, DayFrame, _into_office_hours, _office_time, day_seconds

PETITION_COLUMNS = ("MaPAKN", "TieuDe", "DonViXuLy", "NgayTiepNhan", "HanXuLy", "NgayXuLy", "TrangThai")
RATING_COLUMNS = ("MaDanhGia", "DoiTuong", "MaDoiTuong", "DonViXuLy", "NgayDanhGia", "MucDoHaiLong")
PETITIONS_PER_DOSSIER = 0.004
PETITION_DAYS = 15  # handling limit in working days (docs/rules.md, "The service index")
DOSSIER_RATED = 0.08  # share of finished dossiers the citizen rates
PETITION_RATED = 0.3
TOPICS = (
    "Phản ánh chậm trả kết quả hồ sơ",
    "Kiến nghị sửa chữa đường giao thông nông thôn",
    "Phản ánh ô nhiễm môi trường khu dân cư",
    "Kiến nghị về chi trả trợ cấp xã hội",
    "Phản ánh thái độ phục vụ tại Bộ phận Một cửa",
    "Kiến nghị cấp nước sinh hoạt",
    "Phản ánh tình trạng lấn chiếm đất công",
    "Kiến nghị lắp đặt đèn chiếu sáng công cộng",
)


def petitions(
    ctx: Context, frame: DayFrame, expected: npt.NDArray[np.float64], lk: Lookups
) -> dict[str, ObjArray]:
    """Petitions received on the frame's day (Poisson per commune, a fraction of its dossiers)."""
    rng = np.random.default_rng([ctx.seed, 13, frame.day.toordinal()])
    counts = rng.poisson(expected * PETITIONS_PER_DOSSIER)
    commune = np.repeat(np.arange(len(counts)), counts)
    n = len(commune)
    seq = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    received = day_seconds(frame.day) + _office_time(rng, n)
    due = ctx.calendar.due_at_many(received.astype("datetime64[s]"), np.full(n, PETITION_DAYS, float),
                                   np.full(n, "ngay_lam_viec"), np.full(n, -1)).astype(np.int64)  # fmt: skip
    late = rng.random(n) < ctx.profiles.late_at(0)[commune] * 2
    span = due - received
    handled = received + np.where(late, span + rng.exponential(5 * DAY, n), span * rng.beta(2, 3, n)).astype(
        np.int64
    )
    handled = np.maximum(_into_office_hours(rng, handled), received + HOUR)
    done = handled <= ctx.as_of
    status = np.where(done, 3, np.where(rng.random(n) < 0.2, 1, 2))
    unit = lk.units[commune]
    return {
        "MaPAKN": "PAKN-" + unit + frame.day.strftime("-%y%m%d-") + numbers4()[seq],
        "TieuDe": np.array(TOPICS, dtype=object)[rng.integers(0, len(TOPICS), n)],
        "DonViXuLy": unit,
        "NgayTiepNhan": lk.dates(received),
        "HanXuLy": lk.dates(due),
        "NgayXuLy": lk.dates(np.where(done, handled, -1)),
        "TrangThai": status.astype("U1").astype(object),
        "_handled": np.where(done, handled, -1).astype(object),
        "_late": late.astype(object),
    }


def _levels(rng: np.random.Generator, unhappy: npt.NDArray[np.bool_]) -> ObjArray:
    """Satisfaction 1 (very satisfied) … 4 (not satisfied): mostly 1–2, worse when late."""
    n = len(unhappy)
    happy = rng.choice(4, n, p=[0.55, 0.36, 0.06, 0.03]) + 1
    sad = rng.choice(4, n, p=[0.05, 0.2, 0.35, 0.4]) + 1
    return np.where(unhappy, sad, happy).astype("U1").astype(object)


def ratings(
    ctx: Context, frame: DayFrame, dossier_codes: ObjArray, pakn: dict[str, ObjArray], lk: Lookups
) -> dict[str, ObjArray]:
    """Ratings of the day's finished dossiers and handled petitions (rated when returned/handled)."""
    rng = np.random.default_rng([ctx.seed, 17, frame.day.toordinal()])
    when = np.where(frame.returned >= 0, frame.returned, frame.end)
    pick = np.flatnonzero(np.isin(frame.status, list(WITH_RESULT)) & (rng.random(len(frame)) < DOSSIER_RATED))
    late = np.asarray(when[pick] > frame.due[pick] + frame.sup.count[pick] * 2 * DAY)
    handled = pakn["_handled"].astype(np.int64)
    ppick = np.flatnonzero((handled >= 0) & (rng.random(len(handled)) < PETITION_RATED))
    rated_at = np.concatenate([when[pick], handled[ppick]]) + rng.integers(
        HOUR, 2 * DAY, len(pick) + len(ppick)
    )
    codes = np.concatenate([dossier_codes[pick], pakn["MaPAKN"][ppick]])
    kinds = np.array(["1"] * len(pick) + ["2"] * len(ppick), dtype=object)
    unhappy = np.concatenate([late, pakn["_late"][ppick].astype(bool)])
    return {
        "MaDanhGia": "DG-" + codes,
        "DoiTuong": kinds,
        "MaDoiTuong": codes,
        "DonViXuLy": np.concatenate([lk.units[frame.commune[pick]], pakn["DonViXuLy"][ppick]]),
        "NgayDanhGia": lk.dates(np.minimum(rated_at, ctx.as_of)),
        "MucDoHaiLong": _levels(rng, unhappy),
    }
