"""The rescaled total never exceeds the maximum, and stays the sum of the contributions shown."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kpixa.scoring.engine.core import UnitInfo, score_unit
from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.numbers import round2

# Six counted indicators of 10 points and one of 40 excluded without data: every counted
# contribution is scaled by 100/60, so six full marks give 16.6667 each, 16.67 rounded: 100.02.
PARTS = ["online", "on_time", "digitised", "vneid", "reused_data", "finished_with_e_result"]
INDICATOR = """\
      - code: "{code}"
        name: Chỉ số {code}
        numerator: dossiers.{measure}
        denominator: dossiers.total
        max_points: {points}
        na_policy: exclude
"""
FRAMEWORK = load_framework(
    'code: t\nversion: "1"\nname: {vi: Thử, en: Test}\nvalid_from: 2025-01-01\ntotal: 100\ngroups:\n'
    '  - code: "1"\n    name: Nhóm\n    max: 100\n    indicators:\n'
    + "".join(INDICATOR.format(code=f"1.{i}", measure=m, points=10) for i, m in enumerate(PARTS, start=1))
    + INDICATOR.format(code="1.7", measure="complaint_or_unsatisfied", points=40).replace(
        "dossiers.total", "petitions.total"
    ),
    "rounding.yaml",
)
UNIT = UnitInfo("23872", "Xã Ia Dom", "xa")


def _inputs(counts: list[int], total: int) -> dict[str, int]:
    values = {f"dossiers.{m}": c for m, c in zip(PARTS, counts, strict=True)}
    return {**values, "dossiers.total": total, "dossiers.complaint_or_unsatisfied": 0, "petitions.total": 0}


def test_it_gives_a_perfect_unit_exactly_the_maximum_when_rounding_would_overshoot() -> None:
    score = score_unit(FRAMEWORK, UNIT, _inputs([50] * 6, 50))
    assert [r.contribution for r in score.indicators][:6].count(Decimal("16.67")) == 4
    assert score.total == Decimal(100)
    assert score.total == sum(g.points for g in score.groups)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5000).flatmap(
        lambda t: st.tuples(st.lists(st.integers(0, t), min_size=6, max_size=6), st.just(t))
    )
)
def test_it_never_scores_above_the_maximum_and_keeps_the_total_a_sum(drawn: tuple[list[int], int]) -> None:
    counts, total = drawn
    score = score_unit(FRAMEWORK, UNIT, _inputs(counts, total))
    counted = score.indicators[:6]
    assert score.total is not None
    assert score.total <= score.max_total
    assert score.total == sum(r.contribution for r in score.indicators)
    assert score.total == sum(g.points for g in score.groups)
    exact = [(r.rate or Decimal(0)) / 10 * Decimal(100) / Decimal(60) for r in counted]  # unrounded points
    for result, value in zip(counted, exact, strict=True):
        # Each contribution is its exact value rounded half up, or one cent less when trimmed.
        assert round2(value) - result.contribution in (Decimal(0), Decimal("0.01"))
        assert Decimal(0) <= result.contribution <= result.contribution_max


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=6, max_size=6))
def test_it_leaves_the_rounding_alone_when_nothing_is_rescaled(counts: list[int]) -> None:
    inputs = {**_inputs(counts, 1000), "petitions.total": 10}
    score = score_unit(FRAMEWORK, UNIT, inputs)
    assert all(r.contribution == r.points for r in score.indicators)
    assert score.total == sum(r.points for r in score.indicators)
