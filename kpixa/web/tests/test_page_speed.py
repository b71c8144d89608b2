"""What keeps the province dashboard and the scorecard cheap on every view (docs/web.md, speed), and that
none of it shows stale or foreign results: the runs and versions read in one query, frameworks parsed
once per version, the commune read once per request."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import get_resolver

from kpixa.accounts.access import CHECKED_COMMUNE_ATTR, checked_commune
from kpixa.accounts.models import Role, User
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring import versions
from kpixa.scoring.engine.periods import month, quarter
from kpixa.scoring.models import RunStatus, ScoreRun, UnitScore
from kpixa.scoring.versions import ScoringError, framework_of, version_for
from kpixa.web import cache as web_cache
from kpixa.web.cache import once
from kpixa.web.pages.runs import scored_runs
from kpixa.web.templatetags.kpixa_web import num
from kpixa.web.tests.helpers import rescore_august_from_the_dossiers
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


# --- the runs and the framework's versions, in one query -------------------------------------------


def test_it_reads_the_runs_and_the_versions_in_one_query(scored: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        runs = scored_runs("dvc766", scored.province.pk)
    assert [p.code for p in runs.periods][:3] == ["2025-Q3", "2025-09", "2025-08"]
    stored = ScoreRun.objects.filter(
        framework_version__code="dvc766", period_code="2025-Q3", status=RunStatus.DONE
    )
    latest = max(r.inputs_as_of for r in stored if r.inputs_as_of is not None)
    assert runs.as_of["2025-Q3"] == (latest, stored.count())  # aware datetimes on both databases
    assert {v.pk for v in runs.versions} == set(
        FrameworkVersion.objects.filter(code="dvc766", status="active").values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "period",
    [quarter(2025, 3), month(2025, 1), quarter(2024, 4), month(2022, 6), quarter(2022, 3), quarter(2021, 4)],
)
def test_it_picks_the_version_in_force_as_the_database_does(scored: Any, period: Any) -> None:
    """The page picks among the versions read with the runs by the same rule as ``in_force``: on each
    side of the 2022 and 2025 versions' validity, and before any."""
    runs = scored_runs("dvc766", scored.province.pk)
    try:
        expected = version_for("dvc766", period).pk
    except ScoringError:
        with pytest.raises(ScoringError):
            runs.version_for(period)
        return
    assert runs.version_for(period).pk == expected


def test_it_ignores_draft_versions_and_other_frameworks(scored: Any) -> None:
    in_force = scored_runs("dvc766", scored.province.pk).version_for(quarter(2025, 3))
    FrameworkVersion.objects.filter(pk=in_force.pk).update(status="draft")
    with pytest.raises(ScoringError):  # as version_for: no other version covers the quarter
        scored_runs("dvc766", scored.province.pk).version_for(quarter(2025, 3))
    with pytest.raises(ScoringError):
        version_for("dvc766", quarter(2025, 3))
    assert all(v.code == "dvc766" for v in scored_runs("dvc766").versions)


# --- the parsed framework: once per version and text ----------------------------------------------------


def test_it_parses_a_version_once_and_then_reads_no_text(scored: Any, django_assert_num_queries: Any) -> None:
    ref = scored_runs("dvc766", scored.province.pk).version_for(quarter(2025, 3))
    versions._frameworks.clear()
    with django_assert_num_queries(1):  # the text, read only because this process has not parsed it
        first = framework_of(ref)
    row = FrameworkVersion.objects.defer("source_text").get(pk=ref.pk)
    with django_assert_num_queries(0):
        assert framework_of(ref) is first
        assert framework_of(row) is first
    assert [i.code for i in first.indicators()] == [
        i.code for i in FrameworkVersion.objects.get(pk=ref.pk).framework().indicators()
    ]


def test_a_changed_text_is_parsed_anew(scored: Any) -> None:
    """The key holds the text's SHA-256: a row whose text changed is never served the old parse."""
    row = FrameworkVersion.objects.get(pk=scored_runs("dvc766").version_for(quarter(2025, 3)).pk)
    old = framework_of(row)
    other = FrameworkVersion.objects.exclude(sha256=row.sha256).filter(code="dvc766").first()
    assert other is not None
    row.source_text, row.sha256 = other.source_text, other.sha256
    assert framework_of(row) is not old
    assert framework_of(row).version == other.framework().version


# --- the URL's commune, read once by the access check ----------------------------------------------------


def test_the_view_gets_the_commune_its_access_check_read(scored: Any, django_assert_num_queries: Any) -> None:
    request = RequestFactory().get("/xa/23872/")
    request.user = scored.users["province_viewer"]
    setattr(request, CHECKED_COMMUNE_ATTR, scored.commune)
    with django_assert_num_queries(0):
        assert checked_commune(request, "23872") == scored.commune


def test_without_a_checked_commune_it_checks_the_scope_itself(scored: Any) -> None:
    request = RequestFactory().get("/xa/23869/")
    request.user = scored.users["commune_leader"]  # of Ia Dom only
    setattr(request, CHECKED_COMMUNE_ATTR, scored.commune)  # checked for another code
    with pytest.raises(Http404):
        checked_commune(request, "23869")
    assert checked_commune(request, "23872") == scored.commune
    delattr(request, CHECKED_COMMUNE_ATTR)
    assert checked_commune(request, "23872") == scored.commune


# --- computed once per process, whatever the number of threads asking ---------------------------------


def test_a_missing_entry_is_computed_by_one_thread_while_the_others_wait() -> None:
    calls: list[int] = []
    started = threading.Barrier(6)

    def compute() -> str:
        calls.append(1)
        time.sleep(0.2)  # long enough for every other thread to ask meanwhile
        return "board"

    results: list[str] = []

    def ask() -> None:
        started.wait()
        results.append(once("kpixa:test:once", compute, 60))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["board"] * 6
    assert len(calls) == 1
    assert once("kpixa:test:once", compute, 60) == "board" and len(calls) == 1  # and it is cached


def test_a_computation_may_read_another_entry_and_leaves_no_lock_behind() -> None:
    def outer() -> str:
        return once("kpixa:test:inner", lambda: "board", 60) + " in a body"

    for key in [f"kpixa:test:outer:{n}" for n in range(200)]:  # any pair of keys, none waits on itself
        assert once(key, outer, 60) == "board in a body"
    assert web_cache._locks == {}

    def broken() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError):
        once("kpixa:test:broken", broken, 60)
    assert web_cache._locks == {}
    assert once("kpixa:test:broken", lambda: "fixed", 60) == "fixed"


def test_the_fragment_tag_caches_like_the_cache_tag_and_renders_once() -> None:
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key
    from django.template import Context, Template

    template = Template('{% load kpixa_cache %}{% cache_once 600 "t" key %}{{ value }}{% endcache_once %}')
    assert template.render(Context({"key": "a", "value": "first"})) == "first"
    assert template.render(Context({"key": "a", "value": "second"})) == "first"  # cached under the key
    assert template.render(Context({"key": "b", "value": "second"})) == "second"
    assert cache.get(make_template_fragment_key('"t"', ["a"])) == "first"  # Django's own key


# --- cached pages: never older than the results, never another scope's, in the asked language --------


def test_a_user_of_another_province_never_gets_the_cached_pages(scored: Any) -> None:
    admin = Client()
    admin.force_login(scored.users["province_admin"])
    assert admin.get("/tinh/52/?period=2025-Q3").status_code == 200  # both pages now cached
    assert admin.get("/xa/23872/?period=2025-Q3").status_code == 200
    stranger = User.objects.create(
        username="dak_lak_admin", role=Role.PROVINCE_ADMIN, province=scored.other_province
    )
    client = Client()
    client.force_login(stranger)
    for url in ("/tinh/52/?period=2025-Q3", "/xa/23872/?period=2025-Q3", "/xa/23872/lanh-dao/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Xã Ia Dom" not in response.content.decode()
    own = client.get("/tinh/66/?period=2025-Q3").content.decode()
    assert "Xã Ia Dom" not in own and "Xã Ia Dơk" not in own  # its own province: no Gia Lai rows


def test_the_cached_pages_come_in_the_asked_language(scored: Any) -> None:
    client = Client()
    client.force_login(scored.users["province_admin"])
    for url, vietnamese, english in (
        ("/tinh/52/?period=2025-Q3", "Phân bố xếp loại", "Distribution of ratings"),
        ("/xa/23872/?period=2025-Q3", "Hạng trong tỉnh", "Rank in province"),
    ):
        assert vietnamese in client.get(url).content.decode()  # cached in Vietnamese
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = client.get(url).content.decode()
        assert english in html and vietnamese not in html
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        assert vietnamese in client.get(url).content.decode()


# --- warmed before forking ----------------------------------------------------------------------------


def test_the_server_process_is_warmed_before_it_forks(
    scored: Any, monkeypatch: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connections
    from gunicorn.config import Config

    from kpixa.web import warm

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's transaction open
    versions._frameworks.clear()
    built = warm.warm()
    active = FrameworkVersion.objects.filter(status="active")
    assert built == {
        "languages": 2,
        "url_resolvers": built["url_resolvers"],
        "templates": built["templates"],
        "frameworks": active.count(),
        "boards": 1,  # Gia Lai's, the one province with scores
    }
    assert built["templates"] >= 40  # every page's template compiled
    assert built["url_resolvers"] > 1  # the root and every namespace: no reverse builds a table
    assert get_resolver()._reverse_dict.keys() >= {"vi", "en"}
    assert all((v.pk, v.sha256) in versions._frameworks for v in active)
    client = Client()
    client.force_login(scored.users["province_viewer"])
    with django_assert_num_queries(4):  # user, province, runs, unread count: the board is ready
        html = client.get("/tinh/52/?period=2025-Q3").content.decode()
    assert "Xã Ia Dom" in html
    gunicorn = Config().settings  # the module's names gunicorn takes as its settings
    assert warm.preload_app is True and "preload_app" in gunicorn
    assert callable(warm.when_ready) and "when_ready" in gunicorn
    assert "worker_tmp_dir" in gunicorn


def test_a_warmed_board_gives_way_to_a_new_run(scored: Any, monkeypatch: Any) -> None:
    from django.db import connections

    from kpixa.web import warm

    monkeypatch.setattr(connections, "close_all", lambda: None)
    client = Client()
    client.force_login(scored.users["province_admin"])
    url = "/tinh/52/?period=2025-08"
    warm.warm()
    old = UnitScore.objects.get(commune__code="23872", period_code="2025-08").total
    rescore_august_from_the_dossiers(scored)
    new = UnitScore.objects.get(commune__code="23872", period_code="2025-08").total
    assert new != old
    ranking = client.get(url).content.decode().split('class="ranking"')[1]
    assert f">{num(new)}<" in ranking and f">{num(old)}<" not in ranking
