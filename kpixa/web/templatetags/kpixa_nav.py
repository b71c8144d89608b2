"""``{% site_menu %}``: the header menu of base.html, rendered once per viewer, page and language
(kpixa/web/navigation.py, ``menu_html``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kpixa.web.navigation import menu_html

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context: Any) -> SafeString:
    """The menu's groups of links for the page's request ("" without a request)."""
    request = context.get("request")
    if request is None:
        return SafeString("")
    return menu_html(request, context.get("unread_notifications", 0))
