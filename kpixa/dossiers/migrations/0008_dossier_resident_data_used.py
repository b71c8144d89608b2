"""Dossiers learn whether DSKetNoiCSDL named a national database (``resident_data_used``).
Dossiers stored before have NULL (unknown): the migration counts them per commune and receipt
day as ``x.resident_data_unknown`` so a period holding them keeps indicator 6.7 not measurable
(kpixa.dossiers.queries) until they are sent again. ``manage.py rebuild_rollups`` counts the same.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import Count

UNKNOWN = "x.resident_data_unknown"


def count_unknown(apps: Any, schema_editor: Any) -> None:
    dossier = apps.get_model("dossiers", "Dossier")
    rollup = apps.get_model("dossiers", "Rollup")
    rows = (
        dossier.objects.filter(resident_data_used__isnull=True)
        .values("commune_id", "received_day")
        .annotate(n=Count("id"))
        .order_by()
    )
    rollup.objects.bulk_create(
        (
            rollup(commune_id=r["commune_id"], day=r["received_day"], measure=UNKNOWN, value=r["n"])
            for r in rows
        ),
        batch_size=5000,
    )


def forget_unknown(apps: Any, schema_editor: Any) -> None:
    apps.get_model("dossiers", "Rollup").objects.filter(measure=UNKNOWN).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0007_declared_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="resident_data_used",
            field=models.BooleanField(default=None, null=True),
        ),
        migrations.RunPython(count_unknown, forget_unknown),
    ]
