"""The three profiles: the same benchmarks on data sets of three sizes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Profile:
    """How big a run is: which units and dates the generator covers, and how many requests are sent."""

    name: str
    description: str
    provinces: tuple[str, ...]  # empty: every province (the national profile)
    date_from: date
    date_to: date
    period: str  # the scoring period the dates cover
    scale: float  # the generator's --scale
    expected_dossiers: int  # roughly what the generator gives at this scale (for the header)
    workday_pairs: int
    api_batches: int  # 1,000-record batches POSTed to the API
    page_requests_per_client: int
    page_seconds: float = 60.0  # no page is hammered longer than this
    page_clients: int = 20
    requires_postgres: bool = True
    time_budget_s: float = 4 * 3600.0  # benchmarks not started by then are skipped ("n.a.")
    # Only these benchmarks run (empty: all). A profile made for one benchmark's data says so.
    benchmarks: tuple[str, ...] = ()
    # The province whose dossiers are generated and imported; the other communes of the country
    # get copies of its communes' open dossiers and rollups (bench/suites/early_warning.py).
    template_province: str = ""


PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        name="tiny",
        description="CI smoke run: one province, one month, a few thousand dossiers, under 2 minutes",
        provinces=("52",),
        date_from=date(2025, 7, 1),
        date_to=date(2025, 7, 31),
        period="2025-07",
        scale=0.02,  # the generator's scale 1 is Gia Lai's real ~140,000 dossiers a month
        expected_dossiers=3_000,
        workday_pairs=1_000_000,
        api_batches=1,
        page_requests_per_client=3,
        page_seconds=6.0,
        requires_postgres=False,
        time_budget_s=80.0,
    ),
    "small": Profile(
        name="small",
        description="default: one province (Gia Lai), one quarter, about 200,000 dossiers",
        provinces=("52",),
        date_from=date(2025, 7, 1),
        date_to=date(2025, 9, 30),
        period="2025-Q3",
        scale=0.5,
        expected_dossiers=210_000,
        workday_pairs=1_000_000,
        api_batches=20,
        page_requests_per_client=10,
        page_seconds=30.0,
    ),
    "national": Profile(
        name="national",
        description="3,321 communes, one quarter, about 12 million dossiers (PostgreSQL only)",
        provinces=(),
        date_from=date(2025, 7, 1),
        date_to=date(2025, 9, 30),
        period="2025-Q3",
        scale=1.17,  # the generator gives ~10.3M dossiers for the country's quarter at scale 1
        expected_dossiers=12_000_000,
        workday_pairs=1_000_000,
        api_batches=100,
        page_requests_per_client=25,
    ),
    "national-month": Profile(
        name="national-month",
        description=(
            "the early warning at national volume: 3,321 communes, September 2025 open as of the 15th, "
            "only what early_warning reads (PostgreSQL only)"
        ),
        provinces=(),
        date_from=date(2025, 7, 17),  # the closing pattern's 60 days before the as-of day
        date_to=date(2025, 9, 15),
        period="2025-09",
        scale=1.17,  # the national profile's volume per commune
        expected_dossiers=330_000,  # generated and imported for the template province; the rest is copied
        workday_pairs=0,
        api_batches=0,
        page_requests_per_client=0,
        time_budget_s=3 * 3600.0,
        benchmarks=("early_warning",),
        template_province="52",
    ),
}
