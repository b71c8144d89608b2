"""The pure rules of ranking, classification bands, tenure and the excellent quota (docs/rules.md)."""

from decimal import Decimal

import pytest

from kpixa.rules.classification import NATIONAL_BANDS, ClassCode, band_for, band_rank
from kpixa.rules.quota import QuotaCandidate, excellent_allowance
from kpixa.rules.ranking import competition_ranks, grouped_ranks
from kpixa.scoring.engine.model import DEFAULT_BANDS

D = Decimal


def test_it_ranks_ties_together_and_skips_the_next_rank() -> None:
    totals = {"a": D("80"), "b": D("95.5"), "c": D("80.00"), "d": D(10)}
    assert competition_ranks(totals) == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert competition_ranks({}) == {}


def test_it_ranks_within_each_group_a_key_belongs_to() -> None:
    totals = {1: D(90), 2: D(80), 3: D(90)}
    groups = {1: ["x", "y"], 2: ["x"], 3: ["y"]}
    assert grouped_ranks(totals, groups) == {1: {"x": 1, "y": 1}, 2: {"x": 2}, 3: {"y": 1}}


@pytest.mark.parametrize(
    ("total", "code"),
    [
        ("100", ClassCode.EXCELLENT),
        ("90", ClassCode.EXCELLENT),
        ("89.99", ClassCode.GOOD),
        ("70", ClassCode.GOOD),
        ("69.99", ClassCode.COMPLETED),
        ("50", ClassCode.COMPLETED),
        ("49.99", ClassCode.FAILED),
        ("0", ClassCode.FAILED),
    ],
)
def test_it_classifies_by_the_national_bands(total: str, code: ClassCode) -> None:
    assert band_for(DEFAULT_BANDS, D(total)).code == code


def test_it_builds_the_engines_default_bands_from_the_national_ones() -> None:
    assert [(b.code, b.min_total, b.label.vi) for b in DEFAULT_BANDS] == [
        (code, low, vi) for code, low, vi, _en in NATIONAL_BANDS
    ]
    assert band_rank(DEFAULT_BANDS, "tot") == 1 and band_rank(DEFAULT_BANDS, "?") == 4


def test_it_allows_the_quota_share_of_good_or_better_rounded_down() -> None:
    def group(excellent: int, good: int, other: int) -> list[QuotaCandidate]:
        classes = ["xuat_sac"] * excellent + ["tot"] * good + ["hoan_thanh"] * other
        return [QuotaCandidate(str(i), "g", D(90), c) for i, c in enumerate(classes)]

    assert excellent_allowance(group(3, 7, 5), D(20)) == 2
    assert excellent_allowance(group(3, 6, 5), D(20)) == 1
    assert excellent_allowance(group(1, 3, 0), D(20)) == 0
