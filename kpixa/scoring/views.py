"""The what-if page: upload a framework version, see errors or a diff and a preview, activate it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kpixa.accounts.access import ADMIN, access
from kpixa.frameworks.models import FrameworkStatus, FrameworkVersion
from kpixa.frameworks.services import activate_framework, framework_in_force, install_framework
from kpixa.scoring.engine.loader import FrameworkError, load_framework
from kpixa.scoring.engine.periods import PeriodError, parse_period
from kpixa.scoring.whatif import preview_period, what_if
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
    if request.method == "POST" and form.is_valid():
        context.update(_check(request, form, province))
    return render(request, "scoring/whatif.html", context)


def _check(request: HttpRequest, form: UploadForm, province: Province) -> dict[str, Any]:
    upload: Any = form.files["file"]
    text, name = form.cleaned_data["file"], str(upload.name or "upload.yaml")
    try:
        framework = load_framework(text, name)
        version, _created = install_framework(text, request.user, activate=False, source_name=name)  # type: ignore[arg-type]
    except FrameworkError as exc:
        return {"errors": exc.errors, "source_name": name}
    code = form.cleaned_data["period"]
    period = parse_period(code, date.today()) if code else preview_period(framework.code, province)
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
