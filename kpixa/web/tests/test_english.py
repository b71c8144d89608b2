"""English mode shows English for everything kpixa itself writes.

Each role's landing page and every page its menu links to are opened with English chosen; the
text left after removing data (names of places, people, procedures: what users or the national
catalogue wrote, in Vietnamese by nature) and elements marked ``lang="vi"`` (the language
switch's "Tiếng Việt", the national motto) must hold no Vietnamese letter.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kpixa.accounts.access import mask_name
from kpixa.dossiers.models import Procedure
from kpixa.dossiers.tests.conftest import catalogue  # noqa: F401
from kpixa.review.tests.conftest import meetings  # noqa: F401
from kpixa.scoring.tests.conftest import frameworks  # noqa: F401
from kpixa.units.models import Commune, PeerGroup, Person, Province
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

# Letters only Vietnamese uses among the languages kpixa speaks (with their capitals).
VIETNAMESE = re.compile(
    "[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE
)
SKIPPED_TAGS = {"script", "style", "title"}
# Explanations stored with each score, commune and leader are kept in both languages
# (``explanation_vi`` / ``explanation_en``), so nothing kpixa writes is skipped here.
SKIPPED_CLASSES: set[str] = set()
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


# --- notifications, flags, early warnings, proposals --------------------------------------------


def _made_in_vietnamese(world: Any) -> None:
    """What kpixa writes as things happen, each by its own producer, written while Vietnamese is
    active (as a command or another user's request would): proposals with their notification,
    a reminder of values due, flags of every reason."""
    from kpixa.accountability.models import AccountabilityFlag as Flag
    from kpixa.accountability.models import FlagKind
    from kpixa.accountability.reasons import REASONS
    from kpixa.evaluations.models import Consequence, Period
    from kpixa.evaluations.services.chain import _notify_proposals
    from kpixa.reporting.services import _remind
    from kpixa.scoring.engine import evaluation as ev
    from kpixa.scoring.engine.periods import quarter

    with translation.override("vi"):
        row = Period.objects.get(province=world.province, code="2025-Q3")
        outcome = ev.CommuneOutcome(
            period_label=quarter(2025, 3).label_vi,
            total=Decimal("42.5"),
            class_code=ev.FAILED,
            leader_yearly_classes={},
        )
        fresh = [
            Consequence.objects.create(
                period=row,
                commune=world.commune,
                kind="warning" if proposal.kind == ev.WARNING else "transfer_or_relief",
                post="" if proposal.subject == "commune" else proposal.subject,
                rule_code=f"test_{n}",
                reason_vi=proposal.reason,
                proposed_at=timezone.now(),
            )
            for n, proposal in enumerate(ev.propose_consequences(outcome))
        ]
        _notify_proposals(row, fresh)
        _remind(world.commune, quarter(2025, 3), date(2025, 10, 10), 2)
        codes = [*REASONS, "returned+hand_changes+out_and_back", "status_7"]
        kinds = list(FlagKind)
        Flag.objects.bulk_create(
            Flag(
                commune=world.commune,
                kind=kinds[n % len(kinds)],
                reason=code,
                day=date(2025, 8, 20),
                period_code=f"2025-{n:02d}",
                evidence={"path": ["Một cửa", "Địa chính"]} if n == 0 else {},
            )
            for n, code in enumerate(codes)
        )


def _more_paths(world: Any, role: str) -> list[str]:
    from kpixa.evaluations.models import Consequence

    commune, province = world.commune.code, world.province.code
    dossier = world.dossiers[0]
    paths = [
        reverse("accounts:notifications"),
        reverse("warnings:commune", kwargs={"code": commune}),
        reverse("warnings:subscriptions"),
        reverse("web:flags_commune", kwargs={"code": commune}),
        reverse("dossiers:timeline", kwargs={"source": dossier.source_system, "ma_ho_so": dossier.ma_ho_so}),
    ]
    if role.startswith("province"):
        consequence = Consequence.objects.filter(commune=world.commune).first()
        assert consequence is not None
        paths += [
            reverse("warnings:province", kwargs={"province_code": province}),
            reverse("web:flags_province", kwargs={"province_code": province}),
            reverse("evaluations:proposals", kwargs={"province_code": province}),
            reverse("evaluations:consequence", kwargs={"province_code": province, "pk": consequence.pk}),
        ]
    return paths


@pytest.mark.parametrize("role", ROLES[:-1])
def test_notifications_flags_warnings_and_proposals_in_english(scored: Any, role: str) -> None:
    _made_in_vietnamese(scored)
    client = _english_client(scored, role)
    owners = [d.owner_name for d in scored.dossiers]  # a dossier's applicant, masked or not: data
    departments = ["Một cửa", "Địa chính"]  # in a flag's evidence: data
    names = [*_data_names(), *owners, *(mask_name(n) for n in owners), *departments]
    problems, opened = [], []
    for path in _more_paths(scored, role):
        response = client.get(path)
        if response.status_code in (403, 404):  # not this role's page
            continue
        assert response.status_code == 200, path
        opened.append(path)
        found, _links = vietnamese_left(response.content.decode(), names)
        problems += [f"{path}: {snippet}" for snippet in found]
    assert reverse("accounts:notifications") in opened
    assert any("/canh-bao/" in p for p in opened)
    assert not problems, f"{len(problems)} Vietnamese strings on English pages:\n" + "\n".join(problems[:60])
    if role in ("province_admin", "commune_leader"):  # told of the proposals
        page = client.get(reverse("accounts:notifications")).content.decode()
        assert "Proposed" in page or "proposal" in page.lower(), page[:2000]


def test_flag_reasons_are_words_in_both_languages() -> None:
    from kpixa.accountability.reasons import reason_label

    with translation.override("vi"):
        assert reason_label("returned+hand_changes") == (
            "hồ sơ bị chuyển trả lại nơi đã xử lý; hồ sơ qua tay quá nhiều người"
        )
        assert "Công dân yêu cầu rút hồ sơ" in reason_label("status_7")
        assert reason_label("something_new") == "something_new"
    with translation.override("en"):
        for code in ("returned+hand_changes+out_and_back", "status_7", "burst", "over_8_working_hours"):
            assert not VIETNAMESE.search(reason_label(code)), code


# --- the daily digest by e-mail ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("catalogue", "frameworks")
@override_settings(LANGUAGE_CODE="en")
def test_digest_email_and_notification_in_english(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A site whose language is English mails the digest in English; the stored notification
    reads in English for whoever chose English, and in Vietnamese for the others."""
    from kpixa.accounts.models import Notification, NotificationKind
    from kpixa.warnings import services
    from kpixa.warnings.tests.test_queries import AS_OF, run, timelines

    run(timelines())
    leader = world.users["commune_leader"]
    leader.email = "chu.tich@iadom.example.vn"
    leader.save()
    with translation.override("vi"), django_capture_on_commit_callbacks(execute=True):  # a command
        services.send_warnings(AS_OF, province_codes=["52"], now=datetime(2026, 3, 20, 9, 0).astimezone())
    [message] = [m for m in mail.outbox if leader.email in m.to]
    [note] = Notification.objects.filter(user=leader, kind=NotificationKind.EARLY_WARNING)
    names = _data_names()
    for text in (str(message.subject), str(message.body), note.message_en):
        found, _links = vietnamese_left(text, names)
        assert not found, f"Vietnamese in the English digest: {found}\n{text}"
    assert "O1" in message.body and "?bo=due_today" in message.body
    assert message.body.startswith(note.message_en)
    assert VIETNAMESE.search(note.message_vi)
    with translation.override("en"):
        assert note.message == note.message_en
    with translation.override("vi"):
        assert note.message == note.message_vi


# --- a late dossier's step table and who made it late ---------------------------------------------


@pytest.mark.django_db
def test_the_step_table_and_who_made_it_late_in_english(catalogue: Any, tmp_path: Any) -> None:  # noqa: F811
    """The departments and the handler are the portal's (data); the hours and every word around
    them are kpixa's, in English."""
    from kpixa.accountability.tests.test_pass import CHAIR, JUSTICE, LAND, ONE_STOP, bounced, load

    load(tmp_path, [bounced()])
    client = _english_client(catalogue, "province_admin")
    html = client.get(reverse("dossiers:timeline", args=["dvcq", "HS-BOUNCE"])).content.decode()
    assert 'id="steps"' in html and "Late by 2.5 working hours" in html
    assert "Địa chính - Xây dựng (1.5 h)" in html
    found, _links = vietnamese_left(html, [*_data_names(), ONE_STOP, LAND, JUSTICE, CHAIR])
    assert not found, found


# --- the monthly review meetings ------------------------------------------------------------------


def test_review_meetings_in_english(meetings: Any) -> None:  # noqa: F811
    """The meeting pack's classes (stored in Vietnamese) are shown in English, like every word
    kpixa writes around the commitments (their text is what the meeting wrote: data)."""
    written = [c.what for c in meetings.commitments]
    names = [*_data_names(), *written]
    problems, opened = [], 0
    for role, paths in (
        (
            "province_viewer",
            ["/giao-ban/tinh/52/", *(f"/giao-ban/tinh/52/{m.pk}/" for m in meetings.meetings)],
        ),
        ("commune_leader", ["/giao-ban/xa/23872/cam-ket/"]),
    ):
        client = _english_client(meetings, role)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            opened += 1
            found, _links = vietnamese_left(response.content.decode(), names)
            problems += [f"{path}: {snippet}" for snippet in found]
    assert opened == 4
    assert not problems, "\n".join(problems[:60])
