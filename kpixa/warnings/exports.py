"""The early warning as JSON and CSV (docs/early-warning.md, "Command").

JSON: a list, one item per commune and framework, with exactly the keys ``unit_code``,
``period``, ``projected`` ({indicator: {best, worst, expected}}, rates in percent with 2
decimals as ``export_scores``), ``projected_total``, ``projected_classification``, ``due_soon``
([{ma_ho_so, due_at, working_hours_left}]) and ``overdue`` ([{ma_ho_so, due_at}]), plus
``framework`` (several frameworks can be active) and ``reported_due`` ([{measure, deadline}],
the reported values still owed).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.scoring.engine.export import json_number
from kpixa.spreadsheet_safety import csv_writer
from kpixa.warnings.projection import SCENARIOS
from kpixa.warnings.queries import Projection

FORMATS = ("json", "csv")


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.make_aware(value).isoformat() if timezone.is_naive(value) else value.isoformat()


def row(p: Projection) -> dict[str, Any]:
    """One commune and framework in the documented JSON shape."""
    return {
        "unit_code": p.commune.code,
        "framework": p.framework_code,
        "period": p.period.code,
        "projected": {code: {s: json_number(rates[s]) for s in SCENARIOS} for code, rates in p.rates.items()},
        "projected_total": {s: json_number(p.totals[s]) for s in SCENARIOS},
        "projected_classification": {s: p.classes[s] for s in SCENARIOS},
        "due_soon": [
            {
                "ma_ho_so": d.ma_ho_so,
                "due_at": _when(d.due_at),
                "working_hours_left": json_number(d.working_hours_left),
            }
            for d in p.due_soon
        ],
        "overdue": [{"ma_ho_so": d.ma_ho_so, "due_at": _when(d.due_at)} for d in p.overdue],
        "reported_due": [{"measure": r.measure, "deadline": r.deadline.isoformat()} for r in p.reported_due],
    }


def to_json(projections: Sequence[Projection]) -> bytes:
    return json.dumps([row(p) for p in projections], ensure_ascii=False, indent=2).encode("utf-8")


def to_csv(projections: Sequence[Projection]) -> bytes:
    """One row per commune, framework and indicator (and one for the total, with the classes)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        [
            _("Mã đơn vị"),
            _("Bộ chỉ số"),
            _("Kỳ"),
            _("Chỉ số"),
            _("Tốt nhất"),
            _("Xấu nhất"),
            _("Dự kiến"),
            _("Hồ sơ đến hạn trong 1 ngày"),
            _("Hồ sơ đến hạn trong 5 ngày"),
            _("Hồ sơ quá hạn"),
        ]
    )
    for p in projections:
        head = [p.commune.code, p.framework_code, p.period.code]
        counts = [len(p.due_within(1)), len(p.due_within(5)), len(p.overdue)]
        writer.writerow([*head, "total", *(json_number(p.totals[s]) for s in SCENARIOS), *counts])
        writer.writerow([*head, "class", *(p.classes[s] or "" for s in SCENARIOS), "", "", ""])
        for code, rates in p.rates.items():
            writer.writerow([*head, code, *(json_number(rates[s]) for s in SCENARIOS), "", "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render(projections: Sequence[Projection], fmt: str) -> bytes:
    return {"json": to_json, "csv": to_csv}[fmt](projections)
