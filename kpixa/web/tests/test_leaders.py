"""The leader page (kpixa/web/pages/leaders.py) through Django's test client."""

from __future__ import annotations

from typing import Any

import pytest

from kpixa.evaluations.models import CommuneEvaluation
from kpixa.web.tests.helpers import client_for, page
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_without_an_evaluation_under_the_texts_it_shows_no_leader_class(scored: Any) -> None:
    """The earlier one-formula rating is not a leader evaluation: the page shows the commune's KPI
    score, labelled as such, and the leaders in post without a class."""
    html = page(client_for(scored, "commune_leader"), "/xa/23872/lanh-dao/?period=2025-Q3")
    assert "Rơ Châm Hùng" in html and "Siu Thị Lan" in html
    assert "chưa được đánh giá theo văn bản" in html
    assert "Điểm KPI của xã/phường (không phải đánh giá lãnh đạo)" in html
    for step in ("Tổng điểm lãnh đạo", "Giới hạn theo xếp loại đơn vị", "Chỉ tiêu 20% xuất sắc"):
        assert step not in html
    result = CommuneEvaluation.objects.get(period__code="2025-Q3", commune=scored.commune)
    words = {"xuat_sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá", "chua_dat": "Chưa đạt"}
    assert words[result.classification] in html  # the commune's class, in its framework's words
    assert html.count('class="cls ') == 1  # one class on the page: the commune's
