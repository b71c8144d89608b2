"""Which regime rates which post (docs/rules.md, "Evaluation of communes and leaders"): one YAML
file per post and version under ``kpixa/rules/regimes/`` states the regime (``nd335`` for the
Chairman, ``qd366`` for the Secretary), its criteria with their inputs and articles; the version
in force on a period's last day applies. A province switches a post's regime by a new version.
No Django here.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

REGIMES_DIR = Path(__file__).parent / "regimes"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CriterionSpec(_Spec):
    code: str
    input: str
    text: str
    article: str


class ConditionSpec(_Spec):
    class_code: str = Field(alias="class")
    text: str
    inputs: str
    article: str


class OverrideSpec(_Spec):
    input: str
    article: str


class QuotaSpec(_Spec):
    percent: int
    article: str


class RegimeFile(_Spec):
    """One post's regime, as a versioned file."""

    post: Literal["chairman", "secretary"]
    regime: Literal["nd335", "qd366"]
    version: str
    valid_from: date
    source: str
    formula: str
    criteria: tuple[CriterionSpec, ...]
    conditions: tuple[ConditionSpec, ...] = ()
    overrides: tuple[OverrideSpec, ...] = ()
    quota: QuotaSpec


@cache
def regime_files(directory: Path = REGIMES_DIR) -> tuple[RegimeFile, ...]:
    """Every regime file of ``directory``, validated (raises pydantic.ValidationError)."""
    files = sorted(directory.glob("*.yaml"))
    return tuple(RegimeFile(**yaml.safe_load(p.read_text(encoding="utf-8"))) for p in files)


def regime_for(post: str, day: date, files: tuple[RegimeFile, ...] | None = None) -> RegimeFile | None:
    """The version in force on ``day`` for ``post`` (the latest ``valid_from`` not after it)."""
    candidates = [
        f for f in (files if files is not None else regime_files()) if f.post == post and f.valid_from <= day
    ]
    return max(candidates, key=lambda f: f.valid_from, default=None)
