"""What keeps the province dashboard and the scorecard cheap on every view (issue 5, speed), and that
none of it shows stale or foreign results: the runs and versions read in one query, frameworks parsed
once per version, the commune read once per request."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory

from kpixa.accounts.access import CHECKED_COMMUNE_ATTR, checked_commune
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring import versions
from kpixa.scoring.engine.periods import month, quarter
from kpixa.scoring.models import RunStatus, ScoreRun
from kpixa.scoring.versions import ScoringError, framework_of, version_for
from kpixa.web.queries import scored_runs
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
    latest = max(r.inputs_as_of for r in stored)
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
