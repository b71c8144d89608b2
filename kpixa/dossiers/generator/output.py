"""Streaming a whole run to files: dossiers to the given path, petitions and ratings beside it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .run import Batch, GeneratorConfig, generate
from .writers import Writer, flavour_of


@dataclass
class RunSummary:
    """Counts and timing of a finished run."""

    dossiers: int = 0
    petitions: int = 0
    ratings: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Dossiers generated and written per second."""
        return self.dossiers / self.seconds if self.seconds else 0.0


def output_paths(path: Path, fmt: str) -> dict[str, Path]:
    """Where a run writes: dossiers at ``path``; petitions and ratings as ``<stem>.pakn.<fmt>`` etc."""
    stem = path.with_suffix("") if path.suffix.lstrip(".") == fmt else path
    return {
        "dossiers": path,
        "petitions": stem.with_name(f"{stem.name}.pakn.{fmt}"),
        "ratings": stem.with_name(f"{stem.name}.danhgia.{fmt}"),
    }


def write_run(
    config: GeneratorConfig, path: Path, fmt: str, progress: Callable[[Batch], None] | None = None
) -> RunSummary:
    """Generate the run and write its three files; return the counts and the time taken."""
    started = time.perf_counter()
    paths = output_paths(path, fmt)
    handles = {kind: p.open("w", encoding="utf-8", newline="") for kind, p in paths.items()}
    try:
        writers = {kind: Writer(fh, fmt, dossiers=kind == "dossiers") for kind, fh in handles.items()}
        for batch in generate(config, flavour_of(fmt)):
            writers["dossiers"].write(batch.dossiers)
            writers["petitions"].write(batch.petitions)
            writers["ratings"].write(batch.ratings)
            if progress is not None:
                progress(batch)
        for w in writers.values():
            w.close()
    finally:
        for fh in handles.values():
            fh.close()
    counts = {kind: w.count for kind, w in writers.items()}
    return RunSummary(
        counts["dossiers"], counts["petitions"], counts["ratings"], time.perf_counter() - started
    )
