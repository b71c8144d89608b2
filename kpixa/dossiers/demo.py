"""Demo step: the procedure catalogue and six months of synthetic Gia Lai dossiers (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

from kpixa.dossiers.models import Dossier, Procedure
from kpixa.dossiers.services import import_procedures

CATALOGUE = Path(__file__).resolve().parent / "data" / "procedures.csv"
DEMO_FROM = "2025-07-01"
DEMO_TO = "2025-12-31"
DEMO_SCALE = "0.02"  # about 17,000 dossiers: realistic shape, a demo that loads in a minute


def seed_dossiers_demo(province_code: str = "52") -> None:
    """Load the catalogue, then generate and import the demo dossiers unless they are there."""
    if not Procedure.objects.filter(verified=True).exists():
        import_procedures(CATALOGUE)
    if Dossier.objects.filter(commune__province__code=province_code).exists():
        return
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
