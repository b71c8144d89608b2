"""The download of a review meeting's pre-read pack (XLSX or PDF): here, beside the other
official-report exports whose frame it reuses, since kpixa/review sits below the pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from kpixa.accounts.access import PROVINCE, access, visible_provinces
from kpixa.review.models import Meeting
from kpixa.scoring.versions import ScoringError
from kpixa.web.export_views import content_disposition
from kpixa.web.exports.meeting import meeting_pdf, meeting_xlsx

TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@access(PROVINCE)
def meeting_pack(request: HttpRequest, province_code: str, meeting_id: int, fmt: str) -> HttpResponse:
    """The meeting's pre-read pack as an official report."""
    if fmt not in TYPES:
        raise Http404("unknown format")
    province = get_object_or_404(visible_provinces(request.user), code=province_code)
    meeting = get_object_or_404(Meeting.objects.select_related("province"), pk=meeting_id, province=province)
    try:
        content = meeting_xlsx(meeting) if fmt == "xlsx" else meeting_pdf(meeting)
    except ScoringError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(content, content_type=TYPES[fmt])
    name = f"tai-lieu-hop-giao-ban-{province.code}-{meeting.held_on:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = content_disposition(name)
    return response
