"""Fixtures of the scoring tests: the shipped frameworks installed and active, fed inputs."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.scoring.services.scores import Providers


@pytest.fixture
def frameworks(world: Any) -> dict[str, Any]:
    """Install and activate every shipped framework; return the versions by file stem."""
    versions = {}
    for path in shipped_files():
        version, _created = install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)
        versions[path.stem] = version
    return versions


class FedInputs:
    """A measures provider fed directly: {commune id: {measure: count}} whatever the dates."""

    def __init__(self, counts: Mapping[int, Mapping[str, int]] | None = None) -> None:
        self.counts: dict[int, dict[str, int]] = {k: dict(v) for k, v in (counts or {}).items()}
        self.calls: list[tuple[frozenset[int], date, date]] = []

    def __call__(self, commune_ids: Collection[int], start: date, end: date) -> dict[int, dict[str, int]]:
        self.calls.append((frozenset(commune_ids), start, end))
        return {cid: self.counts[cid] for cid in commune_ids if cid in self.counts}

    def providers(self, reported: Mapping[int, Mapping[str, Decimal]] | None = None) -> Providers:
        values = {k: dict(v) for k, v in (reported or {}).items()}
        return Providers(
            measures=self, reported=lambda ids, period: {i: values[i] for i in ids if i in values}
        )


def progress(total: int, on_time: int, **more: int) -> dict[str, int]:
    """Counts for one commune: ``total`` dossiers, ``on_time`` of them on time, plus ``more``."""
    return {"dossiers.total": total, "dossiers.on_time": on_time, "dossiers.late": total - on_time, **more}
