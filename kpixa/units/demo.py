"""Demo data of the units app: peer groups, leaders and aliases for one province (Gia Lai by default).

Everything is deterministic (rules plus a seeded generator) and idempotent: a second run adds
nothing, and never overwrites what an administrator changed since. See docs/units.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from kpixa.units.models import Commune, CommuneKind, PeerGroup, Person, PostKind, Province, Tenure, UnitAlias
from kpixa.units.signals import record_change

TERM_START = date(2025, 7, 1)
CHANGE_DAY = date(2025, 10, 15)
IA_DOM = "23872"
IA_DOM_ALIAS_NUMBER = 21  # the sample payload names Xã Ia Dom "000.00.21.H52"

PEER_GROUPS = [
    ("bien_gioi", "Xã biên giới", "Border commune"),
    ("mien_nui", "Xã miền núi", "Mountain commune"),
    ("do_thi", "Đô thị", "Urban"),
    ("ven_bien", "Ven biển", "Coastal"),
    ("dong_bang", "Đồng bằng", "Plain"),
]

# Gia Lai since 1/7/2025: codes 21xxx–22xxx were Bình Định, 23xxx–24xxx the former Gia Lai.
FORMER_GIA_LAI_FROM = "23000"
# Communes on the Cambodian border (former Đức Cơ, Chư Prông and Ia Grai districts).
BORDER = {"23782", "23788", "23872", "23881", "23884", "23917", "23938"}
# Former Bình Định communes on the sea (Nhơn Châu is the island).
COASTAL = {"21607", "21751", "21775", "21859", "21880", "21970"}
# Former Bình Định highland communes (An Lão, Vĩnh Thạnh, Vân Canh).
HIGHLAND = {"21609", "21616", "21622", "21628", "21786", "21787", "21796", "21805", "21994", "21997", "22006"}

KINH_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Võ",
    "Phan",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Trương",
    "Lý",
]
KINH_MALE = [("Văn", "Hùng Dũng Thắng Tuấn Hải Long Sơn Trung Bình Nam"), ("Minh", "Quang Tâm Khoa Trí")]
KINH_MALE += [("Đức", "Thịnh Hiếu Anh Toàn"), ("Hữu", "Phúc Nghĩa Lộc"), ("Quốc", "Việt Khánh Huy")]
KINH_FEMALE = [
    ("Thị", "Hoa Lan Hương Mai Hạnh Nga Thủy Hà"),
    ("Ngọc", "Linh Phương Anh"),
    ("Thu", "Trang Hà"),
]
JRAI_FAMILY = ["Rơ Châm", "Ksor", "Siu", "Rah Lan", "Kpă", "Nay", "Rơ Mah", "Puih", "Rcom"]
JRAI_MALE = ["Y Nam", "Blong", "Phin", "Thuyên", "Dol", "Bloih", "Văn Hyêk", "Lek", "Văn Thiêng"]
JRAI_FEMALE = ["H'Bia", "H'Nhung", "H'Lan", "H'Yơn", "Thị Hoa", "Thị Hlim", "H'Mai"]
BAHNAR_FAMILY = ["Đinh", "Đinh Văn", "Đinh Thị"]
BAHNAR_GIVEN = ["Thương", "Hmil", "Yong", "Blơi", "Hrung", "Chơn"]


@dataclass(frozen=True)
class _Post:
    commune: Commune
    post: str
    full_name: str
    start: date
    end: date | None = None


def seed_units_demo(province_code: str = "52", seed: int = 52) -> None:
    """Give the province's communes peer groups, leaders and aliases (idempotent)."""
    if not Commune.objects.filter(province__code=province_code).exists():
        from kpixa.units.services import load_units

        load_units()
    province = Province.objects.get(code=province_code)
    communes = list(
        Commune.objects.filter(province=province, retired_at__isnull=True).select_related("province")
    )
    with transaction.atomic():
        grouped = _assign_peer_groups(communes, seed)
        tenures = _seed_leaders(province, communes, seed)
        aliases = _seed_aliases(province, communes)
        record_change(
            "units.seed_demo",
            object_type="units.Commune",
            province_code=province_code,
            after={"peer_groups_assigned": grouped, "tenures_added": tenures, "aliases_added": aliases},
        )


def _peer_groups() -> dict[str, PeerGroup]:
    PeerGroup.objects.bulk_create(
        [PeerGroup(code=c, name=name, name_en=en) for c, name, en in PEER_GROUPS], ignore_conflicts=True
    )
    return {g.code: g for g in PeerGroup.objects.filter(code__in=[c for c, _n, _e in PEER_GROUPS])}


def peer_group_of(commune: Commune, rng: random.Random) -> str:
    """Return the demo peer group code of a commune by the documented rules."""
    if commune.kind == CommuneKind.PHUONG:
        return "do_thi"
    if commune.kind == CommuneKind.DAC_KHU or commune.code in COASTAL:
        return "ven_bien"
    if commune.code in BORDER:
        return "bien_gioi"
    if commune.code in HIGHLAND:
        return "mien_nui"
    if commune.province.code == "52":
        return "mien_nui" if commune.code >= FORMER_GIA_LAI_FROM else "dong_bang"
    return rng.choice(["dong_bang", "mien_nui"])


def _assign_peer_groups(communes: list[Commune], seed: int) -> int:
    """Give a peer group to each commune that has none yet; return how many got one."""
    groups = _peer_groups()
    through = Commune.peer_groups.through
    done = set(through.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
    rng = random.Random(seed)
    links = [
        through(commune_id=c.pk, peergroup_id=groups[peer_group_of(c, rng)].pk)
        for c in communes
        if c.pk not in done
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)


def demo_name(rng: random.Random, highland: bool) -> str:
    """Return a plausible Vietnamese full name: Kinh, or Jrai/Bahnar in the highlands."""
    roll = rng.random()
    if highland and roll < 0.45:
        names = JRAI_FEMALE if rng.random() < 0.3 else JRAI_MALE
        return f"{rng.choice(JRAI_FAMILY)} {rng.choice(names)}"
    if highland and roll < 0.6:
        return f"{rng.choice(BAHNAR_FAMILY)} {rng.choice(BAHNAR_GIVEN)}"
    middle, given = rng.choice(KINH_FEMALE if rng.random() < 0.25 else KINH_MALE)
    return f"{rng.choice(KINH_FAMILY)} {middle} {rng.choice(given.split())}"


def _plan_commune(commune: Commune, rng: random.Random, change: str | None, deputy: bool) -> list[_Post]:
    highland = commune.kind == CommuneKind.XA and (
        commune.code >= FORMER_GIA_LAI_FROM or commune.code in HIGHLAND
    )
    posts = []
    for post in (PostKind.SECRETARY, PostKind.CHAIRMAN):
        end = CHANGE_DAY - timedelta(days=1) if change == post else None
        posts.append(_Post(commune, post, demo_name(rng, highland), TERM_START, end))
        if end is not None:
            posts.append(_Post(commune, post, demo_name(rng, highland), CHANGE_DAY))
    if deputy:
        posts.append(_Post(commune, PostKind.VICE_CHAIRMAN, demo_name(rng, highland), TERM_START))
    return posts


def _changes(communes: list[Commune], seed: int) -> tuple[dict[str, str], set[str]]:
    """Pick the communes with a mid-period change (8) and with a vice chairman (10)."""
    rng = random.Random(seed)
    codes = [c.code for c in communes if c.code != IA_DOM]
    changed = rng.sample(codes, min(8, len(codes)))
    posts = {code: str(PostKind.SECRETARY if i >= 6 else PostKind.CHAIRMAN) for i, code in enumerate(changed)}
    return posts, set(rng.sample(codes, min(10, len(codes))))


def _seed_leaders(province: Province, communes: list[Commune], seed: int) -> int:
    """Create the leaders of every commune that has no tenure yet; return how many tenures."""
    staffed = set(Tenure.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
    changes, deputies = _changes(communes, seed)
    plan: list[_Post] = []
    for commune in communes:
        if commune.pk not in staffed:
            rng = random.Random(f"{seed}-{commune.code}")
            plan += _plan_commune(commune, rng, changes.get(commune.code), commune.code in deputies)
    people = [Person(full_name=p.full_name, province=province) for p in plan]
    Person.objects.bulk_create(people)
    Tenure.objects.bulk_create(
        [
            Tenure(commune=p.commune, post=p.post, person=person, start=p.start, end=p.end)
            for p, person in zip(plan, people, strict=True)
        ]
    )
    return len(plan)


def alias_numbers(codes: list[str]) -> dict[str, int]:
    """Number communes 1, 2, ... in code order, skipping 21, which Xã Ia Dom always gets."""
    numbers: dict[str, int] = {}
    free = (n for n in range(1, len(codes) + 2) if n != IA_DOM_ALIAS_NUMBER)
    for code in sorted(codes):
        numbers[code] = IA_DOM_ALIAS_NUMBER if code == IA_DOM else next(free)
    return numbers


def demo_alias(number: int, province_code: str) -> str:
    """The agency code of demo number ``number``: ``000.<number div 100>.<number mod 100>.H<province>``."""
    return f"000.{number // 100:02d}.{number % 100:02d}.H{province_code}"


def _seed_aliases(province: Province, communes: list[Commune]) -> int:
    """Create the system-less demo alias of each commune that lacks it; return how many."""
    by_code = {c.code: c for c in communes}
    numbers = alias_numbers(list(by_code))
    wanted = {demo_alias(n, province.code): by_code[code] for code, n in numbers.items()}
    taken = set(UnitAlias.objects.filter(system="", alias__in=wanted).values_list("alias", flat=True))
    new = [UnitAlias(system="", alias=a, commune=c) for a, c in wanted.items() if a not in taken]
    UnitAlias.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
