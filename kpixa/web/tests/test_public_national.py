"""The national page and the home page read only published snapshots: after an upheld appeal they
show the new revision's values, and a period without a snapshot is not public (docs/reporting.md,
"Snapshots")."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kpixa.accounts.models import User
from kpixa.evaluations.models import Period, PeriodState
from kpixa.evaluations.services import appeals, lifecycle
from kpixa.evaluations.tests.conftest import published_q3, reported, score, test_kpi  # noqa: F401
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.web.tests.helpers import assert_csp_clean, client_for, page
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

Q3 = "2025-Q3"
Q4 = "2025-Q4"
NATIONAL = f"/quoc-gia/?framework=test_kpi&period={Q3}"


def appeal(world: Any) -> Any:
    """Ia Dơk (70, rank 2 in revision 1) appeals 1.1; upheld at 85 points: 95, rank 1 in revision 2."""
    leader = world.users["commune_leader"]
    leader.commune = world.sibling
    leader.save()
    filed = appeals.file_appeal(leader, world.sibling, Q3, "test_kpi", "1.1", "Thiếu số liệu tháng 9")
    return appeals.uphold_appeal(world.users["province_admin"], filed, "Đã đối chiếu chứng từ", Decimal(85))


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def province_row(html: str, name: str) -> list[str]:
    start = html.index(f">{name}</a>")
    row = html[html.rindex("<tr>", 0, start) : html.index("</tr>", start)]
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_the_national_page_shows_the_revision_after_an_upheld_appeal(world: Any, published_q3: Any) -> None:  # noqa: F811
    client = Client()
    before = get(client, NATIONAL)  # also caches revision 1's units under its SHA-256
    assert province_row(before, "Tỉnh Gia Lai") == ["3", "70", "2", "1"]  # Tốt, Hoàn thành
    assert section(before, "best-h").index("Xã Ia Dom") < section(before, "best-h").index("Xã Ia Dơk")
    revision = appeal(world)
    html = get(client, NATIONAL)
    assert province_row(html, "Tỉnh Gia Lai") == [
        "3",
        "78,33",
        "1",
        "1",
        "1",
    ]  # Xuất sắc, Tốt, Hoàn thành  # (95 + 80 + 60) / 3
    head = html[html.index("<thead>") : html.index("</thead>")]
    labels = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ")  # best first
    assert (
        head.index(f">{labels[0]}</th>") < head.index(f">{labels[1]}</th>") < head.index(f">{labels[2]}</th>")
    )
    best = section(html, "best-h")
    assert best.index("Xã Ia Dơk") < best.index("Xã Ia Dom") and "— 95" in best
    assert "— 70" not in html
    assert "lần 2" in html and f'title="{revision.sha256}"' in html and revision.sha256[:12] in html
    assert published_q3.sha256[:12] not in html
    # the stored result is frozen at the pre-appeal value: the page does not read it
    assert UnitScore.objects.get(commune=world.sibling, period_code=Q3).total == Decimal(70)


def test_the_home_page_names_the_latest_revision(world: Any, published_q3: Any) -> None:  # noqa: F811
    client = Client()
    first = get(client, "/")
    assert f"bản công bố lần 1 · SHA-256: {published_q3.sha256[:12]}" in first
    assert f"/cong-khai/tinh/52/?period={Q3}" in first
    revision = appeal(world)
    html = get(client, "/")
    assert f"Quý III/2025, bản công bố lần 2 · SHA-256: {revision.sha256[:12]}" in html
    assert published_q3.sha256[:12] not in html


def test_a_period_without_a_snapshot_is_not_public(world: Any, test_kpi: Any) -> None:  # noqa: F811
    """Scored, closed, even put in the "published" state by editing the database: no snapshot, so
    no public page shows it (there is no fallback to the stored scores)."""
    score(world, Q3, {world.commune: 80, world.sibling: 70, world.third: 60})
    lifecycle.close_period(world.users["province_admin"], world.province, Q3)
    Period.objects.filter(province=world.province, code=Q3).update(state=PeriodState.PUBLISHED)
    client = Client()
    national = get(client, NATIONAL)
    assert "Chưa có kết quả nào được công bố." in national and "Tỉnh Gia Lai" not in national
    assert "Chưa có tỉnh nào công bố kết quả." in get(client, "/")
    ranking = get(client, "/cong-khai/tinh/52/?framework=test_kpi")
    assert "Chưa có kết quả đã công bố." in ranking and "Xã Ia Dom" not in ranking
    card = get(client, f"/cong-khai/xa/{world.commune.code}/?framework=test_kpi")
    assert "Chưa có kết quả đã công bố cho xã/phường này." in card and "80 / 100" not in card
    for url in (f"/cong-khai/tinh/52/?period={Q3}", f"/cong-khai/xa/{world.commune.code}/?period={Q3}"):
        response = client.get(url)
        assert response.status_code == 404 and "Chưa có kỳ nào được công bố." in response.content.decode()


def test_a_later_unpublished_period_stays_off_the_public_pages(world: Any, published_q3: Any) -> None:  # noqa: F811
    score(world, Q4, {world.commune: 50, world.sibling: 40, world.third: 30})
    lifecycle.close_period(world.users["province_admin"], world.province, Q4)
    client = Client()
    html = get(client, f"/quoc-gia/?framework=test_kpi&period={Q4}")
    assert "Quý IV/2025" not in html and "Quý III/2025 (2025-Q3)" in html
    assert province_row(html, "Tỉnh Gia Lai")[1] == "70"
    assert "Quý III/2025, bản công bố lần 1" in get(client, "/")


def test_operators_also_see_unpublished_provinces_from_stored_results(
    world: Any,
    published_q3: Any,  # noqa: F811
) -> None:
    compute_scores(
        "test_kpi", Q3, "66", providers=reported({world.foreign.pk: {"result": 100, "budget_revenue": 100}})
    )
    appeal(world)
    operator = User.objects.create(username="operator", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)
    html = get(client, NATIONAL)
    assert province_row(html, "Tỉnh Gia Lai")[1] == "78,33" and "lần 2" in html
    assert province_row(html, "Tỉnh Đắk Lắk")[:2] == ["1", "100"]
    assert "Chưa công bố" in html and "Phường Buôn Ma Thuột" in section(html, "best-h")
    assert "Tỉnh Đắk Lắk" not in get(Client(), NATIONAL)  # the public sees published results only


def test_the_public_national_and_home_pages_read_a_fixed_number_of_queries(
    world: Any,
    published_q3: Any,  # noqa: F811
    django_assert_num_queries: Any,
) -> None:
    appeal(world)
    client = Client()
    with django_assert_num_queries(4):  # publication state, periods, latest revisions, their content
        client.get(NATIONAL)
    with django_assert_num_queries(1):  # the publication state: periods and result cached under it
        client.get(NATIONAL)
    with django_assert_num_queries(1):  # the latest revision of each province's periods
        client.get("/")


@pytest.mark.parametrize("code", ["52", "66"])
def test_the_public_ranking_of_a_province_without_any_snapshot_is_empty(world: Any, code: str) -> None:
    html = get(Client(), f"/cong-khai/tinh/{code}/")
    assert "Chưa có kết quả đã công bố." in html


def test_the_national_page_counts_the_framework_s_own_classes(scored: Any) -> None:
    """dvc766 grades Xuất sắc, Tốt, Khá, Chưa đạt: the columns are the classes the snapshot gives,
    best first, and they add up to the communes counted."""
    html = get(Client(), "/quoc-gia/?period=2025-Q2")
    head = html[html.index("<thead>") : html.index("</thead>")]
    units = scored.published.content["units"]
    labels = {u["classification_label"] for u in units if u["framework"] == "dvc766"}
    assert labels and all(f">{label}</th>" in head for label in labels)
    row = province_row(html, "Tỉnh Gia Lai")
    assert row[0] == "3" and sum(int(n) for n in row[2:]) == 3


def test_the_cached_public_result_is_not_what_an_operator_sees(world: Any, published_q3: Any) -> None:  # noqa: F811
    compute_scores(
        "test_kpi", Q3, "66", providers=reported({world.foreign.pk: {"result": 100, "budget_revenue": 100}})
    )
    assert "Tỉnh Đắk Lắk" not in get(Client(), NATIONAL)  # the public result, now cached
    operator = User.objects.create(username="operator", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)
    assert province_row(get(client, NATIONAL), "Tỉnh Đắk Lắk")[:2] == ["1", "100"]
    assert "Tỉnh Đắk Lắk" not in get(Client(), NATIONAL)


def test_the_public_result_is_computed_once_for_the_same_snapshots(
    world: Any,
    published_q3: Any,  # noqa: F811
    django_assert_num_queries: Any,
    monkeypatch: Any,
) -> None:
    from kpixa.web.pages import national
    from kpixa.web.pages.common import pick_period
    from kpixa.web.pages.snapshots import public_periods

    period = pick_period(Q3, public_periods())
    assert period is not None
    first = national.national("test_kpi", period)

    def computed_again(*args: Any) -> None:
        raise AssertionError("the national result was computed again for the same snapshots")

    monkeypatch.setattr(national, "_national", computed_again)
    with django_assert_num_queries(1):  # the latest revisions; the rest is the cached result
        again = national.national("test_kpi", period)
    assert again == first and again.summary[0].sha256 == published_q3.sha256
    revision = appeal(world)  # a new revision: a new key, so it is computed (and here refused)
    with pytest.raises(AssertionError, match="computed again"):
        national.national("test_kpi", period)
    assert revision.sha256 != published_q3.sha256


# --- the public and national pages of the scored world ---------------------------------------------


def test_it_shows_only_published_results_without_login(scored: Any) -> None:
    anonymous = client_for(scored, None)
    ranking = page(anonymous, "/cong-khai/tinh/52/")
    assert "Quý II/2025 (2025-Q2)" in ranking and "2025-Q3" not in ranking
    assert "Xã Ia Dom" in ranking
    assert anonymous.get("/cong-khai/xa/23872/?period=2025-Q3").status_code == 404  # not published
    card = page(anonymous, "/cong-khai/xa/23872/")
    assert "Quý II/2025 (2025-Q2)" in card
    assert "/ho-so/" not in card and "/lanh-dao/" not in card
    assert "Nguyễn Văn An" not in card
    assert "Chưa có kết quả đã công bố" in page(anonymous, "/cong-khai/tinh/66/")
    assert_csp_clean(card)


def test_it_summarises_the_country_from_published_results(
    scored: Any, django_assert_num_queries: Any
) -> None:
    anonymous = client_for(scored, None)
    html = page(anonymous, "/quoc-gia/")
    assert "Tỉnh Gia Lai" in html and "Quý II/2025 (2025-Q2)" in html
    assert "2025-Q3" not in html
    with django_assert_num_queries(1):  # the publication state (periods and result cached under it)
        anonymous.get("/quoc-gia/")
