"""The translated, province-scoped and audited admin of units, aliases, people and tenures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.access import acting_user
from kpixa.accounts.admin_audit import AuditedModelAdmin, is_scoped, user_province_id
from kpixa.dossiers.queries import province_systems
from kpixa.units.models import Commune, DocumentSettings, PeerGroup, Person, Province, Tenure, UnitAlias
from kpixa.units.services import alias_capture_error

# (app_label, codename) pairs a province admin needs to manage this app's rows of his province.
PROVINCE_ADMIN_PERMISSIONS = [
    ("units", "view_province"),
    ("units", "view_commune"),
    ("units", "change_commune"),
    ("units", "view_peergroup"),
    ("units", "add_peergroup"),
    ("units", "change_peergroup"),
    ("units", "delete_peergroup"),
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
    ("units", "view_documentsettings"),
    ("units", "add_documentsettings"),
    ("units", "change_documentsettings"),
]


class ScopedChoicesMixin:
    """Limits commune and person choices of a scoped user to his own province."""

    choice_scopes = {"commune": "province", "person": "province"}

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        lookup = self.choice_scopes.get(db_field.name)
        if lookup and is_scoped(request):
            qs = db_field.related_model._default_manager.filter(**{lookup: user_province_id(request)})
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Province)
class ProvinceAdmin(AuditedModelAdmin[Province]):
    province_lookup = "id"
    list_display = ["code", "name", "kind", "data_version", "retired_at"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Province | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Province | None = None) -> bool:
        return False


class PeerGroupForm(forms.ModelForm):  # type: ignore[type-arg]
    """A province's own group is coded ``<province code>-...`` so that it never takes (or
    squats) the code of a national group or of another province's group."""

    province_code: str | None = None  # set per request for a province admin

    class Meta:
        model = PeerGroup
        fields = ["code", "name", "name_en", "description", "province"]

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code") or "")
        prefix = f"{self.province_code}-"
        if self.province_code is not None and not code.startswith(prefix):
            message = gettext("Mã nhóm của tỉnh phải bắt đầu bằng %(prefix)s, ví dụ %(prefix)sbien-gioi.")
            raise forms.ValidationError(message % {"prefix": prefix})
        return code


@admin.register(PeerGroup)
class PeerGroupAdmin(AuditedModelAdmin[PeerGroup]):
    """National groups (no province) are changed by superusers only; a province admin sees them
    read-only beside his province's own groups, which he adds, renames and deletes."""

    province_lookup = "province"
    national_rows = True
    form = PeerGroupForm
    list_display = ["code", "name", "name_en", "province", "commune_count"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "name_en"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[PeerGroup]:
        return super().get_queryset(request).annotate(n_communes=models.Count("communes"))

    def get_exclude(self, request: HttpRequest, obj: PeerGroup | None = None) -> list[str]:
        return ["province"] if is_scoped(request) else []

    def get_form(
        self, request: HttpRequest, obj: PeerGroup | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[PeerGroup]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        code = None
        if is_scoped(request):
            user = acting_user(request)
            code = user.province.code if user.province_id and user.province else None
        return type(form.__name__, (form,), {"province_code": code})

    def save_model(
        self, request: HttpRequest, obj: PeerGroup, form: forms.ModelForm[PeerGroup], change: bool
    ) -> None:
        if is_scoped(request):
            obj.province_id = user_province_id(request)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("số xã/phường"), ordering="n_communes")
    def commune_count(self, obj: PeerGroup) -> int:
        return int(obj.n_communes)  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(Commune)
class CommuneAdmin(AuditedModelAdmin[Commune]):
    province_lookup = "province"
    list_display = ["code", "name", "kind", "province", "peer_group_names", "retired_at"]
    list_filter = ["province", "kind", "peer_groups"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]
    filter_horizontal = ["peer_groups"]
    fields = ["code", "name", "kind", "province", "data_version", "retired_at", "peer_groups"]
    # Everything but the peer groups comes from the reference list (load_units).
    readonly_fields = ["code", "name", "kind", "province", "data_version", "retired_at"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Commune]:
        return super().get_queryset(request).prefetch_related("peer_groups")

    @admin.display(description=_("nhóm tương đồng"))
    def peer_group_names(self, obj: Commune) -> str:
        return ", ".join(g.name for g in obj.peer_groups.all())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Commune | None = None) -> bool:
        return False


class UnitAliasForm(forms.ModelForm):  # type: ignore[type-arg]
    """An alias never captures another commune's official code; a province admin's alias is of
    one of his province's own systems (``province_systems``), never system-less."""

    allowed_systems: set[str] | None = None  # set per request for a province admin

    class Meta:
        model = UnitAlias
        fields = ["system", "alias", "commune"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        system, alias, commune = data.get("system") or "", data.get("alias"), data.get("commune")
        if self.allowed_systems is not None and system not in self.allowed_systems:
            names = ", ".join(sorted(self.allowed_systems)) or gettext("(chưa có)")
            message = gettext(
                "Chỉ được khai báo mã liên thông cho hệ thống nguồn riêng của tỉnh: %(systems)s. "
                "Mã dùng chung cho mọi hệ thống do quản trị hệ thống khai báo."
            )
            self.add_error("system", message % {"systems": names})
        if alias and commune is not None and (error := alias_capture_error(alias, commune)) is not None:
            self.add_error("alias", error)
        return data


@admin.register(UnitAlias)
class UnitAliasAdmin(ScopedChoicesMixin, AuditedModelAdmin[UnitAlias]):
    province_lookup = "commune__province"
    form = UnitAliasForm
    list_display = ["alias", "system", "commune"]
    list_filter = ["system"]
    list_select_related = ["commune"]
    search_fields = ["alias", "commune__name", "commune__code"]
    autocomplete_fields = ["commune"]

    def get_form(
        self, request: HttpRequest, obj: UnitAlias | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[UnitAlias]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        allowed = province_systems(user_province_id(request)) if is_scoped(request) else None
        return type(form.__name__, (form,), {"allowed_systems": allowed})

    def in_scope(self, request: HttpRequest, obj: UnitAlias) -> bool:
        """A province admin writes only aliases of his communes and of his province's systems."""
        if not super().in_scope(request, obj):
            return False
        return not is_scoped(request) or obj.system in province_systems(user_province_id(request))


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin[Person]):
    province_lookup = "province"
    list_display = ["full_name", "external_id", "province"]
    list_select_related = ["province"]
    search_fields = ["full_name", "external_id"]

    def get_exclude(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        return ["province"] if is_scoped(request) else []

    def save_model(
        self, request: HttpRequest, obj: Person, form: forms.ModelForm[Person], change: bool
    ) -> None:
        if is_scoped(request):
            obj.province_id = user_province_id(request)
        super().save_model(request, obj, form, change)


@admin.register(Tenure)
class TenureAdmin(ScopedChoicesMixin, AuditedModelAdmin[Tenure]):
    province_lookup = "commune__province"
    list_display = ["commune", "post", "person", "start", "end"]
    list_filter = ["post"]
    list_select_related = ["commune", "person"]
    search_fields = ["person__full_name", "commune__name", "commune__code"]
    date_hierarchy = "start"
    autocomplete_fields = ["commune", "person"]


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(AuditedModelAdmin[DocumentSettings]):
    """The heading and signature of the province's official reports (Decree 30/2020/NĐ-CP)."""

    province_lookup = "province"
    list_display = ["province", "symbol", "signer_authority", "signer_title", "signer_name"]
    list_select_related = ["province"]

    def get_exclude(self, request: HttpRequest, obj: DocumentSettings | None = None) -> list[str]:
        return ["province"] if is_scoped(request) else []

    def get_form(
        self, request: HttpRequest, obj: DocumentSettings | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[DocumentSettings]]:
        form = super().get_form(request, obj, change, **kwargs)
        province_id = user_province_id(request) if is_scoped(request) else None

        class OnePerProvince(form):  # type: ignore[misc,valid-type]
            """The province field is hidden from a province administrator: say it when his
            province already has its settings, instead of failing on the unique constraint."""

            def clean(self) -> dict[str, Any] | None:
                data = super().clean()
                taken = DocumentSettings.objects.filter(province_id=province_id or 0).exists()
                if province_id is not None and self.instance.pk is None and taken:
                    raise forms.ValidationError(gettext("Tỉnh đã có thể thức văn bản; hãy sửa bản đã có."))
                return data

        return OnePerProvince

    def has_delete_permission(self, request: HttpRequest, obj: DocumentSettings | None = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False)) and super().has_delete_permission(
            request, obj
        )

    def save_model(
        self,
        request: HttpRequest,
        obj: DocumentSettings,
        form: forms.ModelForm[DocumentSettings],
        change: bool,
    ) -> None:
        if is_scoped(request):
            # Never None here: a scoped user without a province may not add (has_add_permission).
            obj.province_id = user_province_id(request)  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
