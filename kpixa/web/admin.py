"""Titles of the translated administration site (province admins manage reference data there),
and the third-party models of the site (groups, login lockouts) kept to superusers."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Quản trị kpixa")
admin.site.site_title = _("Quản trị kpixa")
admin.site.index_title = _("Dữ liệu dùng chung: đơn vị, lãnh đạo, người dùng, lịch làm việc")


class SuperuserOnly:
    """A model of no province (permission groups, every province's login lockouts): superusers
    only, whatever permissions a province admin has been granted."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.has_module_permission(request)


def keep_third_party_models_to_superusers(site: admin.AdminSite = admin.site) -> list[str]:
    """Re-register every model of a non-kpixa app (registered before this module, which comes
    last in INSTALLED_APPS but for the API) with ``SuperuserOnly``; return their labels."""
    labels = []
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_config.name.startswith("kpixa.") or isinstance(model_admin, SuperuserOnly):
            continue
        site.unregister(model)
        site.register(
            model, type(f"SuperuserOnly{type(model_admin).__name__}", (SuperuserOnly, type(model_admin)), {})
        )
        labels.append(model._meta.label)
    return labels


keep_third_party_models_to_superusers()
