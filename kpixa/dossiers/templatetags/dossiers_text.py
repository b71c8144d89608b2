"""A rejected record's reason in the active language on the pages (``kpixa.dossiers.rejection_text``)."""

from __future__ import annotations

from django import template

from kpixa.dossiers.rejection_text import reason_shown

register = template.Library()
register.filter("rejection_reason", reason_shown)
