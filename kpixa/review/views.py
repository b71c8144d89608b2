"""Pages of the monthly review (docs/review.md): the province's meetings, one meeting with its
pre-read and commitments, checking a commitment, a commune's commitments, and the responsibility
matrix. Thin: check access, validate a form, call a query or a service (which audits), render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

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
from kpixa.frameworks.models import DEFAULT_FRAMEWORK, FrameworkVersion, framework_code_or_default
from kpixa.frameworks.parsed import framework_of
from kpixa.frameworks.services import OwnerError, assign_owner
from kpixa.review import queries
from kpixa.review.forms import CheckForm, CommitmentForm, MeetingForm, OwnerForm
from kpixa.review.models import Commitment, CommitmentStatus, Meeting
from kpixa.review.services import ReviewError, add_commitment, prepare_meeting, review_commitment
from kpixa.scoring.versions import ScoringError
from kpixa.units.models import Commune, Province


def _province(request: HttpRequest, code: str) -> Province:
    return get_object_or_404(visible_provinces(request.user), code=code)


def _communes(province: Province) -> list[tuple[str, str]]:
    return list(Commune.objects.filter(province=province).order_by("name").values_list("code", "name"))


@access(PROVINCE)
def meetings(request: HttpRequest, province_code: str) -> HttpResponse:
    """The province's review meetings, latest first; a province admin prepares the next one."""
    province = _province(request, province_code)
    admin = can_manage_province(request.user, province)
    periods = queries.scored_period_codes(province, DEFAULT_FRAMEWORK)
    form = MeetingForm(request.POST or None, periods=periods) if admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                meeting = prepare_meeting(
                    acting_user(request),
                    province,
                    form.cleaned_data["body"],
                    form.cleaned_data["held_on"],
                    form.cleaned_data["period_code"],
                    DEFAULT_FRAMEWORK,
                    form.cleaned_data["title"],
                )
            except ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã chuẩn bị cuộc họp; tài liệu họp đã sẵn sàng."))
                return redirect("review:meeting", province.code, meeting.pk)
    context = {"province": province, "meetings": list(queries.meetings(province)), "form": form}
    return render(request, "review/meetings.html", context)


def _meeting(province: Province, meeting_id: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("province"), pk=meeting_id, province=province)


def _commitment_form(meeting: Meeting, pack: queries.Pack, data: object = None) -> CommitmentForm:
    indicators = [(i.code, f"{i.code} {i.name.shown}") for g in pack.framework.groups for i in g.indicators]
    return CommitmentForm(data, communes=_communes(meeting.province), indicators=indicators)


@access(PROVINCE)
def meeting(request: HttpRequest, province_code: str, meeting_id: int) -> HttpResponse:
    """One meeting: its pre-read (worst communes, changes, last meeting's commitments kept or
    not) and the commitments made at it; a province admin records commitments and checks the
    previous meeting's."""
    province = _province(request, province_code)
    found = _meeting(province, meeting_id)
    try:
        pack = queries.pack(found)
    except ScoringError as exc:
        raise Http404(str(exc)) from exc
    admin = can_manage_province(request.user, province)
    context = {
        "province": province,
        "pack": pack,
        "admin": admin,
        "form": _commitment_form(found, pack) if admin else None,
    }
    return render(request, "review/meeting.html", context)


@access(ADMIN)
def commitment_add(request: HttpRequest, province_code: str, meeting_id: int) -> HttpResponse:
    """Record a commitment made at the meeting (POST; a GET goes back to the meeting)."""
    province = _province(request, province_code)
    if not can_manage_province(request.user, province):
        raise PermissionDenied
    found = _meeting(province, meeting_id)
    if request.method != "POST":
        return redirect("review:meeting", province.code, found.pk)
    pack = queries.pack(found)
    form = _commitment_form(found, pack, request.POST)
    if form.is_valid():
        commune = get_object_or_404(Commune, province=province, code=form.cleaned_data["commune"])
        try:
            add_commitment(
                acting_user(request),
                found,
                commune,
                form.cleaned_data["post"],
                form.cleaned_data["indicator_code"],
                form.cleaned_data["what"],
                form.cleaned_data["due_on"],
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi cam kết."))
            return redirect("review:meeting", province.code, found.pk)
    context = {"province": province, "pack": pack, "admin": True, "form": form}
    return render(request, "review/meeting.html", context, status=400)


@access(ADMIN)
def commitment_check(request: HttpRequest, province_code: str, commitment_id: int) -> HttpResponse:
    """Record, at the meeting after the one it was made at, whether a commitment was kept: the
    page states the effect and asks for confirmation."""
    province = _province(request, province_code)
    if not can_manage_province(request.user, province):
        raise PermissionDenied
    commitment = get_object_or_404(
        Commitment.objects.select_related("meeting", "commune"), pk=commitment_id, meeting__province=province
    )
    at = (
        Meeting.objects.filter(province=province, held_on__gt=commitment.meeting.held_on)
        .order_by("held_on", "id")
        .first()
    )
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if at is None or commitment.status != CommitmentStatus.OPEN:
            form.add_error(None, _("Chưa có cuộc họp sau để đánh giá, hoặc cam kết đã được đánh giá."))
        else:
            try:
                review_commitment(
                    acting_user(request),
                    commitment,
                    at,
                    form.cleaned_data["status"],
                    form.cleaned_data["note"],
                )
            except ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã ghi kết quả thực hiện cam kết."))
                return redirect("review:meeting", province.code, at.pk)
    context = {"province": province, "commitment": commitment, "at": at, "form": form}
    return render(request, "review/check.html", context)


@access(COMMUNE)
def commune_commitments(request: HttpRequest, code: str) -> HttpResponse:
    """The commitments a commune's leaders made at the province's meetings, kept or not, and
    whether each indicator moved."""
    commune = checked_commune(request, code)
    lines = queries.commune_commitments(commune)
    return render(request, "review/commune.html", {"commune": commune, "lines": lines})


def _framework(request: HttpRequest) -> str:
    return framework_code_or_default(request.GET.get("framework", ""))


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("ngay", ""))
    except ValueError:
        return timezone.localdate()


@access(PROVINCE)
def owners(request: HttpRequest, province_code: str) -> HttpResponse:
    """The responsibility matrix: who answers for each indicator on a day, the gaps, the history;
    a province admin assigns an owner (to every commune or one) after confirming."""
    province = _province(request, province_code)
    day = _day(request)
    try:
        matrix = queries.owner_matrix(province, _framework(request), day)
    except ScoringError:
        matrix = None
    admin = can_manage_province(request.user, province)
    form = None
    if matrix is not None and admin:
        framework = framework_of(matrix.version)
        codes = [
            *((g.code, f"{_('Nhóm')} {g.code}. {g.name.shown}") for g in framework.groups),
            *((i.code, f"{i.code} {i.name.shown}") for g in framework.groups for i in g.indicators),
        ]
        form = OwnerForm(request.POST or None, codes=codes, communes=_communes(province))
    if request.method == "POST":
        if form is None or matrix is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            commune = (
                Commune.objects.filter(province=province, code=data["commune"]).first()
                if data["commune"]
                else None
            )
            try:
                assign_owner(
                    acting_user(request),
                    FrameworkVersion.objects.get(pk=matrix.version.pk),
                    province,
                    data["code"],
                    data["post"],
                    data["start"],
                    commune=commune,
                    field=data["field"],
                    note=data["note"],
                )
            except OwnerError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã giao người chịu trách nhiệm."))
                return redirect(request.get_full_path())
    context = {"province": province, "matrix": matrix, "form": form, "day": day}
    return render(request, "review/owners.html", context)
