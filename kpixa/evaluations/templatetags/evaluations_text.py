"""Texts of the evaluations pages stored in Vietnamese, shown in the active language."""

from __future__ import annotations

from django import template

from kpixa.evaluations.reasons import reason_shown

register = template.Library()
register.filter("reason_shown", reason_shown)
