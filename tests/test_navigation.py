"""Navigation: every page a role may open is reached from its landing page in two clicks.

The pages are discovered, not listed: every named page of the URL configuration (the permission
matrix's discovery) with its declared policy. For each role the test starts where the role lands
after logging in, follows every link of that page (the header menu among them: click one) and
collects the links of each page reached (click two). A page the role may open that is not among
them fails, unless kpixa/web/navigation.py's ``NOT_PAGES`` says why it is no page of its own (a
POST target, a download, one row's detail page). Every menu link must answer 200.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from kpixa.web.navigation import ENTRIES, NOT_PAGES, Entry, Viewer, menu_for
from kpixa.web.tests.scored import scored_fixture  # noqa: F401
from tests.test_permission_matrix import POLICY_ROLES, page_endpoints

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a [^>]*href="([^"#]+)"')
MENU = re.compile(r'<nav id="site-menu".*?</nav>', re.S)
ROLES = ("anonymous", "province_admin", "province_viewer", "commune_leader", "commune_officer")
PAGES_PER_NAME = 2  # how many addresses of one URL name to open at the first click


def _allowed(policy: str | None, role: str) -> bool:
    if policy is None:
        return False
    if policy == "public":
        return True
    if role == "anonymous":
        return False
    if policy.startswith("roles:"):
        return role in policy.removeprefix("roles:").split(",")
    return role in POLICY_ROLES.get(policy, set())


def pages_for(role: str) -> set[str]:
    """The named pages ``role`` may open, by their declared policies."""
    return {
        e.label
        for e in page_endpoints()
        if ":" in e.label and not e.label.startswith("api:") and _allowed(e.policy, role)
    }


def _links(html: str) -> list[str]:
    paths = []
    for href in HREF.findall(html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.netloc or not parts.path.startswith("/"):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _client(world: Any, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def reached_in_two_clicks(client: Client) -> tuple[str, set[str], list[str]]:
    """The landing page's address, the URL names reached in two clicks from it, and the landing
    page's menu links."""
    landing = client.get("/", follow=True)
    assert landing.status_code == 200
    html = landing.content.decode()
    found = MENU.search(html)
    menu = _links(found.group(0)) if found else []
    first = _links(html)
    reached = {name for name in map(_name, first) if name}
    opened: dict[str, int] = {}
    for path in dict.fromkeys(first):
        name = _name(path)
        if name is None or name in NOT_PAGES or opened.get(name, 0) >= PAGES_PER_NAME:
            continue
        opened[name] = opened.get(name, 0) + 1
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reached |= {n for n in map(_name, _links(response.content.decode())) if n}
    return landing.request["PATH_INFO"], reached, menu


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_is_two_clicks_from_its_landing_page(scored: Any, role: str) -> None:
    client = _client(scored, role)
    landing, reached, _menu = reached_in_two_clicks(client)
    missing = sorted(pages_for(role) - reached - set(NOT_PAGES) - {_name(landing)})
    assert not missing, f"{role} cannot reach {missing} in two clicks from {landing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_of_a_role_answers(scored: Any, role: str) -> None:
    client = _client(scored, role)
    _landing, _reached, menu = reached_in_two_clicks(client)
    assert menu, role
    for path in menu:
        assert client.get(path).status_code == 200, (role, path)


def test_the_menu_shows_only_what_the_role_may_do(scored: Any) -> None:
    viewer = Viewer(True, False, False, "province_viewer", "52", "")
    names = {link.url_name for group in menu_for(viewer) for link in group.links}
    assert {"web:province", "evaluations:periods", "reporting:index"} <= names
    assert not names & {"dossiers:upload", "scoring:whatif", "accounts:audit", "evaluations:appeals"}
    leader = Viewer(True, False, False, "commune_leader", "52", "23872")
    names = {link.url_name for group in menu_for(leader) for link in group.links}
    assert "web:scorecard" in names and "dossiers:upload" not in names
    assert not names & {"web:province", "evaluations:periods"}


def test_an_entry_whose_page_is_not_installed_is_skipped(scored: Any) -> None:
    missing = Entry("nowhere:page", "x", ENTRIES[0].group, lambda v: True)
    admin = Viewer(True, False, True, "province_admin", "52", "")
    assert missing.url(admin) is None
    urls = [link.url for group in menu_for(admin) for link in group.links]
    assert len(urls) == len(set(urls))
    assert all(url.startswith("/") for url in urls)


def test_every_reason_names_an_existing_page() -> None:
    names = {e.label for e in page_endpoints()}
    assert set(NOT_PAGES) <= names, sorted(set(NOT_PAGES) - names)


def test_the_menu_costs_no_query(scored: Any, django_assert_num_queries: Any, rf: Any) -> None:
    from django.contrib.sessions.backends.cache import SessionStore

    from kpixa.web.navigation import menu

    request = rf.get("/tinh/52/")
    request.user = scored.users["province_admin"]
    request.session = SessionStore()
    request.session["kpixa_nav_scope"] = ["52", ""]
    with django_assert_num_queries(0):
        groups = list(menu(request)["nav_menu"])
    assert groups


def test_the_menu_is_rendered_once_per_viewer_page_language_and_count(scored: Any, monkeypatch: Any) -> None:
    from kpixa.accounts.notifications import mark_read, notify
    from kpixa.web import navigation

    built: list[Viewer] = []
    real = navigation.menu_for

    def counted(viewer: Viewer, path: str = "") -> list[navigation.Group]:
        built.append(viewer)
        return real(viewer, path)

    monkeypatch.setattr(navigation, "menu_for", counted)
    navigation._rendered.cache_clear()
    client = Client()
    admin = scored.users["province_admin"]
    client.force_login(admin)
    mark_read(admin)

    def menu_of(path: str) -> str:
        found = MENU.search(client.get(path).content.decode())
        assert found is not None
        return found.group(0)

    first = menu_of("/tinh/52/")
    assert menu_of("/tinh/52/?period=2025-Q2") == first and len(built) == 1  # same page: rendered once
    assert 'href="/tinh/52/" data-entry="web:province" aria-current="page"' in first
    assert 'class="tag"' not in first
    assert 'aria-current="page"' not in menu_of("/quoc-gia/").split('data-entry="web:province"')[1][:30]
    assert len(built) == 2  # another page: its own rendering (the current link differs)
    notify([admin], "result_published", "Đã công bố", "/", "Published")
    badge = menu_of("/tinh/52/")  # the unread count is read on every page, never cached
    assert '<span class="tag">1<span class="sr-only"> chưa đọc</span></span>' in badge
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = menu_of("/tinh/52/")
    assert "Dashboard" in english and "unread" in english and "Bảng điều khiển" not in english
    mark_read(admin)
    assert menu_of("/tinh/52/") != english and "Dashboard" in menu_of("/tinh/52/")
    assert 'class="tag"' not in menu_of("/tinh/52/")


def test_every_page_names_the_icon_and_favicon_ico_leads_to_it(client: Any, db: Any) -> None:
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon is not None and icon.group(1).endswith("favicon.svg")
    assert finders.find("kpixa/favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icon.group(1)


def test_every_menu_label_has_english() -> None:
    from django.utils import translation

    from kpixa.web.navigation import GROUPS

    labels = [entry.label for entry in ENTRIES] + list(GROUPS)
    with translation.override("en"):
        english = [str(label) for label in labels]
    untranslated = [str(label) for label, text in zip(labels, english, strict=True) if text == str(label)]
    assert not untranslated
