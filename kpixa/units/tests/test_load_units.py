from __future__ import annotations

import io
import time
import unicodedata
from collections import Counter

from django.core.management import call_command

from kpixa.accounts.audit import verify_chain
from kpixa.accounts.models import AuditEntry
from kpixa.units.models import Commune, Province
from kpixa.units.services import load_units
from kpixa.units.tests.conftest import fake_divisions


def test_it_loads_all_provinces_and_communes(loaded):
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert Commune.objects.filter(province__code="52").count() == 135
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"
    assert Commune.objects.get(code="00004").name == "Phường Ba Đình"


def test_it_stores_codes_names_kinds_and_version(loaded):
    ia_dom = Commune.objects.select_related("province").get(code="23872")
    assert (ia_dom.name, ia_dom.kind, ia_dom.province.code) == ("Xã Ia Dom", "xa", "52")
    assert ia_dom.data_version == loaded.data_version != ""
    kinds = Counter(Commune.objects.values_list("kind", flat=True))
    assert kinds == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    assert all(unicodedata.is_normalized("NFC", n) for n in Commune.objects.values_list("name", flat=True))
    assert {len(c) for c in Commune.objects.values_list("code", flat=True)} == {5}


def test_it_is_idempotent_and_fast(loaded, django_assert_max_num_queries):
    started = time.monotonic()
    with django_assert_max_num_queries(12):
        again = load_units()
    assert time.monotonic() - started < 3
    assert (again.loaded, again.added, again.renamed, again.retired) == (3321, 0, 0, 0)
    assert Commune.objects.count() == 3321


def test_it_renames_retires_and_restores_with_a_fake_list(db):
    first = load_units(fake_divisions())
    assert (first.added, first.provinces.added) == (3, 1)
    smaller = fake_divisions("fake-2", c00004="Phường Ba Đình Mới")
    smaller = type(smaller)(smaller.version, smaller.provinces, smaller.communes[:2])
    second = load_units(smaller)
    assert (second.added, second.renamed, second.retired) == (0, 1, 1)
    gone = Commune.objects.get(code="00025")
    assert gone.retired_at is not None  # retired, not deleted
    assert Commune.objects.get(code="00004").name == "Phường Ba Đình Mới"
    third = load_units(fake_divisions("fake-3"))
    assert (third.communes.restored, third.retired) == (1, 0)
    assert Commune.objects.filter(retired_at__isnull=True).count() == 3
    assert set(Commune.objects.values_list("data_version", flat=True)) == {"fake-3"}


def test_it_writes_one_audit_entry_per_load(db):
    load_units(fake_divisions())
    load_units(fake_divisions())
    entries = AuditEntry.objects.filter(action="units.load")
    assert entries.count() == 2
    last = entries.last()
    assert last is not None and last.after is not None
    assert last.after["communes"]["loaded"] == 3
    assert verify_chain() == []


def test_it_prints_the_counts(db):
    out = io.StringIO()
    call_command("load_units", stdout=out)
    text = out.getvalue()
    assert "Xã/phường: nạp 3321, thêm 3321, đổi tên 0, ngừng hiệu lực 0" in text
    assert "Tỉnh/thành phố: nạp 34" in text
