"""Admin for users (scoped to the province admin's province), API tokens and the read-only audit log."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpixa.accounts import audit, services
from kpixa.accounts.admin_audit import AuditedModelAdmin, ScopedModelAdmin, is_scoped
from kpixa.accounts.models import ApiToken, AuditEntry, Role, User
from kpixa.spreadsheet_safety import csv_writer
from kpixa.units.models import Commune, Province

# The permissions province admins get for this app (see services.grant_province_admin_permissions).
PROVINCE_ADMIN_PERMISSIONS = services.PROVINCE_ADMIN_PERMISSIONS

SCOPE_FIELDS = ("role", "province", "commune")


def _scope_formfield(request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Limit province/commune choices to the admin's own province (superusers: all)."""
    user: Any = request.user
    if user.is_superuser:
        return kwargs
    if db_field.name == "province":
        kwargs["queryset"] = Province.objects.filter(pk=user.province_id)
    elif db_field.name == "commune":
        kwargs["queryset"] = Commune.objects.filter(province_id=user.province_id)
    return kwargs


class UserCreationForm(AdminUserCreationForm):
    """Create a user with a role and its unit scope."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", *SCOPE_FIELDS)


# Django stores a permission's name once, when the tables are made ("Can add người dùng": its
# English verb and the model's Vietnamese name); the forms name the four default ones in the
# active language instead.
PERMISSION_ACTIONS = {
    "add": _("Có thể thêm %(name)s"),
    "change": _("Có thể sửa %(name)s"),
    "delete": _("Có thể xóa %(name)s"),
    "view": _("Có thể xem %(name)s"),
}


def permission_label(permission: Any) -> str:
    """A permission as the admin lists it (app | model | what it allows), in the active language."""
    model = permission.content_type.model_class()
    action = permission.codename.partition("_")[0]
    if (
        model is None
        or action not in PERMISSION_ACTIONS
        or permission.codename != f"{action}_{model._meta.model_name}"
    ):
        return str(permission)  # a permission of its own: its name as written
    allows = PERMISSION_ACTIONS[action] % {"name": model._meta.verbose_name}
    return f"{permission.content_type} | {allows}"


class UserChangeForm(DjangoUserChangeForm):
    """Change a user's details, role and scope."""

    class Meta(DjangoUserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        permissions = self.fields.get("user_permissions")
        if permissions is not None:
            permissions.label_from_instance = permission_label  # type: ignore[attr-defined]


class GroupForm(forms.ModelForm):  # type: ignore[type-arg]
    """A group, its permissions named in the active language (as on the user form)."""

    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["permissions"].label_from_instance = permission_label  # type: ignore[attr-defined]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Django's group admin with the permissions named in the active language."""

    form = GroupForm


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Users of the admin's province; only superusers see or grant superuser status."""

    province_lookup = "province"
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "last_name", "first_name", "role", "province", "commune", "is_active")
    list_filter = ("role", "is_active", "province")
    list_select_related = ("province", "commune")
    search_fields = ("username", "first_name", "last_name", "email")
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Thông tin cá nhân"), {"fields": ("last_name", "first_name", "email")}),
        (_("Vai trò và phạm vi"), {"fields": SCOPE_FIELDS}),
    )
    scoped_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("last_name", "first_name", "email")}),
        (_("Vai trò và phạm vi"), {"fields": SCOPE_FIELDS}),
        (_("Trạng thái"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        *scoped_fieldsets,
        (_("Quyền hệ thống"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        if request.user.is_superuser:
            return self.superuser_fieldsets
        return self.scoped_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("last_login", "date_joined") if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_foreignkey(
            db_field, request, **_scope_formfield(request, db_field, kwargs)
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            obj.is_superuser = False  # never granted by a province admin, whatever was posted
        obj.is_staff = obj.is_superuser or obj.role == Role.PROVINCE_ADMIN
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Change another user's password; a successful change is audited (without the password)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit.record(
                "accounts.user.password_change",
                actor=request.user,  # type: ignore[arg-type]
                object_type="accounts.User",
                object_id=id,
                province_code=services.province_code_of(user) if user is not None else "",
            )
        return response

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.instance.role == Role.PROVINCE_ADMIN:
            services.grant_province_admin_permissions(form.instance, actor=request.user)  # type: ignore[arg-type]


class ApiTokenForm(forms.ModelForm):  # type: ignore[type-arg]
    """A province admin issues tokens only for a system no other province's token writes: a
    system's aliases steer every batch of that system, so it must belong to one province."""

    scoped = False  # set per request for a province admin

    class Meta:
        model = ApiToken
        fields = ["name", "system", "province"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        system, province = data.get("system"), data.get("province")
        if self.scoped and system and province is not None:
            others = ApiToken.objects.filter(system=system).exclude(province=province)
            if others.exists():
                message = gettext(
                    "Hệ thống nguồn %(system)s đã được cấp khóa cho tỉnh khác; hãy đặt mã riêng."
                )
                self.add_error("system", message % {"system": system})
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedModelAdmin):
    """Integration tokens: the key is shown once at creation; tokens are revoked, never deleted."""

    province_lookup = "province"
    form = ApiTokenForm
    list_display = ("name", "system", "province", "prefix", "created_at", "revoked_at")
    list_filter = ("province", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("province",)
    search_fields = ("name", "system", "prefix")
    fields = ("name", "system", "province")
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is None else (*self.fields, "prefix", "created_at", "revoked_at")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"scoped": is_scoped(request)})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_foreignkey(
            db_field, request, **_scope_formfield(request, db_field, kwargs)
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # every field is read-only once issued
        self.check_writable(request, obj)
        token, key = services.issue_api_token(obj.name, obj.system, obj.province, actor=request.user)  # type: ignore[arg-type]
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = (
            token.pk,
            token.prefix,
            token.key_hash,
            token.created_at,
        )
        obj._state.adding = False
        messages.warning(
            request,
            gettext("Khóa API (chỉ hiển thị một lần, hãy lưu lại ngay): %(key)s") % {"key": key},
        )

    @admin.action(description=_("Thu hồi các khóa API đã chọn"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: models.QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.select_related("province").filter(revoked_at=None):
            if not self.has_change_permission(request, token):
                raise PermissionDenied
            services.revoke_api_token(token, actor=request.user)  # type: ignore[arg-type]
            count += 1
        messages.success(request, gettext("Đã thu hồi %(count)d khóa API.") % {"count": count})


AUDIT_CSV_COLUMNS = (
    "id",
    "at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "province_code",
    "before",
    "after",
    "reason",
    "prev_hash",
    "hash",
)


def _csv_value(entry: AuditEntry, column: str) -> str:
    value = getattr(entry, column)
    if column in ("before", "after"):
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if column == "at":
        return timezone.localtime(value).isoformat()
    return str(value)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit log, read-only for everyone (superusers included), exportable as CSV."""

    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id", "province_code")
    list_filter = ("action", "at", "province_code")
    search_fields = ("actor_label", "object_type", "object_id", "reason")
    date_hierarchy = "at"
    actions = ["export_csv"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)
        user: Any = request.user
        if user.is_superuser:
            return qs
        if user.province_id is None:
            return qs.none()
        return qs.filter(province_code=user.province.code)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Xuất các mục đã chọn ra CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: models.QuerySet[AuditEntry]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kpixa-audit.csv"'
        response.write("\ufeff")  # so spreadsheet programs read the Vietnamese text as UTF-8
        writer = csv_writer(response)
        writer.writerow(AUDIT_CSV_COLUMNS)
        for entry in queryset.order_by("id").iterator():
            writer.writerow([_csv_value(entry, column) for column in AUDIT_CSV_COLUMNS])
        return response
