"""Login and logout pages (Django's auth views with the demo logins and declared access policies)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.access import PUBLIC

# Created by the demo seed (``seed_demo``); password "demo". Shown on the login page in demo mode only.
DEMO_LOGINS = (
    ("province_admin", _("Quản trị cấp tỉnh (Gia Lai)")),
    ("province_viewer", _("Theo dõi cấp tỉnh (Gia Lai)")),
    ("leader_iadom", _("Lãnh đạo Xã Ia Dom")),
    ("officer_iadom", _("Công chức Xã Ia Dom")),
)
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo credential


class LoginView(auth_views.LoginView):
    """The login form; in demo mode it lists the demo accounts."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    kpixa_access = PUBLIC

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_logins"] = DEMO_LOGINS
            context["demo_password"] = DEMO_PASSWORD
        return context


class LogoutView(auth_views.LogoutView):
    """Log out (POST only) and return to the home page."""

    kpixa_access = PUBLIC
