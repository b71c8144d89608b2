from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kpixa.accounts.models import AuditEntry
from kpixa.units.models import PostKind, Tenure
from kpixa.units.services import add_tenure, end_tenure, replace_holder
from kpixa.units.tests.conftest import make_tenure


def test_it_adds_a_tenure_and_audits_it(world, person):
    tenure = add_tenure(commune=world.commune, post=PostKind.CHAIRMAN, person=person, start=date(2025, 7, 1))
    entry = AuditEntry.objects.get(action="units.add_tenure")
    assert entry.object_id == str(tenure.pk)
    assert entry.province_code == "52"
    assert entry.after["person"] == "Ksor Y Nam"  # type: ignore[index]


def test_it_refuses_an_overlapping_tenure_of_the_same_post(world, person):
    make_tenure(world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1), date(2025, 10, 14))
    with pytest.raises(ValidationError) as refused:
        add_tenure(commune=world.commune, post=PostKind.CHAIRMAN, person=person, start=date(2025, 10, 14))
    message = " ".join(refused.value.messages)
    assert "Chủ tịch UBND" in message and "Siu Thị Hoa" in message and "14/10/2025" in message
    assert Tenure.objects.filter(person=person).count() == 0
    assert not AuditEntry.objects.filter(action="units.add_tenure").exists()


def test_it_refuses_any_overlap_with_an_open_tenure(world, person):
    make_tenure(world.commune, PostKind.SECRETARY, "Rơ Châm H'Bia", date(2025, 10, 1))
    with pytest.raises(ValidationError):
        add_tenure(
            commune=world.commune,
            post=PostKind.SECRETARY,
            person=person,
            start=date(2025, 7, 1),
            end=date(2025, 12, 31),
        )


def test_it_allows_adjacent_tenures_other_posts_and_other_communes(world, person):
    make_tenure(world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1), date(2025, 10, 14))
    add_tenure(commune=world.commune, post=PostKind.CHAIRMAN, person=person, start=date(2025, 10, 15))
    add_tenure(commune=world.commune, post=PostKind.SECRETARY, person=person, start=date(2025, 7, 1))
    add_tenure(commune=world.sibling, post=PostKind.CHAIRMAN, person=person, start=date(2025, 7, 1))
    assert Tenure.objects.count() == 4


def test_it_refuses_an_end_before_the_start(world, person):
    with pytest.raises(ValidationError):
        add_tenure(
            commune=world.commune,
            post=PostKind.CHAIRMAN,
            person=person,
            start=date(2025, 7, 1),
            end=date(2025, 6, 30),
        )


def test_it_replaces_a_holder_mid_period(world, person):
    first = make_tenure(world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1))
    second = replace_holder(
        commune=world.commune, post=PostKind.CHAIRMAN, person=person, start=date(2025, 10, 15)
    )
    first.refresh_from_db()
    assert first.end == date(2025, 10, 14)
    assert second.start == date(2025, 10, 15) and second.end is None
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["units.end_tenure", "units.add_tenure"]


def test_it_refuses_to_end_a_tenure_into_the_next_one(world):
    first = make_tenure(world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1), date(2025, 9, 30))
    make_tenure(world.commune, PostKind.CHAIRMAN, "Đinh Văn Thương", date(2025, 10, 1))
    with pytest.raises(ValidationError):
        end_tenure(first, date(2025, 10, 5))


def test_it_clips_a_tenure_to_a_period(world):
    tenure = make_tenure(
        world.commune, PostKind.CHAIRMAN, "Siu Thị Hoa", date(2025, 7, 1), date(2025, 10, 14)
    )
    assert tenure.days_served is None
    tenure.clip(date(2025, 10, 1), date(2025, 12, 31))
    assert (tenure.served_from, tenure.served_to, tenure.days_served) == (
        date(2025, 10, 1),
        date(2025, 10, 14),
        14,
    )
