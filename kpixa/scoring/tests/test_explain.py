"""Scoring without explanations (``explain=False``) gives the same figures, with no text."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from kpixa.scoring.engine.core import score_unit
from kpixa.scoring.tests.test_rounding import FRAMEWORK, UNIT, _inputs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=6, max_size=6), st.integers(0, 40))
def test_it_scores_the_same_without_explanations(counts: list[int], extra: int) -> None:
    total = max(counts) + extra
    explained = score_unit(FRAMEWORK, UNIT, _inputs(counts, total))
    bare = score_unit(FRAMEWORK, UNIT, _inputs(counts, total), explain=False, bilingual=True)
    assert all(r.explanation for r in explained.indicators)
    assert all(r.explanation == "" and r.explanation_en == "" for r in bare.indicators)
    assert bare == replace(
        explained, indicators=tuple(replace(r, explanation="") for r in explained.indicators)
    )
