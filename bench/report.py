"""The one table a run prints, and the JSON file it writes under bench/results/."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.core import Row

RESULTS_DIR = Path(__file__).resolve().parent / "results"
HEADERS = ("benchmark", "figure", "unit", "reference", "ratio", "goal", "status")


def fmt_number(value: float | None) -> str:
    """Return a figure with thousands separators and 3 significant decimals where it is small."""
    if value is None:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def _cells(row: Row) -> tuple[str, ...]:
    """Return the table cells of one row."""
    reference = fmt_number(row.reference)
    if row.reference is not None and row.reference_label:
        reference = f"{reference} ({row.reference_label})"
    ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
    return (
        row.name,
        fmt_number(row.figure),
        row.unit,
        reference,
        ratio,
        row.goal.text if row.goal else "",
        row.status,
    )


def line(row: Row) -> str:
    """Return one row as a line of text, printed as soon as the row is measured."""
    name, figure, unit, reference, ratio, goal, status = _cells(row)
    return f"{name}: {figure} {unit} (reference {reference}, {ratio}; goal {goal or '—'}: {status})"


def table(rows: list[Row]) -> str:
    """Return the rows as one aligned text table, notes listed under it."""
    cells = [HEADERS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = [f"  {row.name}: {row.note}" for row in rows if row.note]
    return "\n".join(lines + (["", "notes:", *notes] if notes else []))


SCALE_CAVEAT = (
    "goals are set for national scale (a 1M-row file, 12M dossiers): on this profile, met or not met "
    "is indicative"
)


def header(meta: dict[str, Any]) -> str:
    """Return the lines printed above the table: profile, data, machine, database."""
    machine = meta["machine"]
    at_scale = meta["profile"] == "national" and not meta.get("scale_overridden")
    caveat = [] if at_scale else [SCALE_CAVEAT]
    return "\n".join(
        [
            f"kpixa benchmarks — profile {meta['profile']} ({meta['profile_description']})",
            f"started {meta['started']}, took {meta['duration_s']:.0f} s, commit {machine['commit']}",
            f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB RAM",
            f"database: {machine['database']}; Python {machine['python']}, Django {machine['django']}",
            *caveat,
        ]
    )


def write_json(meta: dict[str, Any], rows: list[Row], results_dir: Path = RESULTS_DIR) -> Path:
    """Write the run to ``results_dir/<timestamp>-<profile>.json`` and return the path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(meta["started"]).strftime("%Y%m%d-%H%M%S")
    path = results_dir / f"{stamp}-{meta['profile']}.json"
    payload = {**meta, "results": [row.as_json() for row in rows]}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
