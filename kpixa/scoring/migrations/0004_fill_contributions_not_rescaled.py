"""Indicator scores stored before contributions existed (``contribution`` NULL) get them where they
are certain: for a commune's result in which nothing was re-scaled (every indicator has points, the
points add up to the stored total and the maxima to the stored maximum), each indicator adds its own
points to the total. Results that were re-scaled keep NULL: the pages then say the contributions are
not stored rather than show parts that do not add up (docs/rules.md, "Rates and points"). Nothing
is recomputed, so a closed or published period keeps its figures."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import migrations
from django.db.models import F

Key = tuple[int, int, str]


def fill_not_rescaled(apps: Any, schema_editor: Any = None) -> int:
    """Fill the contributions of the results nothing re-scaled; return how many results were filled."""
    indicator_score = apps.get_model("scoring", "IndicatorScore")
    unit_score = apps.get_model("scoring", "UnitScore")
    empty = indicator_score.objects.filter(contribution__isnull=True)
    rows: dict[Key, list[tuple[Decimal | None, Decimal]]] = defaultdict(list)
    for fv, commune, period, points, most in empty.values_list(
        "framework_version_id", "commune_id", "period_code", "points", "max_points"
    ).iterator():
        rows[(fv, commune, period)].append((points, most))
    if not rows:
        return 0
    totals = {
        (fv, commune, period): (total, max_total)
        for fv, commune, period, total, max_total in unit_score.objects.filter(
            framework_version_id__in={k[0] for k in rows}
        ).values_list("framework_version_id", "commune_id", "period_code", "total", "max_total")
    }
    filled = 0
    for key, found in rows.items():
        stored = totals.get(key)
        if stored is None or stored[0] is None or any(points is None for points, _most in found):
            continue
        points_sum = sum((points for points, _most in found if points is not None), Decimal(0))
        if points_sum != stored[0] or sum((most for _points, most in found), Decimal(0)) != stored[1]:
            continue  # re-scaled (or only part of the result lacks contributions): left NULL
        fv, commune, period = key
        empty.filter(framework_version_id=fv, commune_id=commune, period_code=period).update(
            contribution=F("points"), contribution_max=F("max_points")
        )
        filled += 1
    return filled


def _fill(apps: Any, schema_editor: Any) -> None:
    fill_not_rescaled(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0003_indicator_contribution_explanation_en"),
    ]

    operations = [migrations.RunPython(_fill, migrations.RunPython.noop)]
