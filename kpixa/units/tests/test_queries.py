from __future__ import annotations

from datetime import date

from kpixa.units.models import PostKind
from kpixa.units.queries import accountable_leaders_on, accountable_leaders_over


def test_it_finds_both_accountable_leaders_on_a_day_in_one_query(world, leaders, django_assert_num_queries):
    ids = [world.commune.pk, world.sibling.pk, world.third.pk]
    with django_assert_num_queries(1):
        on = accountable_leaders_on(ids, date(2025, 10, 14))
        names = {cid: {post: t.person.full_name for post, t in posts.items()} for cid, posts in on.items()}
    assert names == {
        world.commune.pk: {PostKind.SECRETARY: "Rơ Châm H'Bia", PostKind.CHAIRMAN: "Siu Thị Hoa"},
        world.sibling.pk: {PostKind.SECRETARY: "Ksor Y Nam"},
    }
    assert accountable_leaders_on(ids, date(2025, 10, 15))[world.commune.pk][
        PostKind.CHAIRMAN
    ].person.full_name == ("Đinh Văn Thương")
    assert accountable_leaders_on(ids, date(2025, 6, 30)) == {}


def test_it_finds_every_accountable_tenure_over_a_period_in_one_query(
    world, leaders, django_assert_num_queries
):
    ids = [world.commune.pk, world.sibling.pk]
    with django_assert_num_queries(1):
        over = accountable_leaders_over(ids, date(2025, 7, 1), date(2025, 12, 31))
        rows = [(t.post, t.person.full_name, t.days_served) for t in over[world.commune.pk]]
    assert rows == [
        (PostKind.CHAIRMAN, "Siu Thị Hoa", 106),
        (PostKind.CHAIRMAN, "Đinh Văn Thương", 78),
        (PostKind.SECRETARY, "Rơ Châm H'Bia", 184),
    ]
    assert [t.days_served for t in over[world.sibling.pk]] == [184]


def test_it_leaves_out_tenures_outside_the_period(world, leaders):
    over = accountable_leaders_over([world.commune.pk], date(2025, 11, 1), date(2025, 11, 30))
    assert [(t.person.full_name, t.served_from, t.served_to) for t in over[world.commune.pk]] == [
        ("Đinh Văn Thương", date(2025, 11, 1), date(2025, 11, 30)),
        ("Rơ Châm H'Bia", date(2025, 11, 1), date(2025, 11, 30)),
    ]
