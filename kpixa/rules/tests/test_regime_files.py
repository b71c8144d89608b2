"""The regime files: the Chairman under Decree 335, the Secretary under Regulation 366, each
criterion with its input and article; a later version switches a post's regime."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from kpixa.rules.leaders import REGIMES
from kpixa.rules.regime_files import REGIMES_DIR, regime_files, regime_for


def test_it_rates_the_chairman_under_decree_335_and_the_secretary_under_regulation_366() -> None:
    day = date(2026, 12, 31)
    chairman, secretary = regime_for("chairman", day), regime_for("secretary", day)
    assert chairman is not None and chairman.regime == "nd335"
    assert secretary is not None and secretary.regime == "qd366"
    assert [c.code for c in chairman.criteria] == ["general", "a", "b", "c", "d", "dd", "e"]
    assert {c.class_code for c in secretary.conditions} == {"xuat_sac", "tot", "hoan_thanh"}
    assert all(c.article and c.input for f in regime_files() for c in f.criteria)
    assert all(f.regime in REGIMES for f in regime_files())


def test_it_has_no_chairman_regime_before_decree_335_is_in_force() -> None:
    assert regime_for("chairman", date(2025, 12, 31)) is None


def test_a_later_version_switches_a_posts_regime(tmp_path: Path) -> None:
    for source in REGIMES_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    text = (REGIMES_DIR / "chairman-nd335-2026.yaml").read_text(encoding="utf-8")
    later = text.replace("regime: nd335", "regime: qd366").replace("2026-01-01", "2027-01-01")
    (tmp_path / "chairman-qd366-2027.yaml").write_text(later, encoding="utf-8")
    files = regime_files(tmp_path)
    assert regime_for("chairman", date(2026, 12, 31), files).regime == "nd335"  # type: ignore[union-attr]
    assert regime_for("chairman", date(2027, 3, 31), files).regime == "qd366"  # type: ignore[union-attr]


def test_it_refuses_a_file_with_an_unknown_key(tmp_path: Path) -> None:
    text = (REGIMES_DIR / "secretary-qd366-2025.yaml").read_text(encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(text + "threshold: 50\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        regime_files(tmp_path)
