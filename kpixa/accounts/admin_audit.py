"""Admin integration of the audit log and of unit scoping.

``ScopedModelAdmin`` confines a province administrator (any staff user who is not a superuser)
to his province in every admin page and action:

- rows: the changelist, the change/delete/history pages and every action see only the rows
  whose ``province_lookup`` (a queryset lookup to the province's id, e.g.
  ``"commune__province"``) is his province; a model without one is *national* (the working-day
  calendar, the procedure catalogue): he may view it but never add, change or delete it;
  ``national_rows`` lets him also view the rows of a scoped model whose province is empty (the
  national peer groups), read-only;
- permissions: add/change/delete are checked per object, on the stored row and again on the
  row as the form left it, so a posted foreign key cannot move a row out of the province;
- choices: a foreign key or many-to-many field offers only what the related model's own admin
  shows him (his communes, his province, his people ...);
- list filters: a related filter lists only values present in his rows, a filter across a
  relation only values of his rows.

``AuditedModelAdmin`` also writes an audit entry (who, when, what, before, after, the province)
for every add, change and delete made through the admin, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import HttpRequest

from kpixa.accounts import audit

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin as _ModelAdmin
    from django.contrib.admin.options import _ListFilterT
    from django.utils.datastructures import _ListOrTuple

    from kpixa.units.models import Province
else:

    class _ModelAdmin[M: models.Model](admin.ModelAdmin):
        """Django's ModelAdmin, subscriptable at run time as django-stubs types it."""


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


def is_scoped(request: HttpRequest) -> bool:
    """Whether the request's user is confined to a province (everyone but superusers)."""
    return not getattr(request.user, "is_superuser", False)


def user_province_id(request: HttpRequest) -> int | None:
    """The id of the province the request's user is confined to (None: no province)."""
    return getattr(request.user, "province_id", None)


def province_of(obj: models.Model, lookup: str | None) -> Province | None:
    """Follow ``lookup`` (``"commune__province"``, ``"province"``, ``"id"`` for a province itself)
    from ``obj`` to its Province; None for a national model or a row without a province."""
    if lookup is None:
        return None
    target: object = obj
    for part in lookup.split("__"):
        if part in ("id", "pk"):
            break
        target = getattr(target, part, None)
        if target is None:
            return None
    return cast("Province", target)


class ScopedValuesListFilter(admin.AllValuesFieldListFilter):
    """Django's value filter across a relation lists every row of the related table; this one
    lists only the values found in the rows the admin's (scoped) queryset shows."""

    def __init__(
        self,
        field: Any,
        request: HttpRequest,
        params: dict[str, list[str]],
        model: type[models.Model],
        model_admin: admin.ModelAdmin[models.Model],
        field_path: str,
    ) -> None:
        super().__init__(field, request, params, model, model_admin, field_path)
        rows = model_admin.get_queryset(request).order_by(field_path).values_list(field_path, flat=True)
        self.lookup_choices = rows.distinct()


def scoped_list_filter(model: type[models.Model], list_filter: Iterable[_ListFilterT]) -> list[_ListFilterT]:
    """Rewrite a ``list_filter`` so that no choice names a row outside the scoped queryset."""
    scoped: list[_ListFilterT] = []
    for item in list_filter:
        if not isinstance(item, str):
            scoped.append(item)
            continue
        fields = get_fields_from_path(model, item)
        if fields[-1].is_relation:
            scoped.append((item, admin.RelatedOnlyFieldListFilter))
        elif len(fields) > 1:
            scoped.append((item, ScopedValuesListFilter))
        else:
            scoped.append(item)
    return scoped


class ScopedModelAdmin[M: models.Model](_ModelAdmin[M]):
    """A ModelAdmin whose rows, permissions, choices and filters are confined to one province."""

    province_lookup: str | None = None
    # Also show a province admin the rows whose province is empty (read-only): national rows.
    national_rows = False

    # --- scope of a row ---------------------------------------------------------------------

    def province_of(self, obj: M) -> Province | None:
        return province_of(obj, self.province_lookup)

    def in_scope(self, request: HttpRequest, obj: M) -> bool:
        """Whether the request's user may write ``obj`` (its province is his)."""
        if not is_scoped(request):
            return True
        if self.province_lookup is None:
            return False  # national model
        province = self.province_of(obj)
        pid = user_province_id(request)
        return province is not None and pid is not None and province.pk == pid

    def visible(self, request: HttpRequest, obj: M) -> bool:
        """Whether the request's user may see ``obj``: in scope, or a national row or model."""
        if self.in_scope(request, obj) or self.province_lookup is None:
            return True
        return self.national_rows and self.province_of(obj) is None

    # --- rows ---------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[M]:
        qs = super().get_queryset(request)
        if not is_scoped(request) or self.province_lookup is None:
            return qs
        pid = user_province_id(request)
        mine = Q(**{self.province_lookup: pid}) if pid is not None else Q(pk__in=[])
        if self.national_rows:
            mine |= Q(**{f"{self.province_lookup}__isnull": True})
        return qs.filter(mine)

    # --- permissions, per object --------------------------------------------------------------

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.visible(request, obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        if is_scoped(request) and (self.province_lookup is None or user_province_id(request) is None):
            return False
        return super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        if is_scoped(request) and self.province_lookup is None:
            return False
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        if is_scoped(request) and self.province_lookup is None:
            return False
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def check_writable(self, request: HttpRequest, obj: M) -> None:
        """Refuse to save or delete ``obj`` (as the form left it) outside the user's province."""
        if not self.in_scope(request, obj):
            raise PermissionDenied

    # --- choices and filters ------------------------------------------------------------------

    def _scoped_choices(self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        if not is_scoped(request) or "queryset" in kwargs:
            return
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if related_admin is not None:
            kwargs["queryset"] = related_admin.get_queryset(request)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> _ListOrTuple[_ListFilterT]:
        list_filter = super().get_list_filter(request)
        return scoped_list_filter(self.model, list_filter) if is_scoped(request) else list_filter

    # --- writes -------------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: M, form: forms.ModelForm[M], change: bool) -> None:
        self.check_writable(request, obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[M]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class AuditedModelAdmin[M: models.Model](ScopedModelAdmin[M]):
    """A scoped ModelAdmin whose every change is audited with the province it concerns."""

    def audit_province_code(self, request: HttpRequest, obj: M) -> str:
        """The row's province code; for a row without one, the province of a scoped actor."""
        province = self.province_of(obj)
        if province is None and is_scoped(request):
            province = getattr(request.user, "province", None)
        return str(getattr(province, "code", "") or "")

    def save_model(self, request: HttpRequest, obj: M, form: forms.ModelForm[M], change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk:
                before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
            super().save_model(request, obj, form, change)
            # Kept on the request, not on the shared admin instance (threads serve other requests).
            request._kpixa_audit_before = before  # type: ignore[attr-defined]

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[M], formsets: Any, change: bool
    ) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            before = getattr(request, "_kpixa_audit_before", None)
            audit.record(
                "admin.change" if change else "admin.add",
                actor=request.user,  # type: ignore[arg-type]
                object_type=obj._meta.label,
                object_id=obj.pk,
                province_code=self.audit_province_code(request, obj),
                before=before,
                after=snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        with transaction.atomic():
            before = snapshot(obj)
            code = self.audit_province_code(request, obj)
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
