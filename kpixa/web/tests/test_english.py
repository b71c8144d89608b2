"""English mode shows English for everything kpixa itself writes.

Each role's landing page and every page its menu links to are opened with English chosen; the
text left after removing data (names of places, people, procedures: what users or the national
catalogue wrote, in Vietnamese by nature) and elements marked ``lang="vi"`` (the language
switch's "Tiếng Việt", the national motto) must hold no Vietnamese letter.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from kpixa.dossiers.models import Procedure
from kpixa.units.models import Commune, PeerGroup, Person, Province
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

# Letters only Vietnamese uses among the languages kpixa speaks (with their capitals).
VIETNAMESE = re.compile(
    "[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE
)
SKIPPED_TAGS = {"script", "style", "title"}
# Known gap: the explanations stored with each score (``IndicatorScore.explanation_vi``, a
# commune's or a leader's ``explanation_vi``) are written in Vietnamese when the scores are
# computed; the pages mark them ``class="explanation"`` and this test leaves them out until the
# scores store them in both languages.
SKIPPED_CLASSES = {"explanation"}
# Numbers of legal documents ("Decision 766/QĐ-TTg", "Decree 30/2020/NĐ-CP", "Regulation
# 366-QĐ/TW") are names: their Vietnamese abbreviations are kept in English text.
DOCUMENT_NUMBER = re.compile(r"\b\d+(?:/\d{4})?[/-][A-ZĐ][A-ZĐa-z]*(?:[-/][A-ZĐ][A-ZĐa-z]*)*")
ROLES = ("province_admin", "province_viewer", "commune_leader", "commune_officer", None)


class _Text(HTMLParser):
    """The page's visible text, leaving out ``lang="vi"`` elements, scripts and styles."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr", "area", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: whether its text is skipped
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag in self.VOID:
            return
        classes = set((values.get("class") or "").split())
        skipped = (
            (self.stack and self.stack[-1])
            or tag in SKIPPED_TAGS
            or values.get("lang") == "vi"
            or bool(classes & SKIPPED_CLASSES)
        )
        self.stack.append(bool(skipped))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def _data_names() -> list[str]:
    names = [
        *Commune.objects.values_list("name", flat=True),
        *Province.objects.values_list("name", flat=True),
        *Person.objects.values_list("full_name", flat=True),
        *Procedure.objects.values_list("name", flat=True),
        *PeerGroup.objects.values_list("name", flat=True),
    ]
    return sorted({n for n in names if n}, key=len, reverse=True)  # longest first


def vietnamese_left(html: str, names: list[str]) -> tuple[list[str], list[str]]:
    """(snippets of Vietnamese text kpixa wrote, links) of a page."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in names:
        text = text.replace(name, " ")
    text = DOCUMENT_NUMBER.sub(" ", text)
    found = []
    for chunk in re.split(r"\s{2,}|\n", text):
        if VIETNAMESE.search(chunk):
            found.append(chunk.strip()[:80])
    return found, parser.links


def _english_client(world: Any, role: str | None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if role is not None:
        client.force_login(world.users[role])
    return client


def _pages(client: Client) -> dict[str, str]:
    """The landing page and every same-site page its links reach (one step), by path."""
    start = client.get("/", follow=True)
    assert start.status_code == 200
    pages = {start.request["PATH_INFO"]: start.content.decode()}
    _found, links = vietnamese_left(pages[start.request["PATH_INFO"]], [])
    for href in links:
        parts = urlsplit(href)
        path = parts.path
        if parts.netloc or not path.startswith("/") or path in pages:
            continue
        if path.startswith(("/admin", "/accounts/logout", "/api/", "/i18n/", "/static/")) or "/xuat/" in path:
            continue
        response = client.get(href)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[path] = response.content.decode()
    return pages


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "citizen")
def test_english_pages_show_no_vietnamese_outside_data(scored: Any, role: str | None) -> None:
    names = _data_names()
    problems = []
    for path, html in _pages(_english_client(scored, role)).items():
        found, _links = vietnamese_left(html, names)
        problems += [f"{path}: {snippet}" for snippet in found]
    assert not problems, f"{len(problems)} Vietnamese strings on English pages:\n" + "\n".join(problems[:60])
