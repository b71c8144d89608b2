"""Driving a run: configuration, the expected volume of each commune and day, batches of columns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from . import people
from .catalogue import CATALOGUE_PATH, load_catalogue
from .clock import day_weights, month_end_flags, work_calendar
from .feedback import petitions, ratings
from .profiles import build_profiles
from .render import Lookups, ObjArray, render
from .timeline import Context, build_day, day_seconds

MONTH_END_SPIKE = 3.0  # receipts in the last working days of a month, for the communes that pile them up
Columns = dict[str, ObjArray]


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate: communes as (code, kind) pairs, the days [start, end], scale and seed.

    ``aliases`` maps a commune code to the agency code its one-stop system sends as DonViXuLy
    (default: the commune code itself). ``use_database`` reads the working-day exceptions
    entered by administrators; without it the official calendar is used (no database needed).
    """

    communes: Sequence[tuple[str, str]]
    start: date
    end: date
    scale: float = 1.0
    seed: int = 1
    aliases: Mapping[str, str] = field(default_factory=dict)
    use_database: bool = False
    catalogue_path: Path = CATALOGUE_PATH


@dataclass
class Batch:
    """One day's generated records, as columns of strings."""

    day: date
    dossiers: Columns
    petitions: Columns
    ratings: Columns

    def __len__(self) -> int:
        return len(self.dossiers["MaHoSo"])


def days_of(config: GeneratorConfig) -> list[date]:
    """Every day of the run, ``start`` to ``end`` inclusive."""
    return [config.start + timedelta(days=i) for i in range((config.end - config.start).days + 1)]


def make_context(config: GeneratorConfig) -> Context:
    """The run's shared state: catalogue, commune profiles, calendar and end instant."""
    if not config.communes:
        raise ValueError("no communes to generate dossiers for")
    if config.end < config.start:
        raise ValueError("the end date is before the start date")
    return Context(
        seed=config.seed,
        catalogue=load_catalogue(config.catalogue_path),
        profiles=build_profiles(config.communes, config.seed),
        calendar=work_calendar(config.use_database),
        as_of=day_seconds(config.end + timedelta(days=1)) - 1,
        month0=config.start.replace(day=1),
    )


def expected_counts(ctx: Context, config: GeneratorConfig, days: list[date]) -> npt.NDArray[np.float64]:
    """Expected dossiers per (day, commune): volume × scale × day weight × month-end spike."""
    weights = day_weights(ctx.calendar, days)
    month_end = month_end_flags(ctx.calendar, days)
    base = ctx.profiles.volume * config.scale
    spike = np.where(ctx.profiles.month_end_spike, MONTH_END_SPIKE, 1.0)
    return weights[:, None] * base[None, :] * np.where(month_end[:, None], spike[None, :], 1.0)


def _officers(ctx: Context, n: int) -> ObjArray:
    rng = np.random.default_rng([ctx.seed, 23])
    return people.names(rng, np.zeros(n * 4)).reshape(n, 4)


def _people(ctx: Context, day: date, commune: npt.NDArray[np.int64]) -> Columns:
    rng = np.random.default_rng([ctx.seed, 19, day.toordinal()])
    n = len(commune)
    return {
        "ChuHoSo": people.names(rng, ctx.profiles.minority[commune]),
        "SoGiayToChuHoSo": people.id_numbers(rng, n),
        "SoDienThoai": people.phones(rng, n),
    }


def generate(config: GeneratorConfig, flavour: str = "json") -> Iterator[Batch]:
    """Yield one Batch per day of the run, in date order; the same config gives the same batches.

    ``flavour`` is that of render: "json" cells for JSON output and records, "csv" for CSV.
    """
    ctx = make_context(config)
    days = days_of(config)
    expected = expected_counts(ctx, config, days)
    units = [config.aliases.get(code, code) for code in ctx.profiles.codes]
    lk = Lookups.build(ctx.catalogue, units, _officers(ctx, len(units)), days[0], days[-1])
    for i, day in enumerate(days):
        frame = build_day(ctx, day, expected[i])
        dossiers = render(frame, lk, _people(ctx, day, frame.commune), flavour)
        pakn = petitions(ctx, frame, expected[i], lk)
        rated = ratings(ctx, frame, dossiers["MaHoSo"], pakn, lk)
        yield Batch(day, dossiers, {k: v for k, v in pakn.items() if not k.startswith("_")}, rated)
