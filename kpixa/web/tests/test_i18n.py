"""Every interface string is marked, translated to English and compiled; Vietnamese is the default."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "kpixa" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def parse_po(text: str) -> dict[str, tuple[str, bool]]:
    """Return {msgid: (msgstr, fuzzy)} of a .po file (plural forms keyed by their singular)."""
    entries: dict[str, tuple[str, bool]] = {}
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid: list[str] = []
        msgstr: list[str] = []
        current: list[str] | None = None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
                line = line[6:]
            elif line.startswith("msgstr ") or line.startswith("msgstr[0] "):
                current = msgstr
                line = line.split(" ", 1)[1]
            elif line.startswith(("msgid_plural", "msgstr[", "#")):
                current = None
                continue
            if current is not None and line.startswith('"'):
                current.append(line[1:-1])
        key = "".join(msgid)
        if key:
            entries[key] = ("".join(msgstr), fuzzy)
    return entries


@pytest.mark.slow
def test_it_has_an_english_translation_for_every_marked_string(tmp_path: Path) -> None:
    tree = tmp_path / "src"
    shutil.copytree(ROOT / "kpixa", tree / "kpixa", ignore=shutil.ignore_patterns("locale", "__pycache__"))
    shutil.copy(ROOT / "manage.py", tree / "manage.py")
    (tree / "kpixa" / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=tree,
        check=True,
        capture_output=True,
    )
    extracted = parse_po((tree / "kpixa" / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text())
    committed = parse_po(PO.read_text())
    missing = sorted(set(extracted) - {k for k, (v, fuzzy) in committed.items() if v and not fuzzy})
    assert not missing, f"{len(missing)} strings lack an English translation, e.g. {missing[:5]}"


def test_it_ships_a_compiled_catalogue_matching_its_source() -> None:
    mo = PO.with_suffix(".mo")
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, (msgstr, fuzzy) in parse_po(PO.read_text()).items()
        if msgstr and not fuzzy and "\\" not in msgid and catalogue.gettext(msgid) != msgstr
    ]
    assert not stale, f"django.mo is older than django.po (run `make messages`): {stale[:3]}"


def test_it_keeps_vietnamese_text_nfc_normalised() -> None:
    for path in list((ROOT / "kpixa").rglob("*.html")) + list((ROOT / "kpixa").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), f"{path} is not NFC-normalised"


@pytest.mark.django_db
def test_it_switches_to_english_and_back() -> None:
    client = Client()
    assert "Đăng nhập" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log in" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get("/").content.decode()
