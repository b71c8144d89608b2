"""The accountability flags pages (docs/flags.md): the province's review list, a commune's own
flags, and the province admin's review of one flag (confirm or dismiss with a note)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kpixa.accountability.models import AccountabilityFlag, FlagKind, FlagStatus
from kpixa.accountability.services import ReviewError, review_flag
from kpixa.accounts.access import (
    ADMIN,
    COMMUNE,
    PROVINCE,
    access,
    acting_user,
    can_manage_province,
    checked_commune,
    visible_provinces,
)
from kpixa.web.pages import flags as page


def _filters(request: HttpRequest) -> page.Filters:
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    order = request.GET.get("order", "")
    return page.Filters(
        kind=kind if kind in FlagKind.values else "",
        commune=request.GET.get("commune", "")[:8],
        status=status if status in FlagStatus.values else "",
        order=order if order in page.COMMUNE_ORDERS else "pass_around",
    )


def _context(request: HttpRequest, board: page.FlagsPage, **extra: object) -> dict[str, object]:
    query = request.GET.copy()
    query.pop("page", None)
    ordered = query.copy()
    ordered.pop("order", None)
    return {"board": board, "kinds": FlagKind.choices, "statuses": FlagStatus.choices,
            "query": query.urlencode(), "order_query": ordered.urlencode(),
            "orders": list(page.COMMUNE_ORDERS.items()), **extra}  # fmt: skip


@access(PROVINCE)
def province_flags(request: HttpRequest, province_code: str) -> HttpResponse:
    """The province's flags of a period with filters, and the communes ranked by pass-around share."""
    province = get_object_or_404(visible_provinces(request.user), code=province_code)
    ids = province.communes.values("id")
    period = page.period_from(request.GET.get("period"), timezone.localdate(), ids)
    board = page.province_flags(province.code, period, _filters(request), request.GET.get("page"))
    communes = province.communes.order_by("code").values_list("code", "name")
    can_review = can_manage_province(request.user, province)
    context = _context(request, board, province=province, communes=communes, can_review=can_review)
    return render(request, "web/flags.html", context)


@access(COMMUNE)
def commune_flags(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's own flags of a period, with its departments' late steps and hours over."""
    commune = checked_commune(request, code)
    period = page.period_from(request.GET.get("period"), timezone.localdate(), [commune.pk])
    board = page.commune_flags(commune, period, _filters(request), request.GET.get("page"))
    can_review = can_manage_province(request.user, commune.province)
    return render(request, "web/flags.html", _context(request, board, commune=commune, can_review=can_review))


@access(ADMIN)
@require_POST
def review(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Confirm or dismiss one flag of the admin's province, with a note (audited)."""
    flag = get_object_or_404(AccountabilityFlag.objects.select_related("commune__province"), pk=flag_id)
    if not can_manage_province(request.user, flag.commune.province):
        raise Http404
    try:
        review_flag(
            flag, request.POST.get("status", ""), request.POST.get("note", ""), actor=acting_user(request)
        )
        messages.success(request, FlagStatus(request.POST["status"]).label)
    except ReviewError as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("web:flags_province", args=[flag.commune.province.code])
    return redirect(back)
