"""Scorecards add up: the total is the sum of the "Tính vào tổng" column, shown beside each
indicator's own points, with the one sentence on re-scaling, on the public and logged-in pages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from kpixa.scoring.models import IndicatorScore
from kpixa.web.tests.conftest import PHONE, screenshot
from kpixa.web.tests.helpers import client_for
from kpixa.web.tests.helpers import page as fetch
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def _total(html: str) -> Decimal:
    found = re.search(r"<dt>[^<]+</dt><dd>([\d.,]+) / 100</dd>", html)
    assert found, "the page shows a total"
    return _decimal(found.group(1))


def _column(html: str) -> list[Decimal]:
    return [Decimal(v) for v in re.findall(r'data-counted="([\d.]+)"', html)]


def _own_points(html: str, label: str) -> list[Decimal]:
    cells = re.findall(rf'data-label="{label}">([\d.,—]+) / [\d.,]+</td>', html)
    return [_decimal(c) for c in cells if c != "—"]


def _sentence(max_total: int = 100) -> str:
    return render_to_string("web/_counted.html", {"max_total": max_total}).strip()


def _rescaled_exists(scored: Any, period: str) -> None:
    rows = IndicatorScore.objects.filter(
        commune=scored.commune, period_code=period, framework_version__code="dvc766"
    )
    assert any(r.rescaled for r in rows), "Ia Dom has indicators without data: the others are re-scaled"


@pytest.mark.parametrize(("who", "url"), [(None, "/cong-khai/xa/23872/"), ("commune_leader", "/xa/23872/")])
def test_the_total_is_the_sum_of_the_counted_column(scored: Any, who: str | None, url: str) -> None:
    _rescaled_exists(scored, "2025-Q2")
    html = fetch(client_for(scored, who), url + "?period=2025-Q2")
    counted = _column(html)
    assert len(counted) > 5
    assert sum(counted) == _total(html)
    # The indicators' own points do not add up to it (indicators without data were re-scaled),
    # which is why the page shows both and says why.
    assert sum(_own_points(html, "Điểm / tối đa")) != _total(html)
    assert "Tính vào tổng" in html
    assert html.count(_sentence()) == 2  # under "how the numbers are made" and above the table


def test_the_sentence_is_the_same_on_public_and_logged_in_pages_in_english(scored: Any) -> None:
    with translation.override("en"):
        sentence = _sentence()
    assert "Counted in total" in sentence
    public = client_for(scored, None)
    public.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    leader = client_for(scored, "commune_leader")
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for client, url in ((public, "/cong-khai/xa/23872/"), (leader, "/xa/23872/")):
        html = fetch(client, url + "?period=2025-Q2")
        assert sentence in html, url


def _status_cell(html: str, code: str) -> str:
    row = re.search(rf'<span class="code">{re.escape(code)}</span>.*?</tr>', html, re.S)
    assert row, code
    status = re.search(r'<span class="status [^"]*">([^<]*)</span>', row.group(0))
    assert status, code
    return status.group(1)


@pytest.mark.parametrize(("who", "url"), [(None, "/cong-khai/xa/23872/"), ("commune_leader", "/xa/23872/")])
def test_no_data_with_full_marks_and_no_data_left_out_read_differently(
    scored: Any, who: str | None, url: str
) -> None:
    """5.1/5.2-style "no data" (full marks) and 6.5-style "no data" (left out of the total)."""
    no_data = IndicatorScore.objects.filter(
        commune=scored.commune,
        period_code="2025-Q2",
        framework_version__code="dvc766",
        status="khong_co_du_lieu",
    )
    full = [r.indicator_code for r in no_data if r.counted_max]
    left_out = [r.indicator_code for r in no_data if not r.counted_max]
    assert full and left_out
    html = fetch(client_for(scored, who), url + "?period=2025-Q2")
    assert {_status_cell(html, code) for code in full} == {"Không có dữ liệu — tính đủ điểm"}
    assert {_status_cell(html, code) for code in left_out} == {"Không có dữ liệu — không tính vào tổng"}
    assert _status_cell(html, "2.1") in ("Đạt", "Chưa đạt")


def test_the_indicator_explanations_are_in_english_on_the_english_scorecard(scored: Any) -> None:
    vietnamese = re.compile("[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)
    leader = client_for(scored, "commune_leader")
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = fetch(leader, "/xa/23872/?period=2025-Q2")
    explanations = re.findall(r'<p class="explanation">([^<]*)</p>', html)
    assert len(explanations) > 5
    assert [e for e in explanations if vietnamese.search(e)] == []
    assert any("re-scal" in e or "rescal" in e for e in explanations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_counted_column_and_its_sentence_show_in_a_browser(
    live_server: Any, page: Any, scored: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/cong-khai/xa/23872/?period=2025-Q2")
    assert page.locator("p.note.rescaled").is_visible()
    assert page.locator("table.scorecard th", has_text="Tính vào tổng").is_visible()
    screenshot(page, "scorecard-counted-public-desktop")
    page.set_viewport_size(PHONE)
    assert page.locator("td.rescaled").first.is_visible()
    screenshot(page, "scorecard-counted-public-phone")
