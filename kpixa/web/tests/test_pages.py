"""What every page has in common: the period, the as-of time, how each number is computed, and the charts."""

from __future__ import annotations

from typing import Any

import pytest

from kpixa.web import charts
from kpixa.web.tests.helpers import client_for, page
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


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
