"""Admin for framework versions: read-only, with the source file shown verbatim."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.admin_audit import ScopedModelAdmin
from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.engine.i18n import english


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ScopedModelAdmin[FrameworkVersion]):
    """Versions are installed by ``load_frameworks`` or the upload page, never edited here.
    National (no ``province_lookup``): province admins may only view them."""

    list_display = (
        "code",
        "version",
        "shown_name",
        "valid_from",
        "valid_to",
        "status",
        "is_example",
        "loaded_at",
    )
    list_filter = ("code", "status", "is_example")
    search_fields = ("code", "name", "version")
    exclude = ("source_text",)
    readonly_fields = (
        "code",
        "version",
        "name",
        "name_en",
        "valid_from",
        "valid_to",
        "status",
        "is_example",
        "source_name",
        "sha256",
        "loaded_at",
        "source",
    )

    @admin.display(description=_("tên"), ordering="name")
    def shown_name(self, obj: FrameworkVersion) -> str:
        """The framework's name in the active language (the file's English name in English)."""
        return obj.name_en if obj.name_en and english() else obj.name

    @admin.display(description=_("nội dung tệp"))
    def source(self, obj: FrameworkVersion) -> str:
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.source_text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FrameworkVersion | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FrameworkVersion | None = None) -> bool:
        return False
