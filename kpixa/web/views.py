"""Pages. Views stay thin: check access, read the query string, call one named query, render.

Every view declares its access policy (docs/security.md); each page's reads and view data live in
its module of kpixa/web/pages/, the markup built in Python in kpixa/web/rendering.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.util import find_spec
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.accounts.access import (
    COMMUNE,
    LOGIN,
    PROVINCE,
    PUBLIC,
    access,
    checked_commune,
    visible_provinces,
)
from kpixa.accounts.models import COMMUNE_ROLES, PROVINCE_ROLES
from kpixa.frameworks.models import framework_code_or_default
from kpixa.scoring.engine.periods import PeriodSpan, quarter
from kpixa.scoring.versions import ScoringError, period_of
from kpixa.spreadsheet_safety import csv_writer
from kpixa.units.models import Commune, CommuneKind, Province
from kpixa.web.pages import dashboard, dossiers, public, public_help
from kpixa.web.pages import home as home_page
from kpixa.web.pages import leaders as leaders_page
from kpixa.web.pages import national as national_page
from kpixa.web.pages import owned as owned_page
from kpixa.web.pages import scorecard as scorecard_page
from kpixa.web.pages.common import pick_period
from kpixa.web.pages.runs import scored_periods, scored_runs
from kpixa.web.pages.snapshots import public_periods, publication_state

EXPORTS_INSTALLED = find_spec("kpixa.web.export_urls") is not None
OUTCOMES = (
    "total",
    "on_time",
    "late",
    "no_due",
    *sorted(set(scorecard_page.DRILLABLE.values()) - {"total", "on_time", "late"}),
)


def _framework(request: HttpRequest) -> str:
    return framework_code_or_default(request.GET.get("framework", ""))


def _period(request: HttpRequest, periods: list[PeriodSpan]) -> PeriodSpan | None:
    return pick_period(request.GET.get("period"), periods)


def _base(
    request: HttpRequest, periods: list[PeriodSpan], period: PeriodSpan | None, **more: Any
) -> dict[str, Any]:
    return {
        "periods": periods,
        "period": period,
        "framework_code": _framework(request),
        "export_urls": EXPORTS_INSTALLED,
        **more,
    }


@access(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what kpixa is and the provinces with published results.

    A logged-in user with a page of their own (province or commune roles) is sent straight to it.
    """
    own = _own_page(request.user)
    if own is not None:
        return redirect(own)
    context = {"provinces": home_page.published_provinces()}
    return render(request, "web/home.html", context)


@access(LOGIN)
def mine(request: HttpRequest) -> HttpResponse:
    """Send a logged-in user to the page of their scope: the province dashboard or the commune scorecard
    (the national page for users without one)."""
    return redirect(_own_page(request.user) or reverse("web:national"))


def _own_page(user: Any) -> str | None:
    """The URL of the user's own page: province roles their dashboard, commune roles their list of
    what to finish today and this week (the early warning)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role in PROVINCE_ROLES and user.province_id:
        return reverse("web:province", kwargs={"province_code": user.province.code})
    if user.role in COMMUNE_ROLES and user.commune_id:  # the commune's list for today (early warning)
        return reverse("warnings:commune", kwargs={"code": user.commune.code})
    return None


# --- province dashboard -------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dashboard.Filters:
    sort = request.GET.get("sort", "rank")
    kind = request.GET.get("kind", "")
    return dashboard.Filters(
        sort=sort if sort in dashboard.SORTS else "rank",
        peer_group=request.GET.get("peer_group", "")[:40],
        kind=kind if kind in CommuneKind.values else "",
        q=request.GET.get("q", "")[:100],
        lag_all=request.GET.get("lag") == "all",
    )


@access(PROVINCE)
def province_dashboard(request: HttpRequest, province_code: str) -> HttpResponse:
    """Every commune of the province ranked, with distribution, heat map, trend, lagging and changes."""
    province = get_object_or_404(visible_provinces(request.user), code=province_code)
    framework = _framework(request)
    runs = scored_runs(framework, province.pk)
    periods = runs.periods
    period = _period(request, periods)
    board = _or_none(
        lambda p: dashboard.province_dashboard(province, framework, p, _filters(request), runs), period
    )
    context = _base(request, periods, period, province=province, board=board, filters=_filters(request))
    context["kinds"] = CommuneKind.choices
    return render(request, "web/province.html", context)


def _or_none(read: Callable[[PeriodSpan], Any], period: PeriodSpan | None) -> Any:
    """``read(period)``; None when there is no period or no framework version covers it."""
    if period is None:
        return None
    try:
        return read(period)
    except ScoringError:
        return None


# --- commune scorecard and the dossiers behind its counts -----------------------------------------


@access(COMMUNE)
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's scorecard: each indicator's value, fraction, points, target, status and trend."""
    commune = checked_commune(request, code)
    framework = _framework(request)
    runs = scored_runs(framework, commune.province_id)
    period = _period(request, runs.periods)
    card = _or_none(lambda p: scorecard_page.scorecard(commune, framework, p, runs), period)
    context = _base(request, runs.periods, period, commune=commune, card=card, public=False)
    return render(request, "web/scorecard.html", context)


def _dossier_filters(request: HttpRequest) -> dossiers.DossierFilters:
    outcome = request.GET.get("outcome", "total")
    return dossiers.DossierFilters(
        outcome=outcome if outcome in OUTCOMES else "total",
        procedure=request.GET.get("procedure", "").strip()[:40],
        q=request.GET.get("q", "").strip()[:100],
    )


def _dossier_period(request: HttpRequest, commune: Commune) -> tuple[list[PeriodSpan], PeriodSpan]:
    """The scored period asked for; else any valid period code asked for; else the current quarter."""
    periods = scored_periods(_framework(request), commune.province_id)
    period = _period(request, periods)
    if period is not None:
        return periods, period
    try:
        return periods, period_of(request.GET.get("period", ""))
    except ScoringError:
        today = timezone.localdate()
        return periods, quarter(today.year, (today.month - 1) // 3 + 1)


@access(COMMUNE)
def commune_dossiers(request: HttpRequest, code: str) -> HttpResponse:
    """The dossiers behind one count of the scorecard: paginated, filterable, linking to timelines."""
    commune = checked_commune(request, code)
    periods, period = _dossier_period(request, commune)
    filters = _dossier_filters(request)
    page = Paginator(dossiers.dossiers_behind(commune, period, filters), dossiers.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(d, dossiers.days_late(d, period.end)) for d in page.object_list]
    context = _base(request, periods, period, commune=commune, page=page, rows=rows, filters=filters)
    context.update(outcomes=OUTCOMES, indicator=request.GET.get("indicator", "")[:40], query=_query(request))
    return render(request, "web/dossiers.html", context)


def _query(request: HttpRequest) -> str:
    """The query string without ``page`` (for pagination and export links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class _Echo:
    def write(self, value: str) -> str:
        return value


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _csv_lines(commune: Commune, period: PeriodSpan, filters: dossiers.DossierFilters) -> Iterator[str]:
    writer = csv_writer(_Echo())
    yield "\ufeff" + writer.writerow(
        [
            _("Mã hồ sơ"),
            _("Mã thủ tục"),
            _("Tên thủ tục"),
            _("Ngày tiếp nhận"),
            _("Hạn xử lý"),
            _("Kết thúc xử lý"),
            _("Số ngày trễ"),
            _("Số lần bổ sung"),
        ]
    )
    for d in dossiers.dossiers_behind(commune, period, filters).iterator(chunk_size=2000):
        due = d.effective_due_at or d.due_at
        yield writer.writerow(
            [
                d.ma_ho_so,
                d.procedure_code,
                d.procedure.name if d.procedure else "",
                _local(d.received_at),
                _local(due),
                _local(d.end_at),
                dossiers.days_late(d, period.end) or "",
                d.supplement_count,
            ]
        )


@access(COMMUNE)
def commune_dossiers_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The same dossier list as CSV (UTF-8 with BOM for spreadsheet programs), streamed."""
    commune = checked_commune(request, code)
    _periods, period = _dossier_period(request, commune)
    filters = _dossier_filters(request)
    response = StreamingHttpResponse(
        _csv_lines(commune, period, filters), content_type="text/csv; charset=utf-8"
    )
    name = f"ho-so-{commune.code}-{period.code}-{filters.outcome}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response  # type: ignore[return-value]  # a streaming response is a response too


# --- leaders ------------------------------------------------------------------------------------------


@access(COMMUNE)
def leaders(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's two accountable leaders: each rating's chain and the proposed consequences."""
    commune = checked_commune(request, code)
    periods = leaders_page.leader_periods(commune)
    period = _period(request, periods)
    data = leaders_page.leader_page(commune, period) if period else None
    context = _base(request, periods, period, commune=commune, data=data)
    context["owned"] = owned_page.owned_for(commune, _framework(request), period)
    return render(request, "web/leaders.html", context)


# --- national and public pages --------------------------------------------------------------------------


@access(PUBLIC)
def national(request: HttpRequest) -> HttpResponse:
    """Every province's summary and the country's best and worst communes, from each province's latest
    published snapshot (operators, who see everything, also see unpublished provinces' stored results)."""
    operator = getattr(request.user, "is_superuser", False)
    framework = _framework(request)
    state = None if operator else publication_state()  # what the public result is cached under
    periods = scored_periods(framework) if operator else public_periods(state=state)
    period = _period(request, periods)
    data = national_page.national(framework, period, unpublished=operator, state=state) if period else None
    context = _base(request, periods, period, national=data, public_only=not operator)
    return render(request, "web/national.html", context)


@access(PUBLIC)
def public_province(request: HttpRequest, province_code: str) -> HttpResponse:
    """The published ranking of a province's communes (no login; published periods only)."""
    province = get_object_or_404(Province, code=province_code)
    framework = _framework(request)
    periods = public_periods(province.pk)
    asked = public_help.unpublished_period(request, periods)
    if asked is not None:
        return public_help.period_not_published(request, asked, periods, request.path)
    period = _period(request, periods)
    published = public.published_ranking(province, framework, period) if period else None
    query = request.GET.get("q", "").strip()[:100]
    rows = public_help.search(published.rows, query) if published else []
    context = _base(request, periods, period, province=province, published=published, q=query, rows=rows)
    return render(request, "web/public_province.html", context)


@access(PUBLIC)
def public_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's published scorecard from the period's latest snapshot, with the revisions that
    changed its rank (no login; no dossier lists, no personal data)."""
    commune = get_object_or_404(Commune.objects.select_related("province"), code=code)
    framework = _framework(request)
    periods = public_periods(commune.province_id)
    asked = public_help.unpublished_period(request, periods)
    if asked is not None:
        return public_help.period_not_published(request, asked, periods, request.path)
    period = _period(request, periods)
    published = public.published_card(commune, framework, period) if period else None
    context = _base(request, periods, period, commune=commune, published=published)
    if published is not None and published.unit is not None and period is not None:
        stored = public_help.published_stored(commune, period.code, framework, published.unit.version)
        context["lines"] = public_help.public_lines(published.lines(), published.framework, stored)
        context["rescaled"] = any(line.rescaled for line in context["lines"])
    context["province_url"] = reverse("web:public_province", args=[commune.province.code])
    return render(request, "web/public_scorecard.html", context)
