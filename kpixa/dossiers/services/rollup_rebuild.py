"""Rebuilding the rollups from the stored dossiers (all, or one province's).

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

from django.db import transaction

from kpixa.accounts import audit
from kpixa.accounts.models import User
from kpixa.dossiers.services import rollups


def rebuild_rollups(province_code: str | None = None, *, actor: User | None = None) -> int:
    """Recompute all rollups (or one province's) from the raw rows; return the rows written."""
    from kpixa.units.models import Province

    province = Province.objects.get(code=province_code) if province_code else None
    with transaction.atomic():
        written = rollups.rebuild(province.pk if province else None)
        audit.record(
            "dossiers.rebuild_rollups",
            actor=actor,
            object_type="dossiers.Rollup",
            province_code=province_code or "",
            after={"rows": written},
        )
    return written
