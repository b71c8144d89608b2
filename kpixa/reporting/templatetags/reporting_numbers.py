"""Numbers of the reporting pages written as the user's language writes them (forms.local_number)."""

from __future__ import annotations

from django import template

from kpixa.reporting.forms import local_number

register = template.Library()
register.filter("local_number", local_number)
