"""The export shape of scores, defined once (docs/scoring.md, "Commands"): the engine's
``UnitScore.to_dict``/``export`` and the JSON export of stored scores both build their rows here.

Per unit exactly ``unit_code``, ``unit_name``, ``total``, ``classification``, ``indicators``; per
indicator exactly ``code``, ``numerator``, ``denominator``, ``rate`` (percent, 2 decimals, as the
portal shows it), ``points``, ``max_points``. Numbers are JSON numbers; "no data" is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: integral values as int, others as float; None stays None."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def indicator_row(
    code: str,
    numerator: Decimal | None,
    denominator: Decimal | None,
    rate: Decimal | None,
    points: Decimal | None,
    max_points: Decimal | None,
) -> dict[str, Any]:
    """One indicator of the export shape."""
    return {
        "code": code,
        "numerator": json_number(numerator),
        "denominator": json_number(denominator),
        "rate": json_number(rate),
        "points": json_number(points),
        "max_points": json_number(max_points),
    }


def unit_row(
    code: str,
    name: str,
    total: Decimal | None,
    classification: str | None,
    indicators: Iterable[dict[str, Any]],
) -> dict[str, Any]:
    """One unit of the export shape (``classification``: the class code, None when unclassified)."""
    return {
        "unit_code": code,
        "unit_name": name,
        "total": json_number(total),
        "classification": classification or None,
        "indicators": list(indicators),
    }
