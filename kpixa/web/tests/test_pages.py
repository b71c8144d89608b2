"""The pages through Django's test client: what each shows, who may see it, and how many queries it costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kpixa.dossiers.rollups import rebuild
from kpixa.evaluations.models import CommuneEvaluation
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services import compute_scores
from kpixa.web import charts
from kpixa.web.pages.common import fold
from kpixa.web.templatetags.kpixa_web import num
from kpixa.web.tests.scored import LATE_DOSSIERS, scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def client_for(world: Any, role: str | None) -> Client:
    client = Client()
    if role is not None:
        client.force_login(world.users[role])
    return client


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def assert_csp_clean(html: str) -> None:
    """No inline script or style attribute: the 'self'-only CSP would block them."""
    assert "<script" not in html
    assert 'style="' not in html


# --- province dashboard ---------------------------------------------------------------------------


def test_it_ranks_every_commune_of_the_province_with_period_and_as_of(scored: Any) -> None:
    html = page(client_for(scored, "province_viewer"), "/tinh/52/?period=2025-Q3")
    for name in ("Xã Ia Dom", "Xã Ia Dơk", "Phường Quy Nhơn Bắc"):
        assert name in html
    assert "Buôn Ma Thuột" not in html
    assert "Quý III/2025 (2025-Q3)" in html
    assert "Số liệu tính đến" in html
    assert html.index("Xã Ia Dơk") < html.index("Phường Quy Nhơn Bắc")
    assert_csp_clean(html)


def test_it_searches_names_with_or_without_diacritics(scored: Any) -> None:
    client = client_for(scored, "province_admin")
    for needle in ("quy nhon", "Quy Nhơn", "QUY NHON BAC"):
        html = page(client, f"/tinh/52/?q={needle}")
        ranking = html[html.index('class="ranking"') :]
        assert "Phường Quy Nhơn Bắc" in ranking
        assert "Xã Ia Dom" not in ranking


def test_it_folds_vietnamese_letters_including_d_with_stroke() -> None:
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Xã Ia Dơk") == "xa ia dok"


def test_it_filters_by_kind_and_peer_group_and_sorts_server_side(scored: Any) -> None:
    client = client_for(scored, "province_admin")
    ranking = page(client, "/tinh/52/?kind=phuong").split('class="ranking"')[1]
    assert "Phường Quy Nhơn Bắc" in ranking and "Xã Ia Dom" not in ranking
    ranking = page(client, "/tinh/52/?peer_group=bien-gioi").split('class="ranking"')[1]
    assert "Xã Ia Dom" in ranking and "Xã Ia Dơk" not in ranking
    ranking = page(client, "/tinh/52/?sort=-rank").split('class="ranking"')[1]
    assert ranking.index("Xã Ia Dom") < ranking.index("Xã Ia Dơk")
    ranking = page(client, "/tinh/52/?sort=name").split('class="ranking"')[1]
    assert ranking.index("Phường Quy Nhơn Bắc") < ranking.index("Xã Ia Dom")


def test_it_lists_lagging_communes_with_their_reasons(scored: Any) -> None:
    html = page(client_for(scored, "province_admin"), "/tinh/52/?period=2025-Q3")
    lagging = html[html.index('id="lag-h"') : html.index('id="chg-h"')]
    assert "Xã Ia Dom" in lagging
    assert "Điểm giảm liên tiếp" in lagging
    assert "Nhóm cuối bảng xếp hạng" in lagging


def test_it_draws_the_charts_as_labelled_inline_svg(scored: Any) -> None:
    html = page(client_for(scored, "province_admin"), "/tinh/52/?period=2025-Q3")
    assert html.count('role="img"') >= 2
    assert "<desc>2025-01: —; 2025-02: —" in html  # months without scores are said so
    assert "heat h" in html


def test_it_answers_the_dashboard_in_a_fixed_number_of_queries(
    scored: Any, django_assert_num_queries: Any
) -> None:
    client = client_for(scored, "province_admin")
    client.get("/tinh/52/?period=2025-Q2")  # warm the framework parse cache
    # user, province, runs with the framework's versions (session cached); the board: 4
    with django_assert_num_queries(7):
        client.get("/tinh/52/?period=2025-Q3&sort=-total")
    with django_assert_num_queries(3):  # the board is cached under the runs' as-of time
        client.get("/tinh/52/?period=2025-Q3&kind=xa")
    with django_assert_num_queries(3):  # and so is the page's body, for each query string
        client.get("/tinh/52/?period=2025-Q3&kind=xa")


def rescore_august_from_the_dossiers(world: Any) -> None:
    """A real recompute: 2025-08 from the rollups of the real dossiers instead of the fixture's inputs."""
    rebuild(world.province.pk)
    compute_scores("dvc766", "2025-08", "52")


def test_it_never_shows_a_cached_board_older_than_the_stored_results(scored: Any) -> None:
    client = client_for(scored, "province_admin")
    url = "/tinh/52/?period=2025-08"
    old = UnitScore.objects.get(commune__code="23872", period_code="2025-08").total
    assert f">{num(old)}<" in page(client, url).split('class="ranking"')[1]
    rescore_august_from_the_dossiers(scored)
    new = UnitScore.objects.get(commune__code="23872", period_code="2025-08").total
    assert new != old
    ranking = page(client, url).split('class="ranking"')[1]
    assert f">{num(new)}<" in ranking and f">{num(old)}<" not in ranking


def test_it_refuses_the_dashboard_of_another_province_and_to_commune_roles(scored: Any) -> None:
    page(client_for(scored, "province_admin"), "/tinh/66/", 404)
    page(client_for(scored, "commune_leader"), "/tinh/52/", 403)
    assert client_for(scored, None).get("/tinh/52/").status_code == 302


# --- scorecard and the dossiers behind it -------------------------------------------------------------


def test_it_shows_each_indicator_with_fraction_points_status_and_links(scored: Any) -> None:
    html = page(client_for(scored, "commune_leader"), "/xa/23872/?period=2025-Q3")
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in html
    assert "70 / 100" in " ".join(html.split()) or ">70</a>" in html
    assert "30 trễ hạn" in html
    assert "/xa/23872/ho-so/?indicator=2.1&amp;outcome=late&amp;period=2025-Q3" in html
    assert "Chưa đạt" in html  # the status in words, not colour alone
    assert_csp_clean(html)


def test_it_answers_the_scorecard_in_a_fixed_number_of_queries(
    scored: Any, django_assert_num_queries: Any
) -> None:
    client = client_for(scored, "province_viewer")
    client.get("/xa/23872/?period=2025-Q2")
    # user, commune (read once, by the access check), runs with the versions, unit, lines, and
    # the count of dossiers without a due time (the data-quality note)
    with django_assert_num_queries(6):
        client.get("/xa/23872/?period=2025-Q3")
    with django_assert_num_queries(3):  # the body is cached under the runs' as-of time
        client.get("/xa/23872/?period=2025-Q3")


def test_it_never_shows_a_cached_scorecard_older_than_the_stored_results(scored: Any) -> None:
    client = client_for(scored, "province_viewer")
    assert "28 trễ hạn" in page(client, "/xa/23872/?period=2025-08")  # the fixture's 72 of 100
    rescore_august_from_the_dossiers(scored)
    html = page(client, "/xa/23872/?period=2025-08")
    assert "28 trễ hạn" not in html and f"{LATE_DOSSIERS} trễ hạn" in html


def test_it_lists_the_late_dossiers_behind_the_count(scored: Any) -> None:
    html = page(
        client_for(scored, "province_viewer"), "/xa/23872/ho-so/?indicator=2.1&outcome=late&period=2025-Q3"
    )
    assert f"{LATE_DOSSIERS} hồ sơ" in html
    assert html.count("/dossiers/MCDT/H52.23872-250801-") == LATE_DOSSIERS
    assert "Đăng ký biến động quyền sử dụng đất" in html
    assert "Nguyễn Văn An" not in html and "0905" not in html
    on_time = page(client_for(scored, "province_viewer"), "/xa/23872/ho-so/?outcome=on_time&period=2025-Q3")
    assert on_time.count("/dossiers/MCDT/H52.23872-250801-") == 2


def test_it_exports_the_dossier_list_as_csv(scored: Any) -> None:
    response = client_for(scored, "commune_officer").get("/xa/23872/ho-so.csv?outcome=late&period=2025-Q3")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.strip().splitlines()
    assert lines[0].startswith("Mã hồ sơ,Mã thủ tục")
    assert len(lines) == 1 + LATE_DOSSIERS
    assert "Nguyễn Văn An" not in text


def test_it_paginates_and_filters_the_dossier_list(scored: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(scored, "province_admin")
    html = page(client, "/xa/23872/ho-so/?outcome=total&period=2025-Q3&q=0004")
    assert html.count("/dossiers/MCDT/") == 1
    with django_assert_max_num_queries(8):
        client.get("/xa/23872/ho-so/?outcome=total&period=2025-Q3&page=2")


def test_it_keeps_commune_roles_to_their_own_commune(scored: Any) -> None:
    client = client_for(scored, "commune_officer")
    page(client, "/xa/23869/", 404)
    page(client, "/xa/23869/ho-so/", 404)
    page(client, "/xa/23869/lanh-dao/", 404)


# --- leaders -----------------------------------------------------------------------------------------


def test_it_shows_both_leaders_with_their_rating_chain(scored: Any) -> None:
    html = page(client_for(scored, "commune_leader"), "/xa/23872/lanh-dao/?period=2025-Q3")
    assert "Rơ Châm Hùng" in html and "Siu Thị Lan" in html
    for step in (
        "Kết quả đơn vị",
        "d — kết quả đơn vị (%)",
        "Tổng điểm lãnh đạo",
        "Giới hạn theo xếp loại đơn vị",
    ):
        assert step in html
    result = CommuneEvaluation.objects.get(period__code="2025-Q3", commune=scored.commune)
    words = {"xuat_sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá", "chua_dat": "Chưa đạt"}
    assert f"<strong>{words[result.classification]}</strong>" in html  # in its framework's words
    assert "Đề xuất xử lý" in html


# --- public and national pages ---------------------------------------------------------------------------


def test_it_shows_only_published_results_without_login(scored: Any) -> None:
    anonymous = client_for(scored, None)
    ranking = page(anonymous, "/cong-khai/tinh/52/")
    assert "Quý II/2025 (2025-Q2)" in ranking and "2025-Q3" not in ranking
    assert "Xã Ia Dom" in ranking
    card = page(anonymous, "/cong-khai/xa/23872/?period=2025-Q3")  # unpublished: falls back to Q2
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
    with django_assert_num_queries(2):  # periods, latest snapshots (their units are cached by SHA-256)
        anonymous.get("/quoc-gia/")


def test_it_sends_each_user_to_their_own_page(scored: Any) -> None:
    assert client_for(scored, "province_viewer").get("/cua-toi/")["Location"] == "/tinh/52/"
    assert client_for(scored, "commune_leader").get("/cua-toi/")["Location"] == "/xa/23872/"


def test_it_sends_logged_in_users_from_the_home_page_to_their_own_page(scored: Any) -> None:
    assert client_for(scored, "province_admin").get("/")["Location"] == "/tinh/52/"
    assert client_for(scored, "province_viewer").get("/")["Location"] == "/tinh/52/"
    assert client_for(scored, "commune_leader").get("/")["Location"] == "/xa/23872/"
    assert client_for(scored, "commune_officer").get("/")["Location"] == "/xa/23872/"
    assert client_for(scored, None).get("/").status_code == 200


def test_it_lists_the_provinces_with_published_results_on_the_home_page(scored: Any) -> None:
    html = page(client_for(scored, None), "/")
    assert "/cong-khai/tinh/52/" in html and "/cong-khai/tinh/66/" not in html


# --- charts ---------------------------------------------------------------------------------------------


def test_it_escapes_chart_labels_and_describes_the_values() -> None:
    svg = charts.line_chart([("<b>", 10), ("2025-02", None), ("2025-03", 50)], "Điểm <trung bình>")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "<title>Điểm &lt;trung bình&gt;</title>" in svg
    assert "2025-02: —" in svg and "2025-03: 50" in svg
    bars = charts.bar_chart([("Tốt", 3, "c-tot"), ("Khá", 0, "c-ht")], "Phân bố")
    assert 'role="img"' in bars and "Tốt: 3; Khá: 0" in bars


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("/tinh/52/?period=2025-Q3", "province_admin"),
        ("/xa/23872/?period=2025-Q3", "province_admin"),
        ("/quoc-gia/", None),
        ("/cong-khai/tinh/52/", None),
        ("/cong-khai/xa/23872/", None),
    ],
)
def test_it_shows_the_period_the_as_of_time_and_how_each_number_is_computed(
    scored: Any, url: str, role: str | None
) -> None:
    html = page(client_for(scored, role), url)
    assert "Kỳ: Quý" in html and "Số liệu tính đến" in html
    assert 'href="#cach-tinh"' in html and 'id="cach-tinh"' in html
    assert "Cách tính các số trên trang này" in html


def test_it_explains_each_indicator_and_the_classification_bands(scored: Any) -> None:
    html = page(client_for(scored, "commune_leader"), "/xa/23872/?period=2025-Q3")
    assert html.count("<summary>Cách tính</summary>") >= 10  # one per indicator with a stored result
    assert "từ 90 điểm" in html  # the framework's bands, in its own numbers
    assert "Xu hướng chỉ số 2.1" in html


def test_it_says_when_the_dossier_list_was_read(scored: Any) -> None:
    html = page(client_for(scored, "province_viewer"), "/xa/23872/ho-so/?outcome=late&period=2025-Q3")
    assert "Danh sách đọc từ hồ sơ lúc" in html
