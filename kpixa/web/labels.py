"""Labels every page and export shares: indicator statuses and class labels in the active language
(kept in ``kpixa.scoring.labels`` so the score exports print the same words), and the sentence
every scorecard prints on what its total adds up.
"""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string

from kpixa.scoring.labels import (
    NOT_SCORED,
    class_shown,
    framework_name,
    policy_status_text,
    status_labels,
    status_text,
    treatment_label,
)

__all__ = [
    "NOT_SCORED",
    "class_shown",
    "counted_sentence",
    "framework_name",
    "policy_status_text",
    "status_labels",
    "status_text",
    "treatment_label",
]


def counted_sentence(max_total: Decimal) -> str:
    """The sentence every scorecard prints on what its total is the sum of and why an indicator
    can count in it with other points than its own (web/_counted.html, the pages' include)."""
    return " ".join(render_to_string("web/_counted.html", {"max_total": max_total}).split())
