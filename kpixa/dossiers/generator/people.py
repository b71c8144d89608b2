"""Fake citizens: plausible Vietnamese names (Kinh and ethnic minorities), phone and id numbers.

Every name is drawn at random from common parts; none is meant to be a real person.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt

ObjArray = npt.NDArray[np.object_]

KINH_SURNAMES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 3),
    ("Phan", 4.5), ("Vũ", 2), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Trương", 1), ("Đinh", 1), ("Lương", 0.5),
    ("Mai", 0.5), ("Cao", 0.5), ("Tạ", 0.3), ("Châu", 0.3),
)  # fmt: skip
MALE_MIDDLE = ("Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Ngọc", "Tấn")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Bảo", "Mỹ", "Phương")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
    "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Khoa", "Lộc",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai",
    "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Trinh", "Uyên", "Vân", "Vy", "Yến",
)  # fmt: skip
# Jrai and Bahnar naming (Central Highlands): clan name + given name, no middle name.
MINORITY_SURNAMES = (
    "Ksor", "Rơ Châm", "Rơ Mah", "Siu", "Kpă", "Nay", "Rah Lan", "Puih", "Đinh", "Hiao", "Rơ Lan", "Kpuih",
)  # fmt: skip
MINORITY_MALE = (
    "Blơi",
    "Thuel",
    "Yơh",
    "Dưh",
    "Hyơr",
    "Bơm",
    "Rin",
    "Hiếu",
    "Kông",
    "Djuih",
    "Khoan",
    "Phiơ",
)
MINORITY_FEMALE = (
    "H'Bia",
    "H'Nga",
    "H'Yim",
    "Hen",
    "Blih",
    "Nhiơ",
    "H'Linh",
    "Hyuh",
    "Dun",
    "Ler",
    "H'Mai",
    "Plin",
)
PHONE_PREFIXES = (
    "090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037",
    "038", "039", "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "088",
)  # fmt: skip


def _pick(rng: np.random.Generator, values: tuple[str, ...], n: int) -> ObjArray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), n)]


def _kinh(rng: np.random.Generator, male: npt.NDArray[np.bool_]) -> ObjArray:
    n = len(male)
    names, weights = zip(*KINH_SURNAMES, strict=True)
    p = np.array(weights) / sum(weights)
    surname = np.array(names, dtype=object)[rng.choice(len(names), n, p=p)]
    middle = np.where(male, _pick(rng, MALE_MIDDLE, n), _pick(rng, FEMALE_MIDDLE, n))
    given = np.where(male, _pick(rng, MALE_GIVEN, n), _pick(rng, FEMALE_GIVEN, n))
    return cast(ObjArray, surname + " " + middle + " " + given)


def _minority(rng: np.random.Generator, male: npt.NDArray[np.bool_]) -> ObjArray:
    n = len(male)
    given = np.where(male, _pick(rng, MINORITY_MALE, n), _pick(rng, MINORITY_FEMALE, n))
    return _pick(rng, MINORITY_SURNAMES, n) + " " + given


def names(rng: np.random.Generator, minority_share: npt.NDArray[np.float64]) -> ObjArray:
    """One full name per entry of ``minority_share`` (that person's chance of a minority name)."""
    n = len(minority_share)
    male = rng.random(n) < 0.5
    minority = rng.random(n) < minority_share
    return np.where(minority, _minority(rng, male), _kinh(rng, male))


def phones(rng: np.random.Generator, n: int) -> ObjArray:
    """Ten-digit mobile numbers with real carrier prefixes and random subscriber digits."""
    if n == 0:
        return np.empty(0, dtype=object)
    tail = rng.integers(0, 10_000_000, n).astype("U7")
    return _pick(rng, PHONE_PREFIXES, n) + np.char.zfill(tail, 7).astype(object)


def id_numbers(rng: np.random.Generator, n: int) -> ObjArray:
    """Twelve-digit citizen id numbers: a province prefix, then random digits."""
    if n == 0:
        return np.empty(0, dtype=object)
    head = rng.integers(1, 97, n).astype("U3")
    tail = rng.integers(0, 1_000_000_000, n).astype("U9")
    return ("0" + np.char.zfill(head, 2).astype(object)) + np.char.zfill(tail, 9).astype(object)
