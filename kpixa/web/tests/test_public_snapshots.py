"""The public ranking and scorecard read the latest published snapshot and note revisions
(docs/reporting.md, "Snapshots")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kpixa.evaluations.queries import latest_snapshot
from kpixa.evaluations.services import appeals, lifecycle
from kpixa.evaluations.tests.conftest import published_q3, score, test_kpi  # noqa: F401
from kpixa.scoring.models import UnitScore

Q3 = "2025-Q3"
Q4 = "2025-Q4"
NOTE = "Thứ hạng/kết quả đã được điều chỉnh sau khiếu nại"


@pytest.fixture
def revised(world: Any, published_q3: Any) -> Any:  # noqa: F811
    """Q3 published (Ia Dom 80 rank 1, Ia Dơk 70 rank 2), then Ia Dơk's appeal upheld: 95, rank 1."""
    leader = world.users["commune_leader"]
    leader.commune = world.sibling
    leader.save()
    appeal = appeals.file_appeal(leader, world.sibling, Q3, "test_kpi", "1.1", "Thiếu số liệu tháng 9")
    appeals.uphold_appeal(world.users["province_admin"], appeal, "Đã đối chiếu chứng từ", Decimal(85))
    return world


def get(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[html.rindex("<tr>", 0, start) : html.index("</tr>", start)]


def test_it_ranks_from_the_latest_revision_and_notes_the_change(revised: Any) -> None:
    html = get(f"/cong-khai/tinh/52/?framework=test_kpi&period={Q3}")
    assert '<td class="num">1</td>' in row_of(html, "Xã Ia Dơk") and "95" in row_of(html, "Xã Ia Dơk")
    assert '<td class="num">2</td>' in row_of(html, "Xã Ia Dom")
    assert NOTE in html and "Đã đối chiếu chứng từ" in html
    assert "Xã Ia Dơk: hạng 2 → 1" in html and "Xã Ia Dom: hạng 1 → 2" in html
    latest = latest_snapshot(revised.province, Q3)
    assert latest is not None and latest.revision == 2
    assert "Bản công bố lần 2" in html and latest.sha256[:12] in html
    # the stored rows are frozen at the pre-appeal values: the page does not read them
    assert UnitScore.objects.get(commune=revised.sibling, period_code=Q3).rank_province == 2


def test_it_shows_the_revised_scorecard_with_the_rank_note(revised: Any) -> None:
    html = get(f"/cong-khai/xa/{revised.sibling.code}/?framework=test_kpi&period={Q3}")
    assert "95 / 100" in html and "85 / 90" in html
    assert NOTE in html and "Lần công bố 2" in html and "hạng 2 → 1" in html
    assert "Đã đối chiếu chứng từ" in html and "Bản công bố lần 2" in html
    assert "Thiếu số liệu tháng 9" not in html  # the appeal's own text is not public
    assert "Số liệu tính đến" in html and 'id="cach-tinh"' in html


def test_it_shows_no_note_before_any_revision(world: Any, published_q3: Any) -> None:  # noqa: F811
    html = get(f"/cong-khai/xa/{world.commune.code}/?framework=test_kpi&period={Q3}")
    assert "80 / 100" in html and "Bản công bố lần 1" in html and NOTE not in html
    assert NOTE not in get(f"/cong-khai/tinh/52/?framework=test_kpi&period={Q3}")


def test_it_does_not_show_an_unpublished_period(revised: Any) -> None:
    score(revised, Q4, {revised.commune: 50, revised.sibling: 40})
    lifecycle.close_period(revised.users["province_admin"], revised.province, Q4)
    for url in (
        f"/cong-khai/tinh/52/?framework=test_kpi&period={Q4}",
        f"/cong-khai/xa/{revised.commune.code}/?period={Q4}",
    ):
        response = Client().get(url)  # not published: 404 naming the published periods, no fallback
        page = response.content.decode()
        assert response.status_code == 404
        assert "Quý IV/2025" not in page and "Quý III/2025 (2025-Q3)" in page and "80 / 100" not in page
    assert "80 / 100" in get(f"/cong-khai/xa/{revised.commune.code}/?framework=test_kpi")


def test_it_reads_the_public_pages_in_few_queries(revised: Any, django_assert_num_queries: Any) -> None:
    client = Client()
    client.get("/cong-khai/tinh/52/")  # warm the session and cache machinery
    with django_assert_num_queries(4):  # province, periods, snapshot, revisions
        client.get(f"/cong-khai/tinh/52/?framework=test_kpi&period={Q3}")
    with django_assert_num_queries(6):  # commune, periods, snapshot, framework, targets, rank changes
        client.get(f"/cong-khai/xa/{revised.sibling.code}/?framework=test_kpi&period={Q3}")
