"""The projection's scenarios on hand-made timelines: exact counts and measures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from kpixa.warnings import projection as pj

AS_OF = date(2025, 11, 20)
END = date(2025, 11, 30)


def _open(code: str, due: datetime | None, received: datetime = datetime(2025, 11, 3, 8)) -> pj.OpenDossier:
    return pj.OpenDossier(1, "S", code, "P", received, due, due)


# A: overdue since 18 Nov; B: due 25 Nov (before the end); C: due 20 Nov 17:00 (the as-of day
# itself: late at its end); D: due 5 Dec (after the end); E: no due time at all.
A = _open("A", datetime(2025, 11, 18, 17))
B = _open("B", datetime(2025, 11, 25, 10))
C = _open("C", datetime(2025, 11, 20, 17))
D = _open("D", datetime(2025, 12, 5, 17))
E = _open("E", None)


def test_outcome_of_each_open_dossier_follows_the_rule() -> None:
    assert [d.outcome_at(AS_OF) for d in (A, B, C, D, E)] == [
        "open_overdue",
        "open_within",
        "open_overdue",
        "open_within",
        "open_overdue",
    ]
    assert [d.outcome_at(END) for d in (A, B, C, D, E)] == [
        "open_overdue",
        "open_overdue",
        "open_overdue",
        "open_within",
        "open_overdue",
    ]


def test_best_finishes_every_open_dossier_on_time_where_it_still_can() -> None:
    best = pj.project([A, B, C, D, E], AS_OF, END, Decimal("0.5"))[pj.BEST]
    assert (best.finished_on_time, best.finished_late, best.open_within, best.open_overdue) == (2, 3, 0, 0)


def test_worst_makes_late_every_dossier_due_before_the_end_and_leaves_the_rest_within() -> None:
    worst = pj.project([A, B, C, D, E], AS_OF, END, Decimal("0.5"))[pj.WORST]
    assert (worst.finished_on_time, worst.finished_late, worst.open_within, worst.open_overdue) == (
        0,
        0,
        1,
        4,
    )


def test_expected_splits_dossiers_due_before_the_end_by_the_on_time_share() -> None:
    expected = pj.project([A, B, C, D, E], AS_OF, END, Decimal("0.75"))[pj.EXPECTED]
    assert expected.finished_on_time == Decimal("0.75")
    assert expected.open_overdue == Decimal("3.25")  # A, C, E and a quarter of B
    assert expected.open_within == 1  # D
    assert expected.finished_late == 0


def test_measures_at_the_period_end_exactly() -> None:
    # The rollups at the as-of day: 10 received in the period, 2 carried over; 7 finished (5 on
    # time, 2 late); 5 open (A..E): 2 within (B, D), 3 overdue (A, C, E); 4 with an e-result.
    base = {
        "dossiers.total": 12,
        "dossiers.received": 10,
        "dossiers.finished": 7,
        "dossiers.finished_on_time": 5,
        "dossiers.finished_late": 2,
        "dossiers.open_within_deadline": 2,
        "dossiers.open_overdue": 3,
        "dossiers.on_time": 7,
        "dossiers.late": 5,
        "dossiers.finished_with_e_result": 4,
        "dossiers.online": 6,
    }
    scenarios = pj.project([A, B, C, D, E], AS_OF, END, Decimal("0.5"))
    best = pj.projected_measures(base, scenarios[pj.BEST])
    assert best["dossiers.on_time"] == 7 and best["dossiers.late"] == 5
    assert best["dossiers.finished"] == 12 and best["dossiers.finished_on_time"] == 7
    assert best["dossiers.open_within_deadline"] == 0 and best["dossiers.open_overdue"] == 0
    assert best["dossiers.finished_with_e_result"] == Decimal(4) * 12 / 7  # share kept
    assert best["dossiers.total"] == 12 and best["dossiers.online"] == 6
    worst = pj.projected_measures(base, scenarios[pj.WORST])
    assert worst["dossiers.on_time"] == 6 and worst["dossiers.late"] == 6  # B turns late
    assert worst["dossiers.finished"] == 7 and worst["dossiers.finished_with_e_result"] == 4
    expected = pj.projected_measures(base, scenarios[pj.EXPECTED])
    assert expected["dossiers.on_time"] == Decimal("6.5") and expected["dossiers.late"] == Decimal("5.5")


def test_nothing_open_changes_nothing_but_the_open_counts() -> None:
    base = {"dossiers.finished": 3, "dossiers.finished_on_time": 3, "dossiers.finished_late": 0}
    for scenario in pj.project([], AS_OF, END, Decimal(1)).values():
        m = pj.projected_measures(base, scenario)
        assert (m["dossiers.on_time"], m["dossiers.late"], m["dossiers.finished"]) == (3, 0, 3)


def test_shrunk_share() -> None:
    assert pj.shrunk_share(8, 10, Decimal("0.5"), 10) == Decimal("0.65")
    assert pj.shrunk_share(0, 0, Decimal("0.9"), 0) == Decimal("0.9")
