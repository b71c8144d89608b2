"""``{% notifications_link %}``: a header link to the user's notifications with the unread count."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kpixa.accounts.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_link(context: Any) -> SafeString | str:
    """Render the link for a logged-in user (1 query), nothing for anonymous visitors."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    count = unread_count(user)
    label = _("Thông báo")
    if count:
        return format_html(
            '<a href="{}">{} <span class="tag">{}<span class="sr-only"> {}</span></span></a>',
            reverse("accounts:notifications"),
            label,
            count,
            _("chưa đọc"),
        )
    return format_html('<a href="{}">{}</a>', reverse("accounts:notifications"), label)
