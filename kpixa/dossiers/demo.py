"""Demo step: the procedure catalogue, six months of synthetic Gia Lai dossiers and the monthly
counts the provincial system declares for two communes in three (idempotent)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from kpixa.dossiers.models import Dossier, Procedure, Rollup
from kpixa.dossiers.services.declared import declare_counts
from kpixa.dossiers.services.procedure_catalogue import import_procedures
from kpixa.units.models import Commune

CATALOGUE = Path(__file__).resolve().parent / "data" / "procedures.csv"
DEMO_FROM = "2025-07-01"
DEMO_TO = "2025-12-31"
DEMO_SCALE = "0.02"  # about 17,000 dossiers: realistic shape, a demo that loads in a minute
DEMO_DECLARING_SYSTEM = "motcua-gialai"
# Dossiers the provincial system received but did not sync, in percent of those synced: the
# demo's declared count is the synced count plus this share (one value per commune, in turn).
DEMO_UNSYNCED_PERCENT = (0, 2, 5, 1, 8, 3)


def seed_dossiers_demo(province_code: str = "52") -> None:
    """Load the catalogue, generate and import the demo dossiers unless they are there, then
    declare the provincial system's monthly counts (seed_declared_demo)."""
    if not Procedure.objects.filter(verified=True).exists():
        import_procedures(CATALOGUE)
    if not Dossier.objects.filter(commune__province__code=province_code).exists():
        _generate(province_code)
    seed_declared_demo(province_code)


def _generate(province_code: str) -> None:
    call_command(
        "generate_dossiers",
        "--province",
        province_code,
        "--from",
        DEMO_FROM,
        "--to",
        DEMO_TO,
        "--scale",
        DEMO_SCALE,
        "--seed",
        "52",
    )


def seed_declared_demo(province_code: str = "52") -> int:
    """Declare monthly received counts for two communes in three (the others' systems declare
    nothing, so their indicator 1.4 is not measurable); return the rows declared."""
    communes = list(
        Commune.objects.filter(province__code=province_code, retired_at__isnull=True)
        .order_by("code")
        .values_list("id", flat=True)
    )
    declaring = {cid: i for i, cid in enumerate(communes) if i % 3 != 2}
    start, end = date.fromisoformat(DEMO_FROM), date.fromisoformat(DEMO_TO)
    received = (
        Rollup.objects.filter(
            commune_id__in=list(declaring), measure="dossiers.received", day__gte=start, day__lte=end
        )
        .annotate(month=TruncMonth("day"))
        .values("commune_id", "month")
        .annotate(n=Sum("value"))
        .order_by()
    )
    counts = []
    for row in received:
        share = DEMO_UNSYNCED_PERCENT[declaring[row["commune_id"]] % len(DEMO_UNSYNCED_PERCENT)]
        counts.append((row["commune_id"], row["month"], row["n"] + row["n"] * share // 100))
    return declare_counts(DEMO_DECLARING_SYSTEM, counts, actor_label="demo")
