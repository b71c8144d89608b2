"""Hypothesis properties of the engine over the shipped dvc766 framework."""

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kpixa.scoring.engine.classification import band_rank, classify
from kpixa.scoring.engine.core import UnitInfo, score_unit
from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.model import DEFAULT_BANDS

DVC766 = load_framework(
    (Path(__file__).resolve().parents[1] / "shipped" / "dvc766.yaml").read_text("utf-8"), "dvc766.yaml"
)
UNIT = UnitInfo("23872", "Xã Ia Dom", "xa")


@st.composite
def unit_inputs(draw):  # type: ignore[no-untyped-def]
    """Consistent counts: parts never exceed their wholes; some denominators may be 0."""
    total = draw(st.integers(0, 2000))
    late = draw(st.integers(0, total))
    finished = draw(st.integers(0, total))
    fee = draw(st.integers(0, total))
    procedures = draw(st.integers(0, 30))
    petitions = draw(st.integers(0, 50))
    part = lambda whole: draw(st.integers(0, whole))  # noqa: E731
    return {
        "dossiers.total": total,
        "dossiers.on_time": total - late,
        "dossiers.late": late,
        "dossiers.synced_on_time": part(total),
        "dossiers.e2e_eligible": total,
        "dossiers.e2e_online": part(total),
        "dossiers.fee_bearing": fee,
        "dossiers.paid_online": part(fee),
        "procedures.fee_bearing": procedures,
        "procedures.fee_bearing_paid_online": part(procedures),
        "procedures.fee_bearing_with_dossiers": part(procedures),
        "petitions.total": petitions,
        "petitions.on_time": part(petitions),
        "dossiers.complaint_or_unsatisfied": part(total),
        "dossiers.finished": finished,
        "dossiers.finished_with_e_result": part(finished),
        "dossiers.digitised": part(total),
        "dossiers.reused_data": part(total),
        "dossiers.result_in_citizen_store": part(finished),
    }


@settings(max_examples=60, deadline=None)
@given(unit_inputs())
def test_it_keeps_points_within_bounds_and_the_total_a_sum(inputs) -> None:  # type: ignore[no-untyped-def]
    score = score_unit(DVC766, UNIT, inputs)
    for result in score.indicators:
        assert Decimal(0) <= result.points <= result.max_points
        assert Decimal(0) <= result.contribution <= result.contribution_max
    if score.total is not None:
        assert score.total == sum(r.contribution for r in score.indicators)
        assert score.total == sum(g.points for g in score.groups)
        assert Decimal(0) <= score.total <= Decimal("100.05")


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 100000), st.data())
def test_it_never_lowers_progress_for_one_more_on_time_dossier(total, data) -> None:  # type: ignore[no-untyped-def]
    on_time = data.draw(st.integers(0, total))
    before = score_unit(DVC766, UNIT, {"dossiers.on_time": on_time, "dossiers.total": total}).indicator("2.1")
    after = score_unit(
        DVC766, UNIT, {"dossiers.on_time": on_time + 1, "dossiers.total": total + 1}
    ).indicator("2.1")
    assert after.points >= before.points
    assert after.rate is not None and before.rate is not None and after.rate >= before.rate


@settings(max_examples=80, deadline=None)
@given(st.decimals(0, 100, places=2), st.decimals(0, 100, places=2))
def test_it_classifies_monotonically_in_the_total(a, b) -> None:  # type: ignore[no-untyped-def]
    low, high = sorted([a, b])
    low_class, high_class = classify(DEFAULT_BANDS, low), classify(DEFAULT_BANDS, high)
    assert low_class is not None and high_class is not None
    assert band_rank(DEFAULT_BANDS, high_class.code) <= band_rank(DEFAULT_BANDS, low_class.code)
