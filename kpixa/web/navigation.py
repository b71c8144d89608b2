"""The header menu: one declared list of entries (URL name, label, who may use it), shown per role.

A page is added to the menu in one place, ``ENTRIES``. An entry is shown when its check passes
for the viewer and its URL name resolves with the viewer's scope (an entry whose page is not
installed, or whose URL needs a province or commune the viewer has none of, is skipped), so the
menu only ever offers what the role may open. The checks mirror the views' declared policies
(kpixa/accounts/access.py); tests/test_navigation.py walks every role's menu in Chromium and
checks that every page a role may open is reached from its landing page in two clicks, or is
listed in ``NOT_PAGES`` with the reason it is no page of its own.

Rendering the menu costs no query: the viewer's province and commune codes are kept in the
session at login (``remember_scope``). Its markup is rendered once per viewer, page, language and
unread count in each process (``menu_html``): a page's header then costs a dictionary look-up, not
two dozen reversed URLs and a template loop. Who has no commune of their own (province roles,
superusers) gets the commune entries of the commune whose page they are on, and a superuser the
province entries of the province whose page they are on (never from a public page's address).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kpixa.accounts.access import COMMUNE_KWARGS, PUBLIC, declared_policy
from kpixa.accounts.models import COMMUNE_ROLES, PROVINCE_ROLES, Role

SESSION_KEY = "kpixa_nav_scope"


@dataclass(frozen=True)
class Viewer:
    """What the menu needs to know about who is looking: role and the codes of their scope."""

    authenticated: bool = False
    superuser: bool = False
    staff: bool = False
    role: str = ""
    province_code: str = ""
    commune_code: str = ""


# --- checks (each mirrors a policy of kpixa/accounts/access.py) ------------------------------------


def anyone(v: Viewer) -> bool:
    return True


def anonymous(v: Viewer) -> bool:
    return not v.authenticated


def logged_in(v: Viewer) -> bool:
    return v.authenticated


def province_role(v: Viewer) -> bool:
    """``PROVINCE``: province admins and viewers, and superusers."""
    return v.authenticated and (v.superuser or v.role in PROVINCE_ROLES)


def province_admin(v: Viewer) -> bool:
    """``ADMIN``: province admins and superusers."""
    return v.authenticated and (v.superuser or v.role == Role.PROVINCE_ADMIN)


def commune_role(v: Viewer) -> bool:
    """A commune role's own pages (``COMMUNE`` with the user's commune)."""
    return v.authenticated and v.role in COMMUNE_ROLES


def commune_scope(v: Viewer) -> bool:
    """``COMMUNE``: the user's own commune, or (province roles, superusers) the commune whose page
    they are on; the entry is skipped when there is neither."""
    return v.authenticated


def reporter(v: Viewer) -> bool:
    """``REPORT`` without a commune in the address: commune officers, province admins, superusers."""
    return v.authenticated and (v.superuser or v.role in (Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN))


def own_province_admin(v: Viewer) -> bool:
    """Province admins only: pages that work on the user's own province (what-if), which a
    superuser without a province cannot use."""
    return v.authenticated and v.role == Role.PROVINCE_ADMIN


def staff(v: Viewer) -> bool:
    return v.authenticated and (v.superuser or v.staff)


# --- the entries ------------------------------------------------------------------------------------

OVERVIEW = _("Tổng quan")
DATA = _("Số liệu")
EVALUATION = _("Đánh giá")
MONITORING = _("Giám sát")
ACCOUNT = _("Tài khoản")
GROUPS = (OVERVIEW, DATA, EVALUATION, MONITORING, ACCOUNT)

# URL keyword argument -> the Viewer attribute that fills it.
PROVINCE = {"province_code": "province_code"}
COMMUNE = {"code": "commune_code"}


@dataclass(frozen=True)
class Entry:
    """One menu link: the page's URL name, its label, its group and who may use it."""

    url_name: str
    label: Any
    group: Any
    allowed: Callable[[Viewer], bool]
    params: dict[str, str] = field(default_factory=dict)

    def url(self, viewer: Viewer) -> str | None:
        """The entry's address for ``viewer``; None when the page is not installed or the viewer
        has no scope to fill its address with."""
        kwargs = {name: getattr(viewer, attr) for name, attr in self.params.items()}
        if not all(kwargs.values()):
            return None
        try:
            return reverse(self.url_name, kwargs=kwargs or None)
        except NoReverseMatch:
            return None


ENTRIES: tuple[Entry, ...] = (
    # overview
    Entry("web:home", _("Trang chủ"), OVERVIEW, anonymous),
    Entry("web:province", _("Bảng điều khiển"), OVERVIEW, province_role, PROVINCE),
    Entry("web:scorecard", _("Thẻ điểm"), OVERVIEW, commune_scope, COMMUNE),
    Entry("warnings:commune", _("Cảnh báo sớm của xã"), OVERVIEW, commune_scope, COMMUNE),
    Entry("warnings:province", _("Cảnh báo sớm"), OVERVIEW, province_role, PROVINCE),
    Entry("web:national", _("Toàn quốc"), OVERVIEW, anyone),
    # data in
    Entry("dossiers:upload", _("Tải lên tệp"), DATA, reporter),
    Entry("dossiers:jobs", _("Lượt nhập dữ liệu"), DATA, logged_in),
    Entry("dossiers:quarantine", _("Bản ghi bị từ chối"), DATA, logged_in),
    Entry("reporting:index", _("Báo cáo số liệu"), DATA, logged_in),
    Entry("web:dossiers", _("Hồ sơ của xã"), DATA, commune_scope, COMMUNE),
    # evaluation
    Entry("evaluations:periods", _("Kỳ đánh giá"), EVALUATION, province_role, PROVINCE),
    Entry("evaluations:appeals", _("Khiếu nại"), EVALUATION, province_admin, PROVINCE),
    Entry("evaluations:proposals", _("Đề xuất xử lý"), EVALUATION, province_role, PROVINCE),
    Entry("web:leaders", _("Lãnh đạo xã"), EVALUATION, commune_scope, COMMUNE),
    Entry("scoring:whatif", _("Mô phỏng (nếu… thì…)"), EVALUATION, own_province_admin),
    # monitoring
    Entry("web:flags_province", _("Dấu hiệu trách nhiệm"), MONITORING, province_role, PROVINCE),
    Entry("web:flags_commune", _("Dấu hiệu trách nhiệm của xã"), MONITORING, commune_scope, COMMUNE),
    Entry("review:meetings", _("Họp giao ban"), MONITORING, province_role, PROVINCE),
    Entry("review:owners", _("Người chịu trách nhiệm"), MONITORING, province_role, PROVINCE),
    Entry("review:commune_commitments", _("Cam kết khắc phục"), MONITORING, commune_scope, COMMUNE),
    # account
    Entry("accounts:notifications", _("Thông báo"), ACCOUNT, logged_in),
    Entry("warnings:subscriptions", _("Đăng ký nhận cảnh báo"), ACCOUNT, logged_in),
    Entry("accounts:audit", _("Nhật ký thay đổi"), ACCOUNT, province_admin),
    Entry("admin:index", _("Quản trị hệ thống"), ACCOUNT, staff),
)

# Named addresses a role may call that need not be reached in two clicks from its landing page:
# each with the reason. Every other page a role may open is a menu entry or linked from one;
# tests/test_navigation.py follows the links of each role's landing page to check it.
NOT_PAGES: dict[str, str] = {
    "web:mine": "redirect to the user's own page (the brand link and the login go there)",
    "web:dossiers_csv": "download (the CSV button of web:dossiers)",
    "web:flags_review": "POST only (the review form of the flags pages)",
    "web:exports:commune": "download (the export buttons of web:scorecard)",
    "web:exports:province": "download (the export buttons of web:province)",
    "accounts:login": "the header's login link",
    "accounts:logout": "POST only (the header's logout button)",
    "accounts:notifications_read": "POST only (the button of accounts:notifications)",
    "accounts:audit_csv": "download (the CSV link of accounts:audit)",
    "dossiers:job": "one import's page, linked from the rows of dossiers:jobs",
    "dossiers:job_status": "JSON polled by dossiers:job",
    "dossiers:rejections_csv": "download (the rejection report of dossiers:job)",
    "dossiers:fix_rejection": "one rejected record, linked from the rows of dossiers:quarantine",
    "dossiers:timeline": "one dossier's timeline, linked from the rows of web:dossiers",
    "scoring:activate": "POST only (the button of scoring:whatif)",
    "reporting:submit": "POST only (the forms of reporting:sheet)",
    "reporting:evidence": "download (the evidence links of reporting:sheet)",
    "reporting:approve": "POST only (the buttons of reporting:province)",
    "reporting:reject": "POST only (the buttons of reporting:province)",
    "reporting:deadline": "POST only (the form of reporting:province)",
    "reporting:remind": "POST only (the button of reporting:province)",
    "evaluations:audit_heads": "JSON (the published audit chain heads)",
    "evaluations:input_evidence": "download (the evidence links of evaluations:inputs)",
    "evaluations:input_rejections_csv": "download (the rejections link of evaluations:inputs)",
    "evaluations:delete_input": "POST only (the delete buttons of evaluations:inputs)",
    "evaluations:import_inputs": "POST only (the import form of evaluations:inputs)",
    "evaluations:appeal_inputs": "one appeal's inputs, linked from evaluations:appeal",
    "evaluations:revise_input": "one input revised through an appeal, linked from evaluations:appeal_inputs",
    "evaluations:quota_exception": "POST only (the form of evaluations:evaluate)",
    "evaluations:regime_proposal": "one proposal, linked from the rows of evaluations:legal",
    "evaluations:close": "POST only (the confirmation form of evaluations:period)",
    "evaluations:publish": "POST only (the confirmation form of evaluations:period)",
    "evaluations:finalize": "POST only (the confirmation form of evaluations:period)",
    "evaluations:appeal": "one appeal, linked from the rows of evaluations:appeals",
    "evaluations:uphold": "POST only (the decision form of evaluations:appeal)",
    "evaluations:reject": "POST only (the decision form of evaluations:appeal)",
    "evaluations:file_appeal": "POST only (the appeal form of evaluations:commune)",
    "evaluations:consequence": "one proposal, linked from the rows of evaluations:proposals",
    "evaluations:leader_assessment": "one leader, linked from the rows of evaluations:leader_inputs",
    "review:meeting": "one meeting, linked from the rows of review:meetings",
    "review:commitment_add": "POST only (the form of review:meeting)",
    "review:commitment_check": "POST only (the form of review:meeting)",
    "web:meeting_pack": "download (the meeting's documents, linked from review:meeting)",
}


# --- the viewer's scope --------------------------------------------------------------------------


def remember_scope(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: keep the user's province and commune codes in the session, so the
    menu of every later page is built without a query."""
    if request is None or not hasattr(request, "session"):
        return
    province = user.province.code if getattr(user, "province_id", None) else ""
    commune = user.commune.code if getattr(user, "commune_id", None) else ""
    request.session[SESSION_KEY] = [province, commune]


def viewer_of(request: HttpRequest) -> Viewer:
    """The menu's view of ``request.user``: the scope from the session (read once and kept there
    for a session started before the menu existed), a superuser's from the address."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Viewer()
    session: Any = getattr(request, "session", None)
    scope = session.get(SESSION_KEY) if session is not None else None
    if not (isinstance(scope, list) and len(scope) == 2):
        remember_scope(None, request, user)
        scope = session.get(SESSION_KEY, ["", ""]) if session is not None else ["", ""]
    province, commune = str(scope[0] or ""), str(scope[1] or "")
    match = getattr(request, "resolver_match", None)
    if match is not None and declared_policy(match.func) not in (None, PUBLIC):
        if user.is_superuser and not province:
            province = str(match.kwargs.get("province_code", ""))
        if not commune:
            commune = next((str(match.kwargs[k]) for k in COMMUNE_KWARGS if k in match.kwargs), "")
    return Viewer(True, bool(user.is_superuser), bool(user.is_staff), user.role, province, commune)


# --- the menu --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class Group:
    label: str
    links: list[Link]


def menu_for(viewer: Viewer, path: str = "") -> list[Group]:
    """The viewer's menu: the entries they may use whose address resolves, by group, each once."""
    groups: dict[str, list[Link]] = {str(g): [] for g in GROUPS}
    seen: set[str] = set()
    for entry in ENTRIES:
        if not entry.allowed(viewer):
            continue
        url = entry.url(viewer)
        if url is None or url in seen:
            continue
        seen.add(url)
        groups[str(entry.group)].append(Link(entry.url_name, str(entry.label), url, url == path))
    return [Group(label, links) for label, links in groups.items() if links]


MENU_TEMPLATE = "_menu.html"
MENU_RENDERINGS = 1024  # menus kept rendered per process (a few kilobytes each)


def menu_html(request: HttpRequest, unread: Any = 0) -> SafeString:
    """The menu's markup for ``request``'s viewer and page, with ``unread`` (the viewer's unread
    notification count, read only for a logged-in viewer) beside the notifications link.

    Rendered once per process for each viewer, path, language and count (and URL configuration):
    the menu depends on nothing else, so the same header is not rebuilt on every request.
    """
    viewer = viewer_of(request)
    count = int(str(unread or 0)) if viewer.authenticated else 0  # str(): a lazy count has no __int__
    urls = (str(settings.ROOT_URLCONF), str(get_urlconf() or ""), get_script_prefix())
    return _rendered(viewer, request.path, get_language() or "", urls, count)


@lru_cache(maxsize=MENU_RENDERINGS)
def _rendered(
    viewer: Viewer, path: str, language: str, urls: tuple[str, str, str], unread: int
) -> SafeString:
    context = {"nav_menu": menu_for(viewer, path), "unread_notifications": unread}
    return mark_safe(render_to_string(MENU_TEMPLATE, context))  # noqa: S308  # a template's own output


def menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``nav_menu``, built only when a page renders it (no query either way),
    and ``nav_names``, the URL names in it, for a page's own links to the same pages
    (``{% if "dossiers:upload" in nav_names %}``)."""
    groups = SimpleLazyObject(lambda: menu_for(viewer_of(request), request.path))
    names = SimpleLazyObject(lambda: {link.url_name for group in groups for link in group.links})
    return {"nav_menu": groups, "nav_names": names}
