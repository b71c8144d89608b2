"""The leader page (kpixa/web/pages/leaders.py) through Django's test client."""

from __future__ import annotations

from typing import Any

import pytest

from kpixa.evaluations.models import CommuneEvaluation
from kpixa.web.tests.helpers import client_for, page
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


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
