"""The home page (kpixa/web/pages/home.py) and the redirection of each user to their own page."""

from __future__ import annotations

from typing import Any

import pytest

from kpixa.web.tests.helpers import client_for, page
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_sends_each_user_to_their_own_page(scored: Any) -> None:
    assert client_for(scored, "province_viewer").get("/cua-toi/")["Location"] == "/tinh/52/"
    assert client_for(scored, "commune_leader").get("/cua-toi/")["Location"] == "/canh-bao/xa/23872/"


def test_it_sends_logged_in_users_from_the_home_page_to_their_own_page(scored: Any) -> None:
    assert client_for(scored, "province_admin").get("/")["Location"] == "/tinh/52/"
    assert client_for(scored, "province_viewer").get("/")["Location"] == "/tinh/52/"
    assert client_for(scored, "commune_leader").get("/")["Location"] == "/canh-bao/xa/23872/"
    assert client_for(scored, "commune_officer").get("/")["Location"] == "/canh-bao/xa/23872/"
    assert client_for(scored, None).get("/").status_code == 200


def test_it_lists_the_provinces_with_published_results_on_the_home_page(scored: Any) -> None:
    html = page(client_for(scored, None), "/")
    assert "/cong-khai/tinh/52/" in html and "/cong-khai/tinh/66/" not in html
