from datetime import date

import pytest

from kpixa.scoring.engine.periods import PeriodError, parse_period, previous


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "label", "before"),
    [
        ("2025-07", "month", date(2025, 7, 1), date(2025, 7, 31), "Tháng 7/2025", "2025-06"),
        ("2025-01", "month", date(2025, 1, 1), date(2025, 1, 31), "Tháng 1/2025", "2024-12"),
        ("2025-Q3", "quarter", date(2025, 7, 1), date(2025, 9, 30), "Quý III/2025", "2025-Q2"),
        ("2025-q1", "quarter", date(2025, 1, 1), date(2025, 3, 31), "Quý I/2025", "2024-Q4"),
        ("2025-H2", "half", date(2025, 7, 1), date(2025, 12, 31), "6 tháng cuối năm 2025", "2025-H1"),
        ("2025-H1", "half", date(2025, 1, 1), date(2025, 6, 30), "6 tháng đầu năm 2025", "2024-H2"),
        ("2025", "year", date(2025, 1, 1), date(2025, 12, 31), "Năm 2025", "2024"),
        (
            "2026-YTD-10",
            "ytd",
            date(2026, 1, 1),
            date(2026, 10, 31),
            "Lũy kế từ 01/01/2026 đến 31/10/2026",
            "2025-YTD-10",
        ),
        (
            "2024-YTD-02-29",
            "ytd",
            date(2024, 1, 1),
            date(2024, 2, 29),
            "Lũy kế từ 01/01/2024 đến 29/02/2024",
            "2023-YTD-02",
        ),
    ],
)
def test_it_parses_formats_and_steps_back(code, kind, start, end, label, before) -> None:  # type: ignore[no-untyped-def]
    period = parse_period(code)
    assert (period.kind, period.start, period.end, period.label_vi) == (kind, start, end, label)
    assert parse_period(period.code) == period
    assert previous(period).code == before


def test_it_needs_an_as_of_date_for_a_bare_year_to_date() -> None:
    assert parse_period("2026-YTD", as_of=date(2026, 3, 4)).code == "2026-YTD-03-04"
    assert parse_period("2025-YTD", as_of=date(2026, 3, 4)).code == "2025-YTD-12"
    with pytest.raises(PeriodError, match="cần ngày chốt"):
        parse_period("2026-YTD")


@pytest.mark.parametrize("code", ["2025-13", "2025-Q5", "2025-H3", "25", "July 2025", "2025-YTD-02-30"])
def test_it_refuses_bad_codes(code: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(code)


def test_it_counts_days_and_membership() -> None:
    quarter = parse_period("2025-Q3")
    assert quarter.days == 92 and date(2025, 8, 15) in quarter and date(2025, 10, 1) not in quarter
