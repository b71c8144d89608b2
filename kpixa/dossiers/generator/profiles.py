"""Per-commune behaviour: volume, online adoption, punctuality, their monthly drift, and quirks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Dossiers per commune per working day at scale 1: Gia Lai's ~140,000 a month over 135
# communes and ~22 working days (docs/generator.md); nationally ~50 million a year over 3,321.
BASE_PER_WORKING_DAY = 47.0
VOLUME_SIGMA = 0.65  # log-normal spread of commune volumes
KIND_VOLUME = {"phuong": 1.7, "xa": 0.84, "dac_khu": 0.6}
# Share of each quirk among communes (at least one commune each when there are 10 or more).
QUIRK_SHARE = 0.05


@dataclass(frozen=True)
class Profiles:
    """Parallel arrays, one entry per commune, of everything that makes communes differ."""

    codes: list[str]
    kinds: list[str]
    volume: FloatArray  # expected dossiers per working day at scale 1
    online: FloatArray  # share of online receipts in the first month
    online_drift: FloatArray  # change of that share per month
    late: FloatArray  # probability that a dossier finishes late, first month
    late_drift: FloatArray
    supplement: FloatArray  # probability of a supplement request
    e_result: FloatArray  # probability that a finished dossier has an electronic result
    pay_online: FloatArray  # probability that an online, fee-bearing dossier is paid online
    minority: FloatArray  # share of citizens with ethnic-minority names
    month_end_spike: BoolArray  # receipts pile up in the last working days of each month
    repeat_supplements: BoolArray  # asks for supplements again and again
    last_minute: BoolArray  # closes dossiers just before the deadline

    def __len__(self) -> int:
        return len(self.codes)

    def online_at(self, month: int) -> FloatArray:
        """Online share of each commune ``month`` months after the start."""
        return np.clip(self.online + self.online_drift * month, 0.2, 0.995)

    def late_at(self, month: int) -> FloatArray:
        """Late probability of each commune ``month`` months after the start."""
        return np.clip(self.late + self.late_drift * month, 0.003, 0.6)


def build_profiles(communes: Sequence[tuple[str, str]], seed: int) -> Profiles:
    """Draw the profile of each (code, kind) commune; the same seed gives the same profiles."""
    rng = np.random.default_rng([seed, 7])
    n = len(communes)
    codes = [c for c, _ in communes]
    kinds = [k for _, k in communes]
    urban = np.array([k == "phuong" for k in kinds])
    factor = np.array([KIND_VOLUME.get(k, 1.0) for k in kinds])
    volume = BASE_PER_WORKING_DAY * factor * rng.lognormal(-(VOLUME_SIGMA**2) / 2, VOLUME_SIGMA, n)
    return Profiles(
        codes=codes,
        kinds=kinds,
        volume=volume,
        online=np.clip(rng.beta(12, 1.6, n) + 0.04 * urban, 0.35, 0.985),
        online_drift=rng.normal(0.008, 0.008, n),
        late=_late_shares(rng, n),
        late_drift=rng.normal(-0.003, 0.004, n),
        supplement=rng.uniform(0.02, 0.07, n),
        e_result=rng.beta(6, 2, n),
        pay_online=rng.beta(4, 3, n),
        minority=np.where(urban, rng.uniform(0.0, 0.08, n), rng.beta(0.8, 1.6, n)),
        month_end_spike=_quirk(rng, n),
        repeat_supplements=_quirk(rng, n),
        last_minute=_quirk(rng, n),
    )


def _late_shares(rng: np.random.Generator, n: int) -> FloatArray:
    """Mostly punctual communes (2–5% late) and a tail of struggling ones (up to ~25%)."""
    base = rng.beta(1.4, 30, n)
    struggling = rng.random(n) < 0.12
    return np.where(struggling, base + rng.uniform(0.08, 0.2, n), base)


def _quirk(rng: np.random.Generator, n: int) -> BoolArray:
    flags = np.zeros(n, dtype=bool)
    count = round(n * QUIRK_SHARE) if n < 10 else max(1, round(n * QUIRK_SHARE))
    flags[rng.choice(n, size=count, replace=False)] = True
    return flags
