"""Early warning pages (docs/early-warning.md). Thin: check access, call one query or service, render."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.accounts.access import (
    COMMUNE,
    LOGIN,
    PROVINCE,
    access,
    acting_user,
    checked_commune,
    visible_provinces,
)
from kpixa.frameworks.models import framework_code_or_default
from kpixa.warnings import queries, services
from kpixa.warnings.models import DigestKind
from kpixa.warnings.projection import BEST, WORST


def _now(request: HttpRequest) -> datetime:
    return timezone.now()


@access(COMMUNE)
def commune(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's list for today: overdue, due today, due this week (due order), each dossier one tap
    from its timeline; the projected class if nothing changes; reported values still due."""
    unit = checked_commune(request, code)
    now = _now(request)
    projections = queries.project_commune(unit, timezone.localdate(now), now=now)
    first = projections[0] if projections else None
    context = {
        "commune": unit,
        "now": now,
        "projections": projections,
        "first": first,
        "today": first.due_within(1) if first else [],
        "week": [d for d in first.due_within(5) if d.within_days != 1] if first else [],
        "reported_due": sorted(
            {r.measure: r for p in projections for r in p.reported_due}.values(), key=lambda r: r.deadline
        ),
    }
    return render(request, "warnings/commune.html", context)


@access(PROVINCE)
def province(request: HttpRequest, province_code: str) -> HttpResponse:
    """The province's communes whose worst case falls a class, the most points at stake first."""
    unit = get_object_or_404(visible_provinces(request.user), code=province_code)
    framework = framework_code_or_default(request.GET.get("framework", ""))
    now = _now(request)
    # the list compares today, the worst and the best case: the expected case is not scored here
    projections = queries.warnings_for_province(
        unit, timezone.localdate(now), framework=framework, now=now, scenarios=(BEST, WORST)
    )
    context = {
        "province": unit,
        "framework": framework,
        "now": now,
        "period": projections[0].period if projections else None,
        "risky": queries.at_risk(projections),
        "communes": len(projections),
        "open_total": sum(p.open_count for p in projections),
        "overdue_total": sum(len(p.overdue) for p in projections),
    }
    return render(request, "warnings/province.html", context)


@access(LOGIN)
def subscriptions(request: HttpRequest) -> HttpResponse:
    """Which parts of the daily digest the person receives; unsubscribe per kind."""
    user = acting_user(request)
    if request.method == "POST":
        services.set_subscriptions(user, request.POST.getlist("kind"))
        messages.success(request, _("Đã lưu lựa chọn nhận cảnh báo."))
        return redirect("warnings:subscriptions")
    off = services.opted_out(user)
    kinds = [(value, label, value not in off) for value, label in DigestKind.choices]
    return render(
        request, "warnings/subscriptions.html", {"kinds": kinds, "focus": request.GET.get("bo", "")}
    )
