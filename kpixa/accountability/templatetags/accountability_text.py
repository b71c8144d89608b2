"""A flag's reason in words on the pages (``kpixa.accountability.reasons``)."""

from __future__ import annotations

from django import template

from kpixa.accountability.reasons import reason_label

register = template.Library()
register.filter("flag_reason", reason_label)
