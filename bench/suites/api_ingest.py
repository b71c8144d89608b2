"""API ingest (docs/api.md): 1,000-record batches POSTed to /api/v1/dossiers on loopback."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import server
from bench.core import Context, Goal, Row, benchmark
from bench.data import GENERATOR, days_for, extra_jsonl, jsonl_batches, require
from bench.loadclient import Client

BATCH = 1_000
# DESIGN.md: a national deployment sees ~150 ingest events/s at peak.
PEAK_GOAL = Goal("≥ 150/s (national peak, DESIGN.md)", ">=", 150)
ENDPOINT = "/api/v1/dossiers"
TOKEN_SERVICE = "kpixa.accounts.services:issue_api_token"
BENCH_USER = "bench_admin"
BENCH_PASSWORD = "bench-only-not-secret-766"


def app_server(ctx: Context) -> server.AppServer:
    """Return the run's application server on loopback, started on first use."""
    if ctx.server is None:
        began = time.perf_counter()
        ctx.server = server.start(dict(os.environ))
        ctx.log(
            f"  started {ctx.server.kind} on {ctx.server.base_url} in {time.perf_counter() - began:.1f} s"
        )
    return ctx.server


def bench_admin() -> Any:
    """Return the harness's own superuser (created in the throw-away benchmark database)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(username=BENCH_USER).first()
    return user or user_model.objects.create_superuser(BENCH_USER, password=BENCH_PASSWORD)


def api_key(ctx: Context) -> str:
    """Issue an ingest token for the profile's first province (or Gia Lai) and return its key."""
    from kpixa.accounts.services import issue_api_token
    from kpixa.units.models import Province

    code = ctx.profile.provinces[0] if ctx.profile.provinces else "52"
    province = Province.objects.get(code=code)
    _, key = issue_api_token("kpixa bench", "BENCH", province, bench_admin())
    return key


def records_file(ctx: Context, batches: int) -> Path:
    """Return JSON Lines dossiers received after the period, enough for ``batches`` batches."""
    profile = ctx.profile
    span = days_for(ctx, batches * BATCH)
    first = profile.date_to + timedelta(days=1)
    return extra_jsonl(ctx, "api-records", first, first + timedelta(days=span - 1), profile.scale)


def post_batches(client: Client, batches: list[list[object]]) -> tuple[float, int, list[int]]:
    """POST each batch; return the total seconds, the records sent and the non-2xx statuses."""
    seconds, sent, failures = 0.0, 0, []
    for batch in batches:
        response = client.post_json(ENDPOINT, batch)
        seconds += response.seconds
        sent += len(batch)
        if response.status >= 300:
            failures.append(response.status)
    return seconds, sent, failures


@benchmark(
    "api_ingest_rate",
    order=50,
    unit="dossiers/s",
    goal=PEAK_GOAL,
    requires=(GENERATOR, TOKEN_SERVICE, "url:" + ENDPOINT),
)
def api_ingest(ctx: Context) -> list[Row]:
    """POST one warm-up batch, then ``api_batches`` batches of 1,000 records; return the ingest rate."""
    require(GENERATOR)
    wanted = ctx.profile.api_batches + 1
    began = time.perf_counter()
    batches = [b for b in jsonl_batches(records_file(ctx, wanted), BATCH) if len(b) == BATCH][:wanted]
    ctx.log(f"  generated {len(batches)} batches in {time.perf_counter() - began:.1f} s")
    if len(batches) < 2:
        raise RuntimeError(f"the generator gave too few records for 2 batches of {BATCH}")
    key = api_key(ctx)
    client = Client(app_server(ctx).port, headers={"Authorization": f"Bearer {key}"}, timeout=600)
    post_batches(client, batches[:1])  # warm-up: the worker's first request, connections, caches
    started = time.perf_counter()
    seconds, sent, failures = post_batches(client, batches[1:])
    wall = time.perf_counter() - started
    client.close()
    if failures:
        raise RuntimeError(f"{len(failures)} batches refused, statuses {sorted(set(failures))}")
    note = f"{len(batches) - 1} × {BATCH:,}-record batches, one after another from one client ({wall:.1f} s)"
    reference = ctx.artifacts.get("file_import_rate")
    return [Row("api_ingest_rate", sent / seconds, "dossiers/s", reference, "file import", PEAK_GOAL, note)]
