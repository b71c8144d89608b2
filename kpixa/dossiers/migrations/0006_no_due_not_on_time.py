"""Stored dossiers without any due time are no longer on time (docs/rules.md, "Dossier
outcome", no due time): finished ones become late, open ones overdue from their receipt day.

The counts follow after ``manage.py rebuild_rollups``. Dossiers timed by the catalogue
although their record carried its own time limit are re-judged when they are sent again.
"""

from typing import Any

from django.db import migrations
from django.db.models import F, Q


def not_on_time(apps: Any, schema_editor: Any) -> None:
    dossier = apps.get_model("dossiers", "Dossier")
    no_due = dossier.objects.filter(effective_due_at__isnull=True)
    no_due.filter(on_time=True).update(on_time=False)
    open_after_receipt = Q(end_day__isnull=True) | Q(end_day__gt=F("received_day"))
    no_due.filter(open_after_receipt, overdue_day__isnull=True).update(overdue_day=F("received_day"))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_version_diff_only"),
    ]

    operations = [
        migrations.RunPython(not_on_time, migrations.RunPython.noop),
    ]
