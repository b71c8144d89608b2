"""The early warning (docs/early-warning.md): ``early_warning`` over every province of the profile,
and one province's warning list as its page reads it. Goals: the national run under 60 s; a
province's list (135 communes, a month's open dossiers) under 1 s. Both read the data as of the
15th of the profile's last month, when half a month of dossiers is still open."""

from __future__ import annotations

import io
import statistics
import time
from datetime import date

from bench.core import Context, Goal, NotAvailable, Row, benchmark
from bench.suites.file_import import ensure_imported
from bench.suites.scoring import ensure_scored

NATIONAL_GOAL = Goal("< 60 s (national profile)", "<=", 60.0)
LIST_GOAL = Goal("< 1 s for 135 communes", "<=", 1.0)
RUNS = 3


def _as_of(ctx: Context) -> date:
    last = ctx.profile.date_to
    return last.replace(day=min(15, last.day))


@benchmark("early_warning", order=47, unit="s", goal=NATIONAL_GOAL, requires=("command:early_warning",))
def early_warning(ctx: Context) -> list[Row]:
    """Time ``early_warning --format json`` for every province with communes in the profile."""
    try:
        ensure_imported(ctx)
    except NotAvailable as exc:
        return [Row("early_warning", None, "s", goal=NATIONAL_GOAL, note=f"no dossiers ({exc})")]
    ensure_scored(ctx)
    from django.core.management import call_command

    from kpixa.units.models import Province
    from kpixa.warnings.queries import warnings_for_province

    as_of = _as_of(ctx)
    codes = list(ctx.profile.provinces) or list(
        Province.objects.order_by("code").values_list("code", flat=True)
    )
    began, began_cpu = time.perf_counter(), time.process_time()
    for code in codes:
        call_command("early_warning", province=code, as_of=as_of, format="json", stdout=io.StringIO())
    total, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    national = ctx.profile.name == "national"
    rows = [
        Row(
            "early_warning",
            round(total, 3),
            "s",
            goal=NATIONAL_GOAL if national else None,
            note=f"{len(codes)} province(s) as of {as_of}; CPU {cpu:.2f} s"
            + ("" if national else "; the 60 s goal is judged on the national profile"),
        )
    ]
    province = Province.objects.get(code=codes[0])
    warnings_for_province(province, as_of, framework="dvc766")  # warm-up: parsed framework, calendar
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        found = warnings_for_province(province, as_of, framework="dvc766")
        seconds.append(time.perf_counter() - start)
    communes = len(found)
    open_dossiers = sum(p.open_count for p in found)
    rows.append(
        Row(
            "warning_list_province",
            round(statistics.median(seconds), 3),
            "s",
            goal=LIST_GOAL if communes >= 135 else None,
            note=f"{communes} communes, {open_dossiers} open dossiers, median of {RUNS}",
        )
    )
    return rows
