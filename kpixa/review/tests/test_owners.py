"""The responsibility matrix: the framework file's ``owner`` key, the province's assignments with
tenure, the resolution order, gaps, the audit, and the person holding the post on a day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kpixa.accounts.models import AuditEntry
from kpixa.frameworks.models import FrameworkVersion, IndicatorOwner
from kpixa.frameworks.owners import FILE, PROVINCE, owners_of, resolve
from kpixa.frameworks.services import OwnerError, assign_owner, install_framework, shipped_files
from kpixa.scoring.engine.loader import FrameworkError, load_framework
from kpixa.scoring.engine.model import Owner
from kpixa.units.models import Person, PostKind, Tenure

SMALL = """
code: t
version: "1"
name: T
valid_from: 2025-01-01
total: 10
groups:
  - code: "1"
    name: G1
    max: 6
    owner: {post: vice_chairman, field: Kinh tế}
    indicators:
      - {code: "1.1", name: A, numerator: dossiers.on_time, denominator: dossiers.total, max_points: 3}
      - code: "1.2"
        name: B
        numerator: dossiers.on_time
        denominator: dossiers.total
        max_points: 3
        owner: chairman
  - code: "2"
    name: G2
    max: 4
    indicators:
      - {code: "2.1", name: C, numerator: dossiers.on_time, denominator: dossiers.total, max_points: 4}
"""


def test_the_owner_key_is_optional_and_takes_a_post_or_a_post_with_its_field() -> None:
    framework = load_framework(SMALL)
    assert framework.groups[0].owner == Owner("vice_chairman", "Kinh tế")
    assert framework.groups[0].indicators[1].owner == Owner("chairman")
    assert framework.groups[0].indicators[0].owner is None and framework.groups[1].owner is None
    for path in shipped_files():  # every shipped file stays valid without the key
        load_framework(path.read_text("utf-8"), path.name)


def test_an_unknown_post_is_refused_with_its_line() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework(SMALL.replace("owner: chairman", "owner: mayor"))
    assert caught.value.errors[0][0] == 19
    assert "mayor" in caught.value.errors[0][1]


def test_the_file_default_applies_and_an_indicator_without_any_owner_is_a_gap() -> None:
    lines = resolve(load_framework(SMALL), [], 1, date(2025, 5, 1))
    assert (lines["1.1"].post, lines["1.1"].field, lines["1.1"].source) == ("vice_chairman", "Kinh tế", FILE)
    assert lines["1.2"].post == "chairman"
    assert lines["2.1"].is_gap


@pytest.fixture
def version(world: Any) -> FrameworkVersion:
    fv, _ = install_framework(SMALL, activate=True, source_name="t.yaml")
    return fv


@pytest.mark.django_db
def test_a_new_owner_closes_the_previous_one_so_each_date_has_its_owner(world: Any, version: Any) -> None:
    admin = world.users["province_admin"]
    first = assign_owner(admin, version, world.province, "2", PostKind.SECRETARY, date(2025, 1, 1))
    assign_owner(admin, version, world.province, "2", PostKind.CHAIRMAN, date(2025, 7, 1), note="QĐ 12")
    first.refresh_from_db()
    assert first.end == date(2025, 6, 30)
    rows = list(IndicatorOwner.objects.all())
    assert resolve(version.framework(), rows, world.commune.pk, date(2025, 6, 30))["2.1"].post == "secretary"
    july = resolve(version.framework(), rows, world.commune.pk, date(2025, 7, 1))["2.1"]
    assert (july.post, july.source, july.since) == ("chairman", PROVINCE, date(2025, 7, 1))
    entry = AuditEntry.objects.filter(action="framework.owner_assigned").order_by("-id").first()
    assert entry is not None and entry.province_code == "52" and entry.reason == "QĐ 12"
    with pytest.raises(OwnerError):  # history is not rewritten
        assign_owner(admin, version, world.province, "2", PostKind.SECRETARY, date(2025, 7, 1))
    with pytest.raises(OwnerError):
        assign_owner(admin, version, world.province, "9.9", PostKind.SECRETARY, date(2025, 8, 1))
    with pytest.raises(OwnerError):  # another province's commune
        assign_owner(
            admin, version, world.province, "2", PostKind.SECRETARY, date(2025, 8, 1), commune=world.foreign
        )


@pytest.mark.django_db
def test_the_commune_s_own_assignment_wins_and_names_the_person_holding_the_post(
    world: Any, version: Any
) -> None:
    assign_owner(None, version, world.province, "1", PostKind.SECRETARY, date(2025, 1, 1))
    assign_owner(
        None, version, world.province, "1.1", PostKind.CHAIRMAN, date(2025, 1, 1), commune=world.commune
    )
    person = Person.objects.create(full_name="Siu Thị Lan", province=world.province)
    Tenure.objects.create(
        commune=world.commune, post=PostKind.CHAIRMAN, person=person, start=date(2024, 1, 1)
    )
    lines = owners_of(version, world.commune.pk, world.province.pk, date(2025, 5, 1))
    assert (lines["1.1"].post, lines["1.1"].source, lines["1.1"].person_name) == (
        "chairman",
        "commune",
        "Siu Thị Lan",
    )
    assert lines["1.2"].post == "secretary"  # the province's group owner beats the file's indicator owner
    other = owners_of(version, world.sibling.pk, world.province.pk, date(2025, 5, 1))
    assert other["1.1"].post == "secretary" and other["1.1"].person_name == ""


@pytest.mark.django_db
def test_the_matrix_page_shows_owners_and_gaps_in_fixed_queries(
    world: Any, version: Any, django_assert_num_queries: Any
) -> None:
    from kpixa.web.tests.helpers import client_for, page

    assign_owner(None, version, world.province, "1", PostKind.SECRETARY, date(2025, 1, 1))
    assign_owner(
        None, version, world.province, "1.1", PostKind.CHAIRMAN, date(2025, 1, 1), commune=world.commune
    )
    client = client_for(world, "province_viewer")
    url = "/giao-ban/tinh/52/chiu-trach-nhiem/?ngay=2025-05-01&framework=t"
    client.get(url)
    with django_assert_num_queries(5):  # user, province, menu count, version, assignments
        html = page(client, url)
    assert "1 chỉ số chưa có người chịu trách nhiệm." in html  # 2.1: no owner anywhere
    assert "Giao người chịu trách nhiệm" not in html  # a viewer does not assign
    assert "Giao người chịu trách nhiệm" in page(client_for(world, "province_admin"), url)
    assert client_for(world, "province_viewer").post(url, {}).status_code == 403
