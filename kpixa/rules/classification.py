"""Classification by points (docs/rules.md, "Classification"): the four classes of Decree
335/2025/NĐ-CP and Regulation 366-QĐ/TW and their national bands — ≥ 90 excellent, 70 to < 90
good, 50 to < 70 completed, < 50 not completed. A framework file may set other bands; these are
the defaults. No Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class ClassCode(StrEnum):
    """The stored code of a class (equal to its string, as stored in the database and the files)."""

    EXCELLENT = "xuat_sac"
    GOOD = "tot"
    COMPLETED = "hoan_thanh"
    FAILED = "khong_hoan_thanh"


# (code, lowest total, Vietnamese label, English label), best first.
NATIONAL_BANDS: tuple[tuple[ClassCode, Decimal, str, str], ...] = (
    (ClassCode.EXCELLENT, Decimal(90), "Hoàn thành xuất sắc nhiệm vụ", "Excellent"),
    (ClassCode.GOOD, Decimal(70), "Hoàn thành tốt nhiệm vụ", "Good"),
    (ClassCode.COMPLETED, Decimal(50), "Hoàn thành nhiệm vụ", "Completed"),
    (ClassCode.FAILED, Decimal(0), "Không hoàn thành nhiệm vụ", "Not completed"),
)


class Band(Protocol):
    """What the band rules read of a band: its code and its lowest total."""

    @property
    def code(self) -> str: ...

    @property
    def min_total(self) -> Decimal: ...


def band_for[B: Band](bands: Sequence[B], total: Decimal) -> B:
    """Return the highest band whose minimum ``total`` reaches (bands are ordered high to low)."""
    for band in bands:
        if total >= band.min_total:
            return band
    return bands[-1]


def band_rank(bands: Sequence[Band], code: str) -> int:
    """Return the position of ``code`` (0 = best); unknown codes rank last."""
    codes = [b.code for b in bands]
    return codes.index(code) if code in codes else len(codes)
