"""The periods page lists every month, quarter, half-year and year a province can take through the
lifecycle, not only the periods something already happened to."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kpixa.accounts.models import Role
from kpixa.evaluations.models import Period
from kpixa.evaluations.period_list import lifecycle_periods, related_periods
from kpixa.scoring.engine.periods import half, quarter
from kpixa.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_half_year_brings_its_months_quarters_and_year() -> None:
    codes = {p.code for p in related_periods([half(2025, 2)], date(2026, 3, 1))}
    assert codes == {
        *(f"2025-{m:02d}" for m in range(7, 13)),
        "2025-Q3",
        "2025-Q4",
        "2025-H2",
        "2025",
    }


def test_periods_not_begun_are_left_out() -> None:
    codes = {p.code for p in related_periods([quarter(2025, 4)], date(2025, 11, 15))}
    assert codes == {"2025-10", "2025-11", "2025-Q4", "2025-H2", "2025"}


def test_the_page_lists_q4_and_its_months_beside_a_stored_half_year(world: Any) -> None:
    Period.objects.create(
        province=world.province, code="2025-H2", kind="half", start="2025-07-01", end="2025-12-31"
    )
    rows = lifecycle_periods(world.province, date(2026, 2, 1))
    codes = [r.code for r in rows]
    for code in ("2025-Q4", "2025-10", "2025-11", "2025-12", "2025"):
        assert code in codes
    assert codes.index("2025") < codes.index("2025-H2") < codes.index("2025-Q4") < codes.index("2025-12")
    page = client_for(world, Role.PROVINCE_ADMIN).get("/ky-danh-gia/tinh/52/").content.decode()
    assert "/ky-danh-gia/tinh/52/2025-12/" in page and "/ky-danh-gia/tinh/52/2025-Q4/du-lieu/" in page


@pytest.mark.parametrize("code", ["2025-12", "2025-Q4", "2025-H2", "2025"])
def test_every_period_kind_goes_through_the_lifecycle(world: Any, code: str) -> None:
    admin = client_for(world, Role.PROVINCE_ADMIN)
    for step, state in (("khoa", "closed"), ("cong-bo", "published")):
        admin.post(f"/ky-danh-gia/tinh/52/{code}/{step}/")
        assert Period.objects.get(province=world.province, code=code).state == state
