"""Page latency (docs/web.md): p50/p95 with 20 concurrent logged-in clients on loopback.

Each page is measured beside the same load on ``/api/v1/health`` (the server's floor: routing,
middleware, a worker's turn) so the figure can be read against what the machine gives anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bench.core import Context, Goal, NotAvailable, Row, benchmark
from bench.loadclient import Client, LatencySummary, hammer
from bench.server import HEALTH_PATH
from bench.suites.api_ingest import app_server, bench_admin
from bench.suites.file_import import ensure_imported
from bench.suites.scoring import FRAMEWORK, ensure_scored

DEMO_USER = "province_admin"
WARM_UP = 5  # first requests, one per server worker or so, not counted


@dataclass(frozen=True)
class Page:
    """A page to measure: its row name, goal, and the URL names (with arguments) it may have."""

    name: str
    goal: Goal
    candidates: tuple[tuple[str, Callable[[Context], dict[str, str]]], ...]


def _province(ctx: Context) -> dict[str, str]:
    return {"province_code": ctx.profile.provinces[0] if ctx.profile.provinces else "52"}


def _commune(ctx: Context) -> dict[str, str]:
    return {"code": "23872"}


def _none(ctx: Context) -> dict[str, str]:
    return {}


PAGES = (
    Page("page_national_p95", Goal("p95 ≤ 400 ms", "<=", 400), (("web:national", _none),)),
    Page("page_province_p95", Goal("p95 ≤ 150 ms", "<=", 150), (("web:province", _province),)),
    Page("page_scorecard_p95", Goal("p95 ≤ 150 ms", "<=", 150), (("web:scorecard", _commune),)),
)


def page_path(ctx: Context, page: Page) -> str | None:
    """Return the page's path when one of its URL names exists, else None."""
    from django.urls import NoReverseMatch, reverse

    query = urlencode({"framework": FRAMEWORK, "period": ctx.profile.period})
    for url_name, kwargs in page.candidates:
        try:
            return f"{reverse(url_name, kwargs=kwargs(ctx) or None)}?{query}"
        except NoReverseMatch:
            continue
    return None


def publish_period(ctx: Context) -> int:
    """Close and publish the profile's period in every province that has scores for it (untimed).

    The national page shows published snapshots only (docs/reporting.md): without a publication it would be
    measured empty. Returns how many provinces were published.
    """
    from kpixa.evaluations.models import Period, PeriodState
    from kpixa.evaluations.services import lifecycle
    from kpixa.scoring.models import UnitScore
    from kpixa.units.models import Province

    if ctx.artifacts.get("published_provinces") is not None:
        return int(ctx.artifacts["published_provinces"])
    admin = bench_admin()
    scored = UnitScore.objects.filter(period_code=ctx.profile.period).values("commune__province_id")
    count = 0
    for province in Province.objects.filter(pk__in=scored).order_by("code"):
        state = Period.objects.filter(province=province, code=ctx.profile.period).values_list(
            "state", flat=True
        )
        current = state.first()
        if current in (None, PeriodState.OPEN):
            current = lifecycle.close_period(admin, province, ctx.profile.period).state
        if current == PeriodState.CLOSED:
            lifecycle.publish_period(admin, province, ctx.profile.period)
        count += 1
    ctx.artifacts["published_provinces"] = count
    return count


def logged_in_clients(ctx: Context, count: int) -> list[Client]:
    """Return ``count`` clients sharing one session of the demo province admin, logged in by the form.

    One login only: an Argon2 password check costs about a second here, and the pages, not the
    login, are what is measured.
    """
    from kpixa.web.demo import DEMO_PASSWORD, seed_demo_users

    seed_demo_users()
    port = app_server(ctx).port
    first = Client(port)
    first.login(DEMO_USER, DEMO_PASSWORD)
    return [first, *(Client(port, cookies=dict(first.cookies)) for _ in range(count - 1))]


def measure(ctx: Context, clients: list[Client], path: str) -> LatencySummary:
    """Warm ``path`` up with a few requests (each must get 200), then hammer it within the time bound."""
    deadline = time.monotonic() + ctx.profile.page_seconds
    for client in clients[:WARM_UP]:
        status = client.request("GET", path).status
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} during warm-up")
        if time.monotonic() > deadline:
            break
    return hammer(clients, path, ctx.profile.page_requests_per_client, deadline)


def page_row(page: Page, path: str, stats: LatencySummary, floor: LatencySummary, clients: int) -> Row:
    """Return the row of one page: p95 beside the health endpoint's p95 under the same load."""
    details: dict[str, Any] = {"path": path, **vars(stats), "health_p50_ms": floor.p50_ms}
    note = (
        f"{path}: p50 {stats.p50_ms:.0f} ms, max {stats.max_ms:.0f} ms, {stats.count} requests "
        f"from {clients} clients, {stats.errors} non-200"
    )
    return Row(page.name, stats.p95_ms, "ms", floor.p95_ms, "health p95", page.goal, note, details=details)


def unavailable(why: str) -> list[Row]:
    """Return one "n.a." row per page, with the reason."""
    return [Row(page.name, None, "ms", goal=page.goal, note=f"not available yet: {why}") for page in PAGES]


@benchmark("page_latency", order=60, unit="ms")
def page_latency(ctx: Context) -> list[Row]:
    """Measure each page that exists under 20 concurrent clients; the others are "n.a."."""
    paths = {page.name: page_path(ctx, page) for page in PAGES}
    if not any(paths.values()):
        return unavailable("page not built (none of the national, province and scorecard pages exist)")
    try:
        ensure_imported(ctx)
    except NotAvailable as exc:
        return unavailable(f"no dossiers to show ({exc})")
    ensure_scored(ctx)
    began = time.perf_counter()
    published = publish_period(ctx)
    seconds = time.perf_counter() - began
    ctx.log(f"  published {ctx.profile.period} in {published} province(s) in {seconds:.1f} s")
    clients = logged_in_clients(ctx, ctx.profile.page_clients)
    floor = measure(ctx, clients, HEALTH_PATH)
    rows = []
    for page in PAGES:
        path = paths[page.name]
        if path is None:
            rows.append(Row(page.name, None, "ms", goal=page.goal, note="not available yet: page not built"))
        else:
            rows.append(page_row(page, path, measure(ctx, clients, path), floor, len(clients)))
    for client in clients:
        client.close()
    return rows
