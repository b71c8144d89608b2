"""The province ranking as a PDF official report (docs/exports.md): one province's every commune,
laid out on A4 landscape by WeasyPrint. Goal: at most 4 pages for a province of 135 communes and
under 2 s a report (the first rendering, which loads fonts, is a warm-up and not counted)."""

from __future__ import annotations

import os
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
    seconds, cpu, phases = [], [], []
    for _ in range(RUNS):
        began, began_cpu = time.perf_counter(), time.process_time()
        ranking = data.load_ranking(province, FRAMEWORK, ctx.profile.period)
        loaded = time.process_time()
        html = pdf.ranking_html(ranking)
        templated = time.process_time()
        document = pdf.render_document(html)
        laid_out = time.process_time()
        bytes(document.write_pdf())  # what pdf.to_pdf does
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        done = time.process_time()
        phases.append((loaded - began_cpu, templated - loaded, laid_out - templated, done - laid_out))
    pages = len(document.pages)
    communes = len(ranking.lines)
    # pages scale with the communes: judge the layout on the 135-commune equivalent
    per_135 = pages if communes >= 135 else None
    return [
        Row(
            "ranking_pdf",
            round(statistics.median(seconds), 3),
            "s",
            goal=PDF_GOAL,
            note=f"{communes} communes; CPU {statistics.median(cpu):.2f} s ({_phases(phases)}); "
            f"{_subsetting()}; load average {os.getloadavg()[0]:.1f} (wall time grows with the load)",
        ),
        Row(
            "ranking_pdf_pages",
            float(pages),
            "pages",
            goal=PAGES_GOAL if per_135 is not None else None,
            note=f"{communes} communes" + ("" if per_135 is not None else " (fewer than 135: not judged)"),
        ),
    ]


def _phases(phases: list[tuple[float, float, float, float]]) -> str:
    """The median CPU seconds of each step: reading the results, the HTML, WeasyPrint's layout, the PDF."""
    names = ("data", "HTML", "layout", "PDF")
    return ", ".join(f"{name} {statistics.median(p[i] for p in phases):.2f}" for i, name in enumerate(names))


def _subsetting() -> str:
    """How WeasyPrint subsets fonts: HarfBuzz (libharfbuzz-subset0) or fontTools, several times slower."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset:
        return "fonts subset by HarfBuzz"
    return "fonts subset by fontTools (no libharfbuzz-subset0)"
