"""One set of words for kpixa's own labels, in the active language: the leader page's owned
indicators print the scorecards' status words, the province's warning page names its framework."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from kpixa.dossiers.tests.conftest import catalogue  # noqa: F401
from kpixa.scoring.labels import policy_status_text, status_labels, status_text
from kpixa.scoring.tests.conftest import frameworks  # noqa: F401
from kpixa.web.tests.helpers import client_for, page
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _owned(html: str) -> str:
    found = re.search(r'<section aria-labelledby="owned-h".*?</section>', html, re.S)
    assert found, "no owned-indicators section"
    return found.group(0)


def _owned_words(section: str) -> dict[str, str]:
    """Indicator code → the status words the section prints (table rows and the gaps' list)."""
    rows = re.findall(
        r'<span class="code">([^<]+)</span>.*?<span class="status [a-z]+">([^<]*)</span>', section
    )
    gaps = re.findall(r'<span class="code">([^<]+)</span>[^<]*? — ([^<]*)</li>', section)
    return {code: words.strip() for code, words in [*rows, *gaps]}


def _scorecard_words(world: Any) -> dict[str, str]:
    """The scorecards' words for Ia Dom's 2025-Q3 statuses (kpixa.scoring.labels.status_text)."""
    from kpixa.frameworks.parsed import framework_of
    from kpixa.scoring.models import IndicatorScore

    scores = IndicatorScore.objects.filter(commune=world.commune, period_code="2025-Q3")
    version = scores.first().framework_version  # type: ignore[union-attr]
    policies = {i.code: str(i.na_policy) for i in framework_of(version).indicators()}
    return {
        s.indicator_code: status_text(s.status, policies[s.indicator_code], s.counted_max) for s in scores
    }


def test_policy_status_text_says_what_the_policy_does() -> None:
    assert policy_status_text("khong_co_du_lieu", "full_marks") == "Không có dữ liệu — tính đủ điểm"
    assert policy_status_text("khong_do_duoc", "full_marks") == "Không đo được — không tính vào tổng"
    assert policy_status_text("khong_co_du_lieu", "redistribute") == (
        "Không có dữ liệu — điểm chia cho các chỉ số khác trong nhóm"
    )
    assert policy_status_text("khong_ap_dung", "exclude") == "Không áp dụng — không tính vào tổng"
    assert policy_status_text("dat", "full_marks") == "Đạt"


def test_the_owned_indicators_print_the_scorecards_status_words(scored: Any) -> None:
    client = client_for(scored, "commune_leader")
    shown = _owned_words(_owned(page(client, "/xa/23872/lanh-dao/?period=2025-Q3")))
    assert shown == _scorecard_words(scored)  # the same words as the scorecard, indicator by indicator
    assert "Không có dữ liệu — tính đủ điểm" in shown.values()
    assert not set(shown.values()) & ({*status_labels(), "Không có dữ liệu"})  # no code, no bare label
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _owned_words(_owned(page(client, "/xa/23872/lanh-dao/?period=2025-Q3")))
    assert english["5.1"] == "No data — counted with full marks"
    assert english["1.1"] == "No data — left out of the total"
    assert english["2.1"] == "Not met"


@pytest.mark.usefixtures("catalogue", "frameworks")
def test_the_province_warning_page_names_its_framework(world: Any, monkeypatch: Any) -> None:
    """Not "bộ chỉ số dvc766": the framework's name from its file, in the reader's language."""
    from kpixa.frameworks.models import FrameworkVersion
    from kpixa.warnings import views
    from kpixa.warnings.tests.test_queries import run, timelines
    from kpixa.warnings.tests.test_views import NOW

    run(timelines())
    monkeypatch.setattr(views, "_now", lambda request: NOW)
    version = FrameworkVersion.objects.in_force("dvc766", NOW.date()).first()
    assert version is not None and version.name_en
    client = client_for(world, "province_viewer")
    line = re.search(r'<p class="asof">(.*?)</p>', page(client, "/canh-bao/tinh/52/"), re.S)
    assert line and version.name in line.group(1) and "dvc766" not in line.group(1), line
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    line = re.search(r'<p class="asof">(.*?)</p>', page(client, "/canh-bao/tinh/52/"), re.S)
    assert line and f"period 2026-03, {version.name_en}" in line.group(1), line


def test_a_proposed_consequence_is_named_by_its_kind_in_words() -> None:
    """The leader page and the evaluation under the texts print "Cảnh báo: …" / "Warning: …",
    never the rules' code ("warning", "transfer_or_relief", "relief_reg377")."""
    from django.utils import translation

    from kpixa.rules import consequences as cons
    from kpixa.web.templatetags.kpixa_web import consequence_kind

    with translation.override("vi"):
        assert consequence_kind(cons.WARNING) == "Cảnh báo"
        assert consequence_kind(cons.RELIEF_377) == "Cho thôi chức theo Quy định 377"
    with translation.override("en"):
        assert consequence_kind(cons.WARNING) == "Warning"
        assert consequence_kind(cons.JOINT_DEPARTURE) == "Transfer or removal from post"
        assert consequence_kind(cons.DISMISSAL) == "Removal from office or dismissal"
    assert consequence_kind("something_new") == "something_new"


def test_the_evaluation_under_the_texts_renders_with_the_kinds_in_words(scored: Any) -> None:
    """The page loads the filter (the kinds' words themselves: the test above and the demo)."""
    client = client_for(scored, "province_admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, "/ky-danh-gia/tinh/52/2025-Q3/theo-van-ban/")
    assert "<strong>warning</strong>" not in html and "<strong>transfer_or_relief</strong>" not in html
