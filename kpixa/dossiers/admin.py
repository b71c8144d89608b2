"""Admin of the dossiers app: the procedure catalogue (verify auto-added codes), batches, flags."""

from __future__ import annotations

from django.contrib import admin

from kpixa.accounts.admin_audit import AuditedModelAdmin
from kpixa.dossiers.models import Flag, ImportBatch, Procedure


@admin.register(Procedure)
class ProcedureAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "limit_value", "limit_unit", "cutoff_hour", "fee_bearing", "verified")
    list_filter = ("verified", "fee_bearing", "e2e_eligible", "limit_unit")
    search_fields = ("code", "name")


@admin.register(ImportBatch)
class ImportBatchAdmin(AuditedModelAdmin):
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
class FlagAdmin(AuditedModelAdmin):
    province_lookup = "batch__province"
    list_display = ("id", "code", "message", "batch", "created_at")
    list_filter = ("code",)
    readonly_fields = ("batch", "dossier", "code", "message_vi", "created_at")
