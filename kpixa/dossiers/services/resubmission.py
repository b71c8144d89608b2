"""The quarantine: re-submitting rejected records, fixed or as they were, as a new batch.

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kpixa.accounts.models import User
from kpixa.dossiers.models import ImportBatch, Rejection
from kpixa.dossiers.parsing import Source
from kpixa.dossiers.services.importing import new_batch, run_batch


def resubmit_rejections(
    rejections: list[Rejection], *, actor: User | None = None, edited: dict[int, Any] | None = None
) -> ImportBatch | None:
    """Re-run quarantined records (optionally with fixed raw JSON) as a new batch of their kind.

    The rejections are marked re-submitted; records that fail again land in the new batch's
    quarantine. Returns the new batch, or None when there was nothing to re-submit.
    """
    if not rejections:
        return None
    first = rejections[0].batch
    batch = new_batch(
        first.kind,
        first.source_system,
        channel="resubmit",
        province_id=first.province_id,
        commune_id=first.commune_id,
        created_by=actor if getattr(actor, "pk", None) else None,
        file_name=f"resubmit:{first.pk}",
    )
    records = [(r.row, (edited or {}).get(r.pk, r.raw)) for r in rejections]
    source = Source(records, total=len(records))
    with transaction.atomic():
        run_batch(batch, source, actor=actor)
        Rejection.objects.filter(pk__in=[r.pk for r in rejections]).update(
            resubmitted=True, resubmitted_at=timezone.now()
        )
    return batch
