"""Download views of the official-report exports (XLSX, PDF): scoped, thin, no personal data."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from kpixa.accounts.access import access, get_commune_or_404, visible_provinces
from kpixa.units.models import Commune, Province
from kpixa.web import exports

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def ascii_filename(name: str) -> str:
    """``name`` without diacritics, spaces or unsafe characters: "Xã Ia Dơk" -> "Xa-Ia-Dok"."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "kpixa"


def content_disposition(name: str) -> str:
    """An attachment header with an ASCII fallback ``filename`` and the UTF-8 ``filename*`` (RFC 6266)."""
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404(_("Không hỗ trợ định dạng “%(fmt)s”.") % {"fmt": fmt})


def _period(request: HttpRequest, framework_code: str, province: Province) -> str:
    """The ``period`` parameter, or the latest period computed for the province; Http404 if none."""
    period = request.GET.get("period", "").strip() or exports.latest_period(framework_code, province)
    if period is None:
        raise Http404(_("Chưa có kết quả tính điểm nào của bộ chỉ số “%(code)s”.") % {"code": framework_code})
    return period


def _number(request: HttpRequest) -> int | None:
    """The ``so`` parameter: the report's registered number (1–999999), or None for a draft."""
    raw = request.GET.get("so", "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 1_000_000:
        raise exports.ExportError(_("Số văn bản phải là số nguyên dương, ví dụ 12."))
    return int(raw)


def _render(build: Callable[[], bytes], fmt: str, name: str) -> HttpResponse:
    try:
        return _download(build(), fmt, name)
    except exports.NoResults as exc:
        raise Http404(str(exc)) from exc
    except exports.ExportError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")


@access("commune")
def commune_export(request: HttpRequest, commune_code: str, fmt: str) -> HttpResponse:
    """The commune's stored scorecard as an official report (``?period=``, ``?framework=``)."""
    _check_format(fmt)
    commune: Commune = get_commune_or_404(request.user, commune_code)
    framework = request.GET.get("framework", "").strip() or exports.DEFAULT_FRAMEWORK
    period = _period(request, framework, commune.province)
    build = exports.scorecard_xlsx if fmt == "xlsx" else exports.scorecard_pdf
    name = _("Kết quả đánh giá %(unit)s %(period)s") % {"unit": commune.name, "period": period}
    return _render(lambda: build(commune, framework, period, _number(request)), fmt, name)


@access("province")
def province_export(request: HttpRequest, province_code: str, fmt: str) -> HttpResponse:
    """The province's stored ranking as an official report (``?period=``, ``?framework=``)."""
    province = visible_provinces(request.user).filter(code=province_code).first()
    if province is None:
        raise Http404(_("Không tìm thấy tỉnh/thành phố."))
    _check_format(fmt)
    framework = request.GET.get("framework", "").strip() or exports.DEFAULT_FRAMEWORK
    period = _period(request, framework, province)
    build = exports.ranking_xlsx if fmt == "xlsx" else exports.ranking_pdf
    name = _("Xếp hạng %(unit)s %(period)s") % {"unit": province.name, "period": period}
    return _render(lambda: build(province, framework, period, _number(request)), fmt, name)
