"""API batches: one call of the dossier API imported as one batch, with per-record results.

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kpixa.dossiers.models import ImportBatch
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import ingest
from kpixa.dossiers.services.importing import new_batch, run_batch


def submit_api(
    token: Any,
    kind: str,
    records: list[Any] | dict[str, Any],
    after_commit: list[Callable[[], None]] | None = None,
) -> tuple[ImportBatch, list[ingest.RecordResult]]:
    """Import one API batch for an integration token (its province only); per-record results.

    Given ``after_commit``, the work a committed batch hands on (the accountability pass, the
    scores' refresh) is appended to it for the caller to run instead of at the commit.
    """
    batch = new_batch(
        kind, token.system, channel="api", province_id=token.province_id, file_name=f"api:{token.prefix}"
    )
    source = source_from_document(records)
    ctx = run_batch(
        batch, source, with_results=True, actor_label=f"api:{token.name}", after_commit=after_commit
    )
    results = sorted(ctx.results or [], key=lambda r: r.index)
    return batch, results
