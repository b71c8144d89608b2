"""Admin of the dossiers app: the procedure catalogue (verify auto-added codes), batches, flags,
and the registered source systems (docs/dossier-format.md, "Source systems and authority")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.admin_audit import AuditedModelAdmin
from kpixa.dossiers.models import Flag, ImportBatch, Procedure, SourceKind, SourceSystem

# Granted to province admins by the accounts app: the province's source systems (registering an
# official system, renaming one); deleting one never (records name their system by its code).
PROVINCE_ADMIN_PERMISSIONS = [
    ("dossiers", "view_sourcesystem"),
    ("dossiers", "add_sourcesystem"),
    ("dossiers", "change_sourcesystem"),
]


@admin.register(Procedure)
class ProcedureAdmin(AuditedModelAdmin[Procedure]):
    list_display = ("code", "name", "limit_value", "limit_unit", "cutoff_hour", "fee_bearing", "verified")
    list_filter = ("verified", "fee_bearing", "e2e_eligible", "limit_unit")
    search_fields = ("code", "name")


@admin.register(ImportBatch)
class ImportBatchAdmin(AuditedModelAdmin[ImportBatch]):
    province_lookup = "province"
    list_display = (
        "id",
        "kind",
        "source_system",
        "channel",
        "file_name",
        "status",
        "read",
        "rejected",
        "flagged",
    )
    list_filter = ("status", "kind", "channel")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(Flag)
class FlagAdmin(AuditedModelAdmin[Flag]):
    province_lookup = "batch__province"
    list_display = ("id", "code", "message", "batch", "created_at")
    list_filter = ("code",)
    readonly_fields = ("batch", "dossier", "code", "message_vi", "created_at")


class SourceSystemForm(forms.ModelForm):  # type: ignore[type-arg]
    """A source system's kind and scope agree: an official system has no commune, a commune's
    local source belongs to that commune's province."""

    class Meta:
        model = SourceSystem
        fields = ("code", "name", "kind", "province", "commune")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, province, commune = data.get("kind"), data.get("province"), data.get("commune")
        if kind == SourceKind.OFFICIAL and commune is not None:
            self.add_error("commune", _("Hệ thống chính thức không thuộc riêng một xã/phường."))
        if kind == SourceKind.LOCAL:
            if commune is None:
                self.add_error("commune", _("Nguồn số liệu riêng phải thuộc một xã/phường."))
            elif province is not None and commune.province_id != province.pk:
                self.add_error("commune", _("Xã/phường này không thuộc tỉnh đã chọn."))
        return data


@admin.register(SourceSystem)
class SourceSystemAdmin(AuditedModelAdmin[SourceSystem]):
    """Source systems, confined to the province (official systems of no province — national —
    are shown read-only to a province admin); the code, kind and scope are fixed once
    registered, and a system is never deleted (its records keep naming it)."""

    form = SourceSystemForm
    province_lookup = "province"
    national_rows = True
    list_display = ("code", "name", "kind", "province", "commune", "created_at")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    list_select_related = ("province", "commune")

    def get_readonly_fields(self, request: HttpRequest, obj: SourceSystem | None = None) -> tuple[str, ...]:
        return ("code", "kind", "province", "commune", "created_at") if obj is not None else ("created_at",)

    def has_delete_permission(self, request: HttpRequest, obj: SourceSystem | None = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False)) and super().has_delete_permission(
            request, obj
        )
