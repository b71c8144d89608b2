"""What-if without writing YAML: download the file in force, edit weights, targets and class
bands on the page, preview class counts before/after and the biggest movers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.tests.conftest import FedInputs, progress
from kpixa.scoring.whatif import PreviewRow, WhatIf
from kpixa.scoring.whatif_edit import EditError, apply_edits, editable_fields, parse_number

FILE = """# a comment that must survive
code: demo
version: "1"
groups:
  - code: "1"
    name: {vi: "Tiến độ", en: "Progress"}
    max: 60   # the group's maximum
    indicators:
      - code: "1.1"
        name: {vi: "Đúng hạn", en: "On time"}
        max_points: 60
        target: 90
classification:
  - {code: tot, min: 80, label: {vi: Tốt, en: Good}}
  - {code: chua_dat, min: 0, label: {vi: Chưa đạt, en: Below}}
"""


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    """The messages compared below are the Vietnamese ones, whatever an earlier test activated."""
    with translation.override("vi"):
        yield


@pytest.fixture
def admin_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["province_admin"])
    return client


def test_it_lists_the_editable_values_in_the_file_order() -> None:
    keys = [(f.key, f.value) for f in editable_fields(FILE)]
    assert keys == [
        ("version", "1"),
        ("group:1:max", "60"),
        ("indicator:1.1:max_points", "60"),
        ("indicator:1.1:target", "90"),
        ("class:tot:min", "80"),
        ("class:chua_dat:min", "0"),
    ]


def test_it_writes_only_the_changed_values_and_keeps_comments_and_layout() -> None:
    edited, changes = apply_edits(
        FILE, {"version": "2", "indicator:1.1:target": "92,5", "class:tot:min": "80"}
    )
    assert edited == FILE.replace('version: "1"', 'version: "2"').replace("target: 90", "target: 92.5")
    assert changes == ["Số phiên bản: 1 → 2", "1.1 Đúng hạn: Chỉ tiêu (%) 90 → 92,5"]


@pytest.mark.parametrize(
    ("raw", "value"), [("12,5", "12.5"), ("1.234,5", "1234.5"), ("12.5", "12.5"), (" 7 ", "7")]
)
def test_it_reads_vietnamese_and_dotted_decimals(raw: str, value: str) -> None:
    assert parse_number(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["mười", "1,2,3", "NaN", "Infinity"])
def test_it_refuses_what_is_not_a_number(raw: str) -> None:
    with pytest.raises(EditError, match="không phải là số"):
        apply_edits(FILE, {"indicator:1.1:target": raw})


def _row(code: str, before: tuple[str, int, str], after: tuple[str, int, str]) -> PreviewRow:
    return PreviewRow(
        code, code, Decimal(before[0]), before[2], before[1], Decimal(after[0]), after[2], after[1]
    )


def test_it_counts_classes_before_and_after_and_ranks_the_biggest_movers() -> None:
    rows = [
        _row("a", ("90", 1, "Tốt"), ("70", 3, "Chưa đạt")),
        _row("b", ("85", 2, "Tốt"), ("88", 1, "Tốt")),
        _row("c", ("60", 3, "Chưa đạt"), ("80", 2, "Tốt")),
        _row("d", ("50", 4, "Chưa đạt"), ("50", 4, "Chưa đạt")),
    ]
    result = WhatIf(None, None, [], rows, ("Tốt", "Chưa đạt"))  # type: ignore[arg-type]
    assert [(c.label, c.before, c.after, c.change) for c in result.class_counts()] == [
        ("Tốt", 2, 2, 0),
        ("Chưa đạt", 2, 2, 0),
    ]
    assert [r.code for r in result.biggest_movers()] == ["a", "c", "b"]  # d did not move
    assert result.biggest_movers()[0].rank_change == -2


def test_it_downloads_the_file_in_force_for_province_admins_only(
    world: Any, frameworks: Any, admin_client: Client
) -> None:
    url = reverse("scoring:whatif_download") + "?framework=dvc766"
    response = admin_client.get(url)
    in_force = FrameworkVersion.objects.in_force("dvc766", date.today()).get()
    assert response.status_code == 200 and response.content.decode("utf-8") == in_force.source_text
    assert response["Content-Disposition"] == f'attachment; filename="dvc766-{in_force.version}.yaml"'
    leader = Client()
    leader.force_login(world.users["commune_leader"])
    assert leader.get(url).status_code == 403
    unknown = admin_client.get(reverse("scoring:whatif_download") + "?framework=khong-co", follow=True)
    assert unknown.redirect_chain[-1][0] == reverse("scoring:whatif")
    assert "Không có phiên bản đang áp dụng" in unknown.content.decode()


def test_the_what_if_page_links_the_download_and_the_editor(
    world: Any, frameworks: Any, admin_client: Client
) -> None:
    page = admin_client.get(reverse("scoring:whatif")).content.decode()
    assert reverse("scoring:whatif_download") + "?framework=dvc766" in page
    assert reverse("scoring:whatif_edit") + "?framework=dvc766" in page


def test_it_previews_values_typed_on_the_page_with_class_counts_and_movers(
    world: Any, frameworks: Any, admin_client: Client
) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60), world.sibling.pk: progress(100, 95)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    stored = UnitScore.objects.count()
    url = reverse("scoring:whatif_edit") + "?framework=dvc766"
    form = admin_client.get(url)
    assert form.status_code == 200
    values = {item["field"].key: item["value"] for _s, items in form.context["sections"] for item in items}
    in_force = form.context["version_in_force"]
    assert values["version"] == in_force.version and "class:tot:min" in values
    response = admin_client.post(
        url, {"framework": "dvc766", "version": "thu-1", "class:tot:min": "75,5", "period": "2025-07"}
    )
    assert response.status_code == 200
    assert "result" in response.context, (response.context.get("errors"), response.context.get("edit_error"))
    assert any("Tổng điểm tối thiểu 80 → 75,5" in line for line in response.context["changes"])
    result = response.context["result"]
    counts = {c.label: (c.before, c.after) for c in result.class_counts()}
    assert sum(before for before, _after in counts.values()) == len(result.rows) == 3
    draft = FrameworkVersion.objects.get(code="dvc766", version="thu-1")
    assert draft.status == "draft" and "min: 75.5" in draft.source_text
    assert draft.source_text.splitlines()[0] == in_force.source_text.splitlines()[0]  # comments kept
    assert UnitScore.objects.count() == stored  # nothing scored or stored for real
    page = response.content.decode()
    assert "Số xã/phường mỗi loại" in page and "Xác nhận áp dụng" in page


def test_it_asks_for_a_new_version_and_says_when_nothing_changed(
    world: Any, frameworks: Any, admin_client: Client
) -> None:
    url = reverse("scoring:whatif_edit")
    same = admin_client.post(url, {"framework": "dvc766", "version": "thu-2"})
    assert "Chưa có giá trị nào thay đổi" in same.content.decode()
    no_version = admin_client.post(url, {"framework": "dvc766", "class:tot:min": "75"})
    assert "Hãy đặt số phiên bản mới" in no_version.content.decode()
    not_a_number = admin_client.post(url, {"framework": "dvc766", "version": "thu-3", "class:tot:min": "abc"})
    assert "không phải là số" in not_a_number.content.decode()
    assert not FrameworkVersion.objects.filter(version__startswith="thu-").exists()
