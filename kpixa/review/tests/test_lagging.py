"""Lagging areas and material changes (kpixa/review/lagging.py), and the dashboard's short list:
a month's list names only the lagging communes, says what pulled each one down, and an
indicator most communes fail is the province's problem, not every commune's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from kpixa.review import lagging as lag
from kpixa.scoring.engine.core import CHUA_DAT
from kpixa.scoring.models import IndicatorScore, UnitScore
from kpixa.web.tests.helpers import client_for, page

D = Decimal
HUNDRED = D(100)


def test_falling_needs_two_material_falls_in_a_row() -> None:
    assert lag.falling([D(80), D(78), D(75)], HUNDRED)
    assert not lag.falling([D(80), D("79.5"), D(75)], HUNDRED)  # a fall under 1 point is noise
    assert not lag.falling([D(78), D(75)], HUNDRED)  # one fall is not a trend
    assert not lag.falling([None, D(78), D(75)], HUNDRED)
    assert lag.falling([D(60), D(80), D(78), D(75)], HUNDRED)  # only the last three count


def test_a_change_is_material_on_a_class_change_or_five_percent_of_the_total() -> None:
    assert lag.material("kha", "tot", D(2), HUNDRED)
    assert not lag.material("kha", "tot", D("0.2"), HUNDRED)  # 79.9 → 80.1 crosses a band, no more
    assert lag.material("tot", "tot", D(-5), HUNDRED)
    assert not lag.material("tot", "tot", D("4.99"), HUNDRED)
    assert not lag.material("", "tot", None, HUNDRED)
    assert lag.material("tot", "tot", D(1), D(20))  # 5% of a framework out of 20 points


def test_an_indicator_failed_by_half_the_communes_is_the_province_s() -> None:
    failing = {1: ["1.4", "2.1"], 2: ["1.4"], 3: ["1.4"], 4: []}
    assert lag.province_wide(failing, 4) == ["1.4"]
    assert lag.province_wide({1: ["2.1"]}, 3) == []  # one commune's failure stays its own
    assert lag.province_wide({1: ["2.1"], 2: ["2.1"]}, 9) == []  # 2 of 9: under a quarter


@pytest.mark.django_db
def test_the_month_s_list_names_only_the_lagging_communes(scored: Any) -> None:
    cache.clear()
    months = ("2025-07", "2025-08", "2025-09")
    rows = IndicatorScore.objects.filter(period_code__in=months, framework_version__code="dvc766")
    rows.filter(indicator_code="1.1").update(status=CHUA_DAT)  # every commune: the province's failure
    rows.filter(indicator_code="3.1", commune=scored.sibling).update(status=CHUA_DAT)  # one commune's
    html = page(client_for(scored, "province_viewer"), "/tinh/52/?period=2025-09")
    lagging = html[html.index('id="lag-h"') : html.index('id="chg-h"')]
    assert "Xã Ia Dơk" in lagging and "(chỉ số 3.1)" in lagging
    assert "(chỉ số 1.1" not in lagging and "không tính vào lý do của từng xã: 1.1," in lagging
    assert "Xã Ia Dom" in lagging and "Điểm giảm liên tiếp" in lagging  # 80 → 72 → 60 on time
    assert "Kéo điểm xuống: 2.1 (−" in lagging  # what pulled Ia Dom down since 2025-08
    assert "<svg" in lagging  # the trend sparkline
    # The third commune fails no indicator of its own: it is listed for its class alone, exactly
    # when that class is the lowest ("chưa đạt"; dvc766 2025.3 leaves 1.1-1.3 out of a commune's
    # total when nothing counts them, and the re-scaled total may fall below "khá").
    third = scored.third
    entry = lagging[lagging.index(third.name) :].split("</li>")[0] if third.name in lagging else ""
    ranked = UnitScore.objects.get(commune=third, period_code="2025-09", framework_version__code="dvc766")
    assert bool(entry) == (ranked.classification == "chua_dat"), entry
    assert not entry or ("Xếp loại thấp nhất" in entry and "(chỉ số" not in entry), entry
