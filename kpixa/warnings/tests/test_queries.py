"""The early warning of a province on hand-made timelines: lists, projected rates, query count."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing
from kpixa.dossiers.tests.conftest import base_record
from kpixa.warnings import queries
from kpixa.warnings.projection import BEST, EXPECTED, WORST

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 3, 20)  # a Friday
PROVINCE_LIST_QUERIES = 15  # the province list as its page reads it (dvc766; now, worst, best)


def run(records: list[dict[str, Any]]) -> None:
    importing.run_batch(importing.new_batch("dossier", "motcua"), source_from_document(records))


def timelines() -> list[dict[str, Any]]:
    """Ten dossiers of Xã Ia Dom in March 2026, as of Friday 20 March.

    Finished: F1..F4 on time, F5 late. Open: O1 overdue since 18 Mar; O2 due Mon 23 Mar 10:00
    (1 working day); O3 due Wed 25 Mar 17:00 (4 working days); O4 due Thu 2 Apr (after the end);
    O5 due 20 Mar 16:00 (the as-of day).
    """
    done = {"TrangThaiHoSo": "9"}
    recs = [
        base_record(f"F{i}", NgayHenTra="20260306170000", NgayKetThucXuLy="20260305100000", **done)
        for i in range(1, 5)
    ]
    recs.append(base_record("F5", NgayHenTra="20260306170000", NgayKetThucXuLy="20260310100000", **done))
    recs += [
        base_record("O1", NgayTiepNhan="20260310090000", NgayHenTra="20260318170000"),
        base_record("O2", NgayTiepNhan="20260316090000", NgayHenTra="20260323100000"),
        base_record("O3", NgayTiepNhan="20260316090000", NgayHenTra="20260325170000"),
        base_record("O4", NgayTiepNhan="20260319090000", NgayHenTra="20260402170000"),
        base_record("O5", NgayTiepNhan="20260319090000", NgayHenTra="20260320160000"),
    ]
    return recs


@pytest.fixture
def loaded(catalogue, frameworks):  # type: ignore[no-untyped-def]
    run(timelines())
    return catalogue


def _dvc(projections: list[queries.Projection], code: str) -> queries.Projection:
    return next(p for p in projections if p.framework_code == "dvc766" and p.commune.code == code)


def test_the_on_time_rate_is_projected_exactly(loaded):  # type: ignore[no-untyped-def]
    p = _dvc(queries.warnings_for_province(loaded.province, AS_OF), "23872")
    # 10 dossiers. Best: 4 finished on time + O2, O3, O4 on time = 7 (O1, O5 overdue, F5 late).
    # Worst: O2, O3 fall due before 31 March → late; O4 stays within: 4 + 1 = 5.
    assert p.rates["2.1"][BEST] == Decimal("70.00")
    assert p.rates["2.1"][WORST] == Decimal("50.00")
    expected_rate, expected_total = p.rates["2.1"][EXPECTED], p.totals[EXPECTED]
    assert expected_rate is not None and Decimal(50) <= expected_rate <= Decimal(70)
    worst, best = p.totals[WORST], p.totals[BEST]
    assert worst is not None and best is not None and expected_total is not None
    assert worst <= expected_total <= best
    assert p.open_count == 5
    assert p.period.code == "2026-03"


def test_due_lists_at_the_start_of_the_as_of_day(loaded):  # type: ignore[no-untyped-def]
    p = _dvc(queries.warnings_for_province(loaded.province, AS_OF), "23872")
    assert [d.ma_ho_so for d in p.overdue] == ["O1"]
    assert [(d.ma_ho_so, d.within_days) for d in p.due_soon] == [("O5", 1), ("O2", 2), ("O3", 5)]
    # O5 is due at 16:00 on the as-of day: 7 working hours from its start (08:00–12:00, 13:00–16:00)
    assert p.due_soon[0].working_hours_left == Decimal("7.00")


def test_the_lists_read_at_an_instant(loaded):  # type: ignore[no-untyped-def]
    now = datetime(2026, 3, 20, 16, 30).astimezone()
    p = _dvc(queries.warnings_for_province(loaded.province, AS_OF, now=now), "23872")
    assert [d.ma_ho_so for d in p.overdue] == ["O1", "O5"]


def test_a_past_as_of_day_ignores_what_happened_after_it(loaded):  # type: ignore[no-untyped-def]
    p = _dvc(queries.warnings_for_province(loaded.province, date(2026, 3, 4)), "23872")
    # On 4 March only F1..F5 were received, all open; none overdue yet (due 6 March).
    assert p.open_count == 5 and p.overdue == []
    assert p.rates["2.1"][BEST] == Decimal("100.00")
    assert p.rates["2.1"][WORST] == Decimal("0.00")


def test_a_province_is_read_in_a_fixed_number_of_queries(loaded, django_assert_num_queries):  # type: ignore[no-untyped-def]
    queries.warnings_for_province(loaded.province, AS_OF)  # warm the parsed frameworks
    # 27th: the open dossiers are counted by overdue day apart from those read one by one
    with django_assert_num_queries(27):  # 26th: the procedures connected to population data (6.6)
        queries.warnings_for_province(loaded.province, AS_OF)


def test_the_province_list_as_its_page_reads_it_in_a_fixed_number_of_queries(  # type: ignore[no-untyped-def]
    loaded, django_assert_num_queries
):
    def page() -> list[queries.Projection]:
        return queries.warnings_for_province(
            loaded.province, AS_OF, framework="dvc766", scenarios=(BEST, WORST)
        )

    page()  # warm the parsed frameworks
    with django_assert_num_queries(PROVINCE_LIST_QUERIES):
        page()
    # another commune's dossiers, open and due at many instants: not one query more
    run(
        [
            base_record(
                f"X{i}", DonViXuLy="23869", NgayTiepNhan="20260316090000", NgayHenTra=f"202603{i:02d}1000"
            )
            for i in range(17, 31)
        ]
    )
    with django_assert_num_queries(PROVINCE_LIST_QUERIES):
        found = page()
    assert sum(p.open_count for p in found) == 5 + 14


def test_open_dossiers_are_counted_by_the_overdue_day_the_rule_gives(loaded):  # type: ignore[no-untyped-def]
    cid = loaded.commune.pk
    for as_of in (AS_OF, date(2026, 3, 4)):  # on 4 March, F1..F5 are open and ended later
        opened = queries.open_dossiers([cid], as_of)  # no due_by: every open dossier read one by one
        counted: Counter[date | None] = Counter()
        for day, n in opened.days[cid]:
            counted[day] += n
        assert counted == Counter(d.overdue_day for d in opened.dossiers[cid])


def test_one_commune_is_projected_as_in_its_province_list(loaded):  # type: ignore[no-untyped-def]
    alone = _dvc(queries.project_commune(loaded.commune, AS_OF), "23872")
    listed = _dvc(queries.warnings_for_province(loaded.province, AS_OF), "23872")
    assert (alone.totals, alone.rates, alone.on_time_share) == (
        listed.totals,
        listed.rates,
        listed.on_time_share,
    )


def test_the_command_writes_the_documented_json(loaded, tmp_path):  # type: ignore[no-untyped-def]
    import json

    from django.core.management import call_command

    out = tmp_path / "ew.json"
    call_command(
        "early_warning", province="52", as_of=AS_OF, framework="dvc766", format="json", output=str(out)
    )
    rows = json.loads(out.read_text("utf-8"))
    row = next(r for r in rows if r["unit_code"] == "23872")
    assert set(row) == {
        "unit_code",
        "framework",
        "period",
        "projected",
        "projected_total",
        "projected_classification",
        "due_soon",
        "overdue",
        "reported_due",
    }
    assert row["projected"]["2.1"]["best"] == 70 and row["projected"]["2.1"]["worst"] == 50
    assert row["overdue"] == [{"ma_ho_so": "O1", "due_at": "2026-03-18T17:00:00+07:00"}]
    assert row["due_soon"][0] == {
        "ma_ho_so": "O5",
        "due_at": "2026-03-20T16:00:00+07:00",
        "working_hours_left": 7,
    }
    csv_out = tmp_path / "ew.csv"
    call_command("early_warning", province="52", as_of=AS_OF, format="csv", output=str(csv_out))
    assert "23872,dvc766,2026-03,2.1,70,50," in csv_out.read_text("utf-8-sig")
