"""A rejected record's reason, stored in Vietnamese, reads in English on the pages: every reason
message of the app is read back from its stored form and translated with the same values."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from kpixa.dossiers.rejection_text import marked_messages, reason_shown

PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _filled(message: str) -> tuple[str, dict[str, object]]:
    values: dict[str, object] = {}
    for n, (name, kind) in enumerate(PLACEHOLDER.findall(message)):
        values.setdefault(name, 40 + n if kind == "d" else f"V{n}x")
    return message % values, values


def test_the_reasons_are_collected_from_the_app() -> None:
    messages = marked_messages()
    assert "Thiếu mã phản ánh, kiến nghị (MaPAKN)." in messages  # services/ingest.py
    assert any(m.startswith("Trường %(name)s dài quá") for m in messages)  # records.py
    assert len(messages) > 50


@pytest.mark.parametrize("message", [m for m in marked_messages() if "{" not in m])
def test_each_stored_reason_reads_in_english(message: str) -> None:
    stored, values = _filled(message)
    with translation.override("vi"):
        assert reason_shown(stored) == stored
    with translation.override("en"):
        english = gettext(message)
        if english == message:  # not translated in the catalogue (or the same in both)
            pytest.skip("no English text in the catalogue")
        assert reason_shown(stored) == english % values


def test_a_reason_no_message_made_is_shown_as_stored() -> None:
    with translation.override("en"):
        assert reason_shown("Lý do ghi tay") == "Lý do ghi tay"
