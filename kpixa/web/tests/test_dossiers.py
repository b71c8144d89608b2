"""The dossiers behind a count (kpixa/web/pages/dossiers.py) through Django's test client: the list, its
filters, pagination and CSV."""

from __future__ import annotations

from typing import Any

import pytest

from kpixa.web.tests.helpers import client_for, page
from kpixa.web.tests.scored import LATE_DOSSIERS, scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


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


def test_it_says_when_the_dossier_list_was_read(scored: Any) -> None:
    html = page(client_for(scored, "province_viewer"), "/xa/23872/ho-so/?outcome=late&period=2025-Q3")
    assert "Danh sách đọc từ hồ sơ lúc" in html
