"""Demo step: an open current period for Gia Lai — a month of synthetic dossiers up to yesterday,
many still open with due times around today — and today's digest in the demo users' notifications."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management import call_command
from django.utils import timezone

from kpixa.dossiers.models import Dossier
from kpixa.warnings.services import send_warnings

DEMO_DAYS = 30  # received over the last 30 days: the open period's dossiers and some carried over
DEMO_SCALE = "0.02"  # the scale of the demo's six past months
DEMO_SEED = "1652"


def seed_warnings_demo(province_code: str = "52", today: date | None = None) -> int:
    """Generate the last ``DEMO_DAYS`` days of dossiers (up to yesterday) unless there are some,
    then send today's digest (idempotent). Return how many dossiers are open now."""
    today = today or timezone.localdate()
    start, end = today - timedelta(days=DEMO_DAYS), today - timedelta(days=1)
    recent = Dossier.objects.filter(commune__province__code=province_code, received_day__range=(start, end))
    if not recent.exists():
        call_command(
            "generate_dossiers",
            "--province",
            province_code,
            "--from",
            start.isoformat(),
            "--to",
            end.isoformat(),
            "--scale",
            DEMO_SCALE,
            "--seed",
            DEMO_SEED,
        )
    send_warnings(today, province_codes=[province_code])
    return Dossier.objects.filter(commune__province__code=province_code, end_day__isnull=True).count()
