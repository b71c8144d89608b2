"""The what-if page: upload a framework version, see errors or a diff and a preview, activate it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kpixa.accounts.access import ADMIN, access
from kpixa.frameworks.models import DEFAULT_FRAMEWORK, FrameworkStatus, FrameworkVersion
from kpixa.frameworks.parsed import framework_of
from kpixa.frameworks.services import activate_framework, framework_in_force, install_framework
from kpixa.scoring.engine.loader import FrameworkError, load_framework
from kpixa.scoring.engine.periods import PeriodError, parse_period
from kpixa.scoring.whatif import preview_period, what_if
from kpixa.scoring.whatif_edit import EditError, Field, apply_edits, editable_fields
from kpixa.units.models import Province

MAX_UPLOAD = 1024 * 1024


class UploadForm(forms.Form):
    """A framework file and, optionally, the period to preview on."""

    file = forms.FileField(label=gettext_lazy("Tệp bộ chỉ số (YAML)"))
    period = forms.CharField(
        label=gettext_lazy("Kỳ xem trước (để trống: kỳ đã tính gần nhất)"), required=False, max_length=16
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 1 MB)."))
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp phải được mã hóa UTF-8.")) from None

    def clean_period(self) -> str:
        code = self.cleaned_data["period"].strip()
        if code:
            try:
                parse_period(code, date.today())
            except PeriodError as exc:
                raise forms.ValidationError(str(exc)) from None
        return code


def _province(request: HttpRequest) -> Province:
    province = getattr(request.user, "province", None)
    if province is None:
        raise Http404(_("Tài khoản chưa gắn với tỉnh nào."))
    return province  # type: ignore[no-any-return]


@access(ADMIN)
def whatif(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: validation errors with line and reason, or diff and preview."""
    province = _province(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "province": province}
    # (version, its name from the file in the active language): the row keeps the Vietnamese name.
    context["frameworks"] = [(v, framework_of(v).name.shown) for v in _frameworks_in_force()]
    if request.method == "POST" and form.is_valid():
        upload: Any = form.files["file"]
        name = str(upload.name or "upload.yaml")
        context.update(
            _check(request, form.cleaned_data["file"], name, form.cleaned_data["period"], province)
        )
    return render(request, "scoring/whatif.html", context)


def _frameworks_in_force() -> list[FrameworkVersion]:
    """The versions in force today, one per framework code (one query, texts included so that
    naming them from their file costs none; the download and edit links). The order is the one
    ``in_force`` uses: the most recent validity first."""
    today = date.today()
    rows = FrameworkVersion.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        status=FrameworkStatus.ACTIVE,
        valid_from__lte=today,
    ).order_by("code", "-valid_from", "-loaded_at")
    first: dict[str, FrameworkVersion] = {}
    for version in rows:
        first.setdefault(version.code, version)
    return list(first.values())


def _version_in_force(request: HttpRequest) -> FrameworkVersion | None:
    """The version in force today of ``?framework=`` (default dvc766); None, with a message for
    the user, when there is none (the caller sends him back to the what-if page)."""
    code = (request.GET.get("framework") or request.POST.get("framework") or DEFAULT_FRAMEWORK).strip()
    version = framework_in_force(code, date.today())
    if version is None:
        messages.error(
            request, _("Không có phiên bản đang áp dụng của bộ chỉ số “%(code)s”.") % {"code": code}
        )
    return version


@access(ADMIN)
def download(request: HttpRequest) -> HttpResponse:
    """The file of the version in force of ``?framework=`` (default dvc766), to edit and upload."""
    version = _version_in_force(request)
    if version is None:
        return redirect("scoring:whatif")
    response = HttpResponse(version.source_text, content_type="application/x-yaml; charset=utf-8")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{version.code}-{version.version}.yaml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access(ADMIN)
def edit(request: HttpRequest) -> HttpResponse:
    """GET: the weights, targets and class bands of the version in force as a form. POST: write
    the typed values into a copy of its file under a new version number, then check and preview
    it exactly as an uploaded file (nothing applies until "Áp dụng")."""
    province = _province(request)
    version = _version_in_force(request)
    if version is None:
        return redirect("scoring:whatif")
    context: dict[str, Any] = {
        "province": province,
        "version_in_force": version,
        "version_name": framework_of(version).name.shown,  # the row keeps the Vietnamese name
        "values": {},
        "editing": True,
    }
    if request.method == "POST":
        values = {k: str(v) for k, v in request.POST.items() if k == "version" or ":" in k}
        context["values"], context["period_typed"] = values, request.POST.get("period", "").strip()
        context.update(_edited(request, version, values, context["period_typed"], province))
    context["sections"] = _sections(editable_fields(version.source_text), context["values"])
    return render(request, "scoring/whatif.html", context)


def _edited(
    request: HttpRequest, version: FrameworkVersion, values: dict[str, str], period: str, province: Province
) -> dict[str, Any]:
    """The typed values written into the version's file, then checked and previewed."""
    try:
        edited, changes = apply_edits(version.source_text, values)
    except EditError as exc:
        return {"edit_error": str(exc)}
    new_version = values.get("version", "").strip()
    if len(changes) == (1 if new_version and new_version != version.version else 0):
        return {"edit_error": _("Chưa có giá trị nào thay đổi.")}
    if not new_version or new_version == version.version:
        return {"changes": changes, "edit_error": _("Hãy đặt số phiên bản mới cho bản sửa.")}
    name = f"{version.code}-{new_version}.yaml"
    return {"changes": changes} | _check(request, edited, name, period, province)


def _sections(fields: list[Field], values: dict[str, str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The editable fields grouped by section, each with the value typed (or the file's)."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for field in fields:
        typed = values.get(field.key, field.value)
        sections.setdefault(field.section, []).append({"field": field, "value": typed})
    return list(sections.items())


def _check(
    request: HttpRequest, text: str, name: str, period_code: str, province: Province
) -> dict[str, Any]:
    try:
        framework = load_framework(text, name)
        version, _created = install_framework(text, request.user, activate=False, source_name=name)  # type: ignore[arg-type]
    except FrameworkError as exc:
        return {"errors": exc.errors, "source_name": name}
    if period_code:
        try:
            period = parse_period(period_code, date.today())
        except PeriodError as exc:
            return {"errors": [(0, str(exc))], "source_name": name}
    else:
        period = preview_period(framework.code, province)
    current = framework_in_force(framework.code, period.end)
    return {
        "result": what_if(framework, province, current, period),
        "version": version,
        "framework": framework,
    }


@access(ADMIN)
@require_POST
def activate(request: HttpRequest) -> HttpResponse:
    """Activate the uploaded (draft) version named in the form; audited by the frameworks service."""
    version = FrameworkVersion.objects.filter(
        pk=request.POST.get("version_id") or 0, status=FrameworkStatus.DRAFT
    ).first()
    if version is None:
        messages.error(request, _("Không tìm thấy phiên bản nháp để áp dụng; hãy tải tệp lên lại."))
        return redirect("scoring:whatif")
    activate_framework(version, request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Đã áp dụng bộ chỉ số %(code)s phiên bản %(version)s.")
        % {"code": version.code, "version": version.version},
    )
    return redirect("scoring:whatif")
