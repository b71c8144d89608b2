"""Admin integration of the audit log and of unit scoping.

``AuditedModelAdmin`` writes an audit entry (who, when, what, before, after) for every add,
change and delete made through the admin, inside the same transaction as the change.
Subclasses scope rows to the admin's province by naming the lookup path in
``province_lookup`` (e.g. ``"commune__province"``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from kpixa.accounts import audit

# Never copied into the audit log: password hashes and API key hashes.
SECRET_FIELDS = frozenset({"password", "key_hash"})


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Return the object's concrete field values (many-to-many as sorted id lists), secrets left out."""
    data = {k: v for k, v in model_to_dict(obj).items() if k not in SECRET_FIELDS}
    for key, value in list(data.items()):
        if isinstance(value, list):
            data[key] = sorted(getattr(v, "pk", v) for v in value)
        elif isinstance(value, models.Model):
            data[key] = value.pk
        elif hasattr(value, "name") and not isinstance(value, str | int | float | bool):
            data[key] = str(getattr(value, "name", value))  # files
    return data


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose every change is audited and whose rows are scoped to one province."""

    province_lookup: str | None = None

    def _province_code_of(self, obj: models.Model) -> str:
        if self.province_lookup is None:
            return ""
        target: Any = obj
        for part in self.province_lookup.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return ""
        return str(getattr(target, "code", ""))

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)
        user: Any = request.user
        if user.is_superuser or self.province_lookup is None:
            return qs
        if getattr(user, "province_id", None) is None:
            return qs.none()
        return qs.filter(**{self.province_lookup: user.province_id})

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk:
                before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
            super().save_model(request, obj, form, change)
            # Kept on the request, not on the shared admin instance (threads serve other requests).
            request._kpixa_audit_before = before  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            before = getattr(request, "_kpixa_audit_before", None)
            audit.record(
                "admin.change" if change else "admin.add",
                actor=request.user,  # type: ignore[arg-type]
                object_type=obj._meta.label,
                object_id=obj.pk,
                province_code=self._province_code_of(obj),
                before=before,
                after=snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = snapshot(obj)
            code = self._province_code_of(obj)
            pk = obj.pk
            super().delete_model(request, obj)
            audit.record(
                "admin.delete",
                actor=request.user,  # type: ignore[arg-type]
                object_type=obj._meta.label,
                object_id=pk,
                province_code=code,
                before=before,
            )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
