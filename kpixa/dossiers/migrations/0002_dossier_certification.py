"""The certification fact (a dossier of a chứng thực procedure), back-filled from the catalogue.

Rollups of the new measures appear after ``manage.py rebuild_rollups``.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import Q


def backfill(apps: Any, schema_editor: Any) -> None:
    dossier = apps.get_model("dossiers", "Dossier")
    field = Q(procedure__field_code__iexact="CHUNGTHUC") | Q(procedure__field_name__iexact="chứng thực")
    dossier.objects.filter(field).update(certification=True)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="certification",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
