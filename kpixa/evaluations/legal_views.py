"""The period's evaluation under the texts, as stored by ``evaluate``: each commune with its class
and reasons, each leader with the regime, every criterion with its input and article, the reasons
and the proposals (docs/rules.md, "Evaluation of communes and leaders"). Read-only."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kpixa.accounts.access import PROVINCE, access, can_manage_province, visible_provinces
from kpixa.evaluations.models import RegimeEvaluation, RegimeProposalDecision
from kpixa.evaluations.services import legal


@access(PROVINCE)
def legal_page(request: HttpRequest, province_code: str, period: str) -> HttpResponse:
    """Every stored evaluation of the province's period (one per commune framework) and the
    list of its proposals with their decision state."""
    province = visible_provinces(request.user).filter(code=province_code).first()
    if province is None:
        raise Http404(_("Không tìm thấy tỉnh."))
    evaluations = list(
        RegimeEvaluation.objects.filter(period__province=province, period__code=period)
        .order_by("framework_code")
        .prefetch_related(Prefetch("decisions", RegimeProposalDecision.objects.select_related("decided_by")))
    )
    context = {
        "province": province,
        "nav_province": province,
        "period_code": period,
        "evaluations": evaluations,
        "proposal_lists": [(ev, legal.proposals(ev)) for ev in evaluations],
        "can_manage": can_manage_province(request.user, province),
    }
    return render(request, "evaluations/legal.html", context)
