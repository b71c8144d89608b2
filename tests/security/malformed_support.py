"""What the malformed-input security tests share: a catalogue and token, a good record, a
batch posted beside one bad record, and files with one bad row among good ones."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from kpixa.dossiers.tests.conftest import base_record
from tests.security.ingest_support import add_catalogue, post

__all__ = ["add_catalogue", "base_record", "post", "post_beside_good", "result_of", "write_csv"]


def post_beside_good(client: Any, key: str, bad: dict[str, Any] | str) -> list[dict[str, Any]]:
    """POST [a good record, ``bad``] (a record, or its JSON text as sent); assert the call
    answers 200 and the good record is created; return both results."""
    bad_text = bad if isinstance(bad, str) else json.dumps(bad, ensure_ascii=False)
    body = f"[{json.dumps(base_record('GOOD-1'))},{bad_text}]"
    response = post(client, body, key)
    assert response.status_code == 200, response.content[:500]
    results: list[dict[str, Any]] = response.json()["results"]
    assert results[0]["status"] == "created", results[0]
    return results


def result_of(client: Any, key: str, bad: dict[str, Any] | str) -> dict[str, Any]:
    """The result of ``bad`` posted beside a good record."""
    return post_beside_good(client, key, bad)[1]


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Rows as the portal's flat CSV (list fields as JSON text)."""
    header = sorted({name for row in rows for name in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: v if isinstance(v, str) else json.dumps(v) for k, v in row.items()})
    return path
