"""The translated, province-scoped and audited admin of units, aliases, people and tenures."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.admin_audit import AuditedModelAdmin
from kpixa.units.models import Commune, PeerGroup, Person, Province, Tenure, UnitAlias

# (app_label, codename) pairs a province admin needs to manage this app's rows of his province.
PROVINCE_ADMIN_PERMISSIONS = [
    ("units", "view_province"),
    ("units", "view_commune"),
    ("units", "change_commune"),
    ("units", "view_peergroup"),
    ("units", "add_peergroup"),
    ("units", "change_peergroup"),
    ("units", "view_unitalias"),
    ("units", "add_unitalias"),
    ("units", "change_unitalias"),
    ("units", "delete_unitalias"),
    ("units", "view_person"),
    ("units", "add_person"),
    ("units", "change_person"),
    ("units", "view_tenure"),
    ("units", "add_tenure"),
    ("units", "change_tenure"),
    ("units", "delete_tenure"),
]


def _is_scoped(request: HttpRequest) -> bool:
    return not getattr(request.user, "is_superuser", False)


def _user_province_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "province_id", None)


class ScopedChoicesMixin:
    """Limits commune and person choices of a scoped user to his own province."""

    choice_scopes = {"commune": "province", "person": "province"}

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        lookup = self.choice_scopes.get(db_field.name)
        if lookup and _is_scoped(request):
            qs = db_field.related_model._default_manager.filter(**{lookup: _user_province_id(request)})
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Province)
class ProvinceAdmin(AuditedModelAdmin):
    province_lookup = "id"
    list_display = ["code", "name", "kind", "data_version", "retired_at"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PeerGroup)
class PeerGroupAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "name_en", "commune_count"]
    search_fields = ["code", "name", "name_en"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return super().get_queryset(request).annotate(n_communes=models.Count("communes"))

    @admin.display(description=_("số xã/phường"), ordering="n_communes")
    def commune_count(self, obj: Any) -> int:
        return int(obj.n_communes)


@admin.register(Commune)
class CommuneAdmin(AuditedModelAdmin):
    province_lookup = "province"
    list_display = ["code", "name", "kind", "province", "peer_group_names", "retired_at"]
    list_filter = ["province", "kind", "peer_groups"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]
    filter_horizontal = ["peer_groups"]
    fields = ["code", "name", "kind", "province", "data_version", "retired_at", "peer_groups"]
    # Everything but the peer groups comes from the reference list (load_units).
    readonly_fields = ["code", "name", "kind", "province", "data_version", "retired_at"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("peer_groups")

    def get_list_filter(self, request: HttpRequest) -> Any:
        return ["kind", "peer_groups"] if _is_scoped(request) else self.list_filter

    @admin.display(description=_("nhóm tương đồng"))
    def peer_group_names(self, obj: Commune) -> str:
        return ", ".join(g.name for g in obj.peer_groups.all())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitAlias)
class UnitAliasAdmin(ScopedChoicesMixin, AuditedModelAdmin):
    province_lookup = "commune__province"
    list_display = ["alias", "system", "commune"]
    list_filter = ["system"]
    list_select_related = ["commune"]
    search_fields = ["alias", "commune__name", "commune__code"]
    autocomplete_fields = ["commune"]


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    province_lookup = "province"
    list_display = ["full_name", "external_id", "province"]
    list_select_related = ["province"]
    search_fields = ["full_name", "external_id"]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["province"] if _is_scoped(request) else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if _is_scoped(request):
            obj.province_id = _user_province_id(request)
        super().save_model(request, obj, form, change)


@admin.register(Tenure)
class TenureAdmin(ScopedChoicesMixin, AuditedModelAdmin):
    province_lookup = "commune__province"
    list_display = ["commune", "post", "person", "start", "end"]
    list_filter = ["post"]
    list_select_related = ["commune", "person"]
    search_fields = ["person__full_name", "commune__name", "commune__code"]
    date_hierarchy = "start"
    autocomplete_fields = ["commune", "person"]
