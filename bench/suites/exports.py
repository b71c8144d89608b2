"""The province ranking as a PDF official report (docs/exports.md): one province's every commune,
laid out on A4 landscape by WeasyPrint. Goal: at most 4 pages for a province of 135 communes and
under 2 s a report (the first rendering, which loads fonts, is a warm-up and not counted)."""

from __future__ import annotations

import statistics
import time

from bench.core import Context, Goal, NotAvailable, Row, benchmark
from bench.suites.file_import import ensure_imported
from bench.suites.scoring import FRAMEWORK, ensure_scored

PDF_GOAL = Goal("< 2 s", "<=", 2.0)
PAGES_GOAL = Goal("≤ 4 pages for 135 communes", "<=", 4.0)
RUNS = 3


@benchmark("ranking_pdf", order=45, unit="s", goal=PDF_GOAL, requires=("kpixa.web.exports",))
def ranking_pdf(ctx: Context) -> list[Row]:
    """Time the province ranking PDF of the profile's first province (median of three)."""
    try:
        ensure_imported(ctx)
    except NotAvailable as exc:
        return [Row("ranking_pdf", None, "s", goal=PDF_GOAL, note=f"no dossiers ({exc})")]
    ensure_scored(ctx)
    from kpixa.units.models import Province
    from kpixa.web.exports import data, pdf

    province = Province.objects.get(code=(ctx.profile.provinces or ("52",))[0])
    ranking = data.load_ranking(province, FRAMEWORK, ctx.profile.period)
    pdf.to_pdf(pdf.ranking_html(ranking))  # warm-up: fonts and styles loaded once per process
    seconds, cpu = [], []
    for _ in range(RUNS):
        began, began_cpu = time.perf_counter(), time.process_time()
        ranking = data.load_ranking(province, FRAMEWORK, ctx.profile.period)
        pdf.to_pdf(pdf.ranking_html(ranking))
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    pages = len(pdf.render_document(pdf.ranking_html(ranking)).pages)
    communes = len(ranking.lines)
    # pages scale with the communes: judge the layout on the 135-commune equivalent
    per_135 = pages if communes >= 135 else None
    return [
        Row(
            "ranking_pdf",
            round(statistics.median(seconds), 3),
            "s",
            goal=PDF_GOAL,
            note=f"{communes} communes; CPU {statistics.median(cpu):.2f} s (wall time grows with the load)",
        ),
        Row(
            "ranking_pdf_pages",
            float(pages),
            "pages",
            goal=PAGES_GOAL if per_135 is not None else None,
            note=f"{communes} communes" + ("" if per_135 is not None else " (fewer than 135: not judged)"),
        ),
    ]
