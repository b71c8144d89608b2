from __future__ import annotations

from collections import Counter
from datetime import date

from kpixa.accounts.models import AuditEntry
from kpixa.units.demo import alias_numbers, demo_alias, seed_units_demo
from kpixa.units.models import ACCOUNTABLE_POSTS, Commune, Person, PostKind, Tenure, UnitAlias
from kpixa.units.queries import accountable_leaders_on, resolve_unit


def test_it_gives_every_gia_lai_commune_a_peer_group_and_both_leaders(loaded):
    seed_units_demo()
    communes = Commune.objects.filter(province__code="52")
    groups = Counter(communes.values_list("peer_groups__code", flat=True))
    assert sum(groups.values()) == 135 and None not in groups
    assert groups["do_thi"] == 25 and groups["bien_gioi"] >= 5 and groups["ven_bien"] >= 5
    assert Commune.objects.get(code="23872").peer_groups.get().code == "bien_gioi"
    ids = list(communes.values_list("id", flat=True))
    on = accountable_leaders_on(ids, date(2025, 7, 1))
    assert len(on) == 135 and all(set(posts) == set(ACCOUNTABLE_POSTS) for posts in on.values())
    assert len(accountable_leaders_on(ids, date(2025, 12, 31))) == 135


def test_it_makes_some_mid_period_changes_and_deputies(loaded):
    seed_units_demo()
    changed = Tenure.objects.filter(start=date(2025, 10, 15))
    assert changed.count() == 8
    assert Tenure.objects.filter(end=date(2025, 10, 14)).count() == 8
    assert changed.filter(post=PostKind.CHAIRMAN).count() == 6
    assert Tenure.objects.filter(post=PostKind.VICE_CHAIRMAN).count() == 10
    names = set(Person.objects.values_list("full_name", flat=True))
    assert any(n.startswith(("Rơ Châm", "Ksor", "Siu", "Đinh")) for n in names)
    assert any(n.startswith("Nguyễn") for n in names)


def test_it_gives_ia_dom_the_sample_payload_alias(loaded):
    seed_units_demo()
    assert UnitAlias.objects.filter(commune__province__code="52", system="").count() == 135
    assert resolve_unit("000.00.21.H52").code == "23872"  # type: ignore[union-attr]


def test_the_alias_scheme_skips_the_reserved_number():
    numbers = alias_numbers(["21553", "21583", "23872"])
    assert numbers == {"21553": 1, "21583": 2, "23872": 21}
    assert demo_alias(135, "52") == "000.01.35.H52"
    codes = [f"{n:05d}" for n in range(30)] + ["23872"]
    assert sorted(alias_numbers(codes).values()) == list(range(1, 32))  # one number each, none skipped


def test_it_is_idempotent_and_keeps_admin_edits(loaded):
    seed_units_demo()
    ia_dom = Commune.objects.get(code="23872")
    ia_dom.peer_groups.set([])
    ia_dom.peer_groups.add(*list(Commune.objects.get(code="21553").peer_groups.all()))
    counts = (Tenure.objects.count(), Person.objects.count(), UnitAlias.objects.count())
    seed_units_demo()
    assert (Tenure.objects.count(), Person.objects.count(), UnitAlias.objects.count()) == counts
    assert ia_dom.peer_groups.get().code == "do_thi"
    assert AuditEntry.objects.filter(action="units.seed_demo").count() == 2


def test_it_is_deterministic(loaded):
    seed_units_demo()
    first = list(Tenure.objects.order_by("commune__code", "post", "start").values_list("person__full_name"))
    Tenure.objects.all().delete()
    Person.objects.all().delete()
    seed_units_demo()
    again = list(Tenure.objects.order_by("commune__code", "post", "start").values_list("person__full_name"))
    assert first == again
