"""A proposal's reason stored in Vietnamese is shown in English: each message the engine writes is
read back and translated, the period's label and the basic targets inside it too."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from kpixa.evaluations.reasons import BASIC_TARGET_NAMES, reason_shown
from kpixa.rules.consequences import BASIC_TARGETS
from kpixa.scoring.engine import evaluation as ev
from kpixa.scoring.engine.periods import half, month, quarter, year

VIETNAMESE = re.compile(
    "[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE
)


PERIODS = {
    "month": lambda: month(2025, 7),
    "quarter": lambda: quarter(2025, 3),
    "half": lambda: half(2025, 2),
    "year": lambda: year(2025),
}


def _reasons(kind: str, language: str) -> list[str]:
    """The reasons the engine writes for a failing commune, everything in ``language``."""
    with translation.override(language):
        outcome = ev.CommuneOutcome(
            period_label=PERIODS[kind]().label_vi,  # the period's label as the active language writes it
            total=Decimal("42.5"),
            class_code=ev.FAILED,
            leader_yearly_classes={"chu_tich": {2024: ev.FAILED, 2025: ev.FAILED}},
            targets_met_percent=Decimal("61.25"),
            basic_targets_met=dict.fromkeys(BASIC_TARGETS, False),
        )
        return [p.reason for p in ev.propose_consequences(outcome)]


@pytest.mark.parametrize("kind", PERIODS)
def test_every_stored_reason_reads_in_english_as_the_engine_writes_it(kind: str) -> None:
    stored = _reasons(kind, "vi")
    assert len(stored) == 6  # warning, joint departure ×2, dismissal, Regulation 377 ×2
    with translation.override("en"):
        shown = [reason_shown(r) for r in stored]
        targets = [translation.gettext(name) for name in BASIC_TARGETS.values()]
    assert shown != stored
    assert not [text for text in shown if VIETNAMESE.search(text.replace("377-QĐ/TW", ""))], shown
    english = _reasons(kind, "en")
    assert shown[:4] == english[:4]
    # the engine names Regulation 377's basic targets in Vietnamese whatever the language; shown in English
    assert shown[4] == english[4].replace(", ".join(BASIC_TARGETS.values()), ", ".join(targets))


def test_vietnamese_and_unknown_reasons_are_shown_as_stored() -> None:
    stored = _reasons("month", "vi")[0]
    with translation.override("vi"):
        assert reason_shown(stored) == stored
    with translation.override("en"):
        assert reason_shown("Lý do do tỉnh ghi tay") == "Lý do do tỉnh ghi tay"
        assert reason_shown("") == ""


def test_the_basic_targets_are_marked_for_the_catalogue() -> None:
    assert set(BASIC_TARGET_NAMES) == set(BASIC_TARGETS.values())
