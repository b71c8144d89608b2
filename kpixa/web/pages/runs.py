"""The finished score runs a page reads first: which periods have results, their as-of times (the
pages' cache keys follow them) and the framework's active versions, in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion
from kpixa.scoring.engine.periods import PeriodSpan
from kpixa.scoring.models import RunStatus, ScoreRun
from kpixa.scoring.versions import VersionRef, in_force
from kpixa.web.pages.common import digest, sort_periods


@dataclass(frozen=True)
class Runs:
    """The finished score runs of a framework (for a province, or nationally), by period, and the
    framework's active versions (without their text): all a page needs before reading results."""

    periods: list[PeriodSpan]  # latest first
    as_of: dict[str, tuple[datetime | None, int]]  # period code -> (latest inputs' as-of time, runs)
    framework_code: str = ""
    versions: tuple[VersionRef, ...] = ()  # the framework's active versions

    def stamp(self, periods: Iterable[PeriodSpan]) -> str:
        """Changes whenever a run stores results of one of ``periods`` (each run reads new inputs)."""
        parts = (f"{p.code}:{self.as_of.get(p.code)}" for p in periods)
        return digest("|".join(sorted(parts)))

    def version_for(self, period: PeriodSpan) -> VersionRef:
        """The version in force for ``period`` (no query); ScoringError when none is."""
        return in_force(self.versions, self.framework_code, period)


_RUNS_SQL = """
SELECT r.period_code, MAX(r.inputs_as_of), COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM {runs} r JOIN {versions} v ON v.id = r.framework_version_id
 WHERE v.code = %s AND r.status = %s{in_province}
 GROUP BY r.period_code
UNION ALL
SELECT NULL, NULL, NULL,
       v.id, v.code, v.version, v.sha256, v.source_name, v.valid_from, v.valid_to, v.loaded_at
  FROM {versions} v
 WHERE v.code = %s AND v.status = %s
"""


def scored_runs(framework_code: str, province_id: int | None = None) -> Runs:
    """Periods with finished score runs of the framework and each one's latest as-of time, and the
    framework's active versions without their text, in one query on the two small tables (plain SQL:
    it runs on every page view, and building it with the ORM cost more than running it).
    Every stored result is written by a run: this is their as-of time."""
    quote = connection.ops.quote_name
    sql = _RUNS_SQL.format(
        runs=quote(ScoreRun._meta.db_table),
        versions=quote(FrameworkVersion._meta.db_table),
        in_province="" if province_id is None else " AND (r.province_id = %s OR r.province_id IS NULL)",
    )
    params: list[Any] = [framework_code, RunStatus.DONE.value]
    if province_id is not None:
        params.append(province_id)
    params += [framework_code, FrameworkStatus.ACTIVE.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    as_of: dict[str, tuple[datetime | None, int]] = {}
    versions = []
    for period_code, last, n, pk, code, number, sha256, source_name, valid_from, valid_to, loaded in rows:
        if period_code is not None:
            as_of[period_code] = (_moment(last), n)
        else:
            versions.append(
                VersionRef(
                    pk,
                    code,
                    number,
                    sha256,
                    source_name,
                    _day(valid_from),
                    _day(valid_to),
                    _moment(loaded),
                )
            )
    return Runs(sort_periods(as_of), as_of, framework_code, tuple(versions))


def _day(value: Any) -> Any:
    """A date column's value (SQLite returns ISO text from plain SQL)."""
    return parse_date(value) if isinstance(value, str) else value


def _moment(value: Any) -> Any:
    """A timestamp column's value, aware (SQLite returns naive UTC ISO text from plain SQL)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def scored_periods(framework_code: str, province_id: int | None = None) -> list[PeriodSpan]:
    """Periods with finished score runs of the framework (for the province, or nationally), latest first."""
    return scored_runs(framework_code, province_id).periods
