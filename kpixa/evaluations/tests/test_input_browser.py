"""The province's evaluators in real headless Chromium: a file of inputs imported with its evidence
ZIP after the confirmation, each refused row shown by its spreadsheet row, column and reason; and
an input of a closed period revised through a pending appeal, from the appeal page, with its
history shown on the inputs page. Screenshots at desktop and 390 px phone width."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from conftest import PASSWORD
from kpixa.evaluations.models import EvaluationInput
from kpixa.evaluations.tests.conftest import INPUT_HEADER_WITH_FILES, published_q3, test_kpi  # noqa: F401
from kpixa.evaluations.tests.test_input_revision import appealed  # noqa: F401
from kpixa.web.tests.conftest import DESKTOP, PHONE, login, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_media"),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROWS = (
    "23872,,,tasks_assigned,10,,,QĐ 1/QĐ-UBND,ke-hoach/QD1.pdf\n"
    "23872,,,tasks_completed,9,,,,khong-co.pdf\n"
    "99999,,,tasks_on_time,8,,,,\n"
    '23872,chu_tich,CB001,general_points,"27,5",,,QĐ 3,\n'
)


def fits_the_phone(page: Any) -> bool:
    """The page body is no wider than the 390 px viewport (tables scroll inside their wrapper)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def both_sizes(page: Any, name: str) -> None:
    screenshot(page, f"{name}-desktop")
    screenshot(page, f"{name}-phone", PHONE)
    assert fits_the_phone(page), f"{name} is wider than the phone"
    page.set_viewport_size(DESKTOP)


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_the_province_admin_imports_a_file_with_its_evidence_zip(
    live_server: Any, page: Any, world: Any, year: Any, chairman: Any
) -> None:
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(f"{live_server.url}/ky-danh-gia/tinh/52/2026/du-lieu/")
    sheet = {
        "name": "du-lieu.csv",
        "mimeType": "text/csv",
        "buffer": (INPUT_HEADER_WITH_FILES + ROWS).encode(),
    }
    page.get_by_label("Tệp dữ liệu (CSV hoặc XLSX)").set_input_files(sheet)
    archive = {
        "name": "minh-chung.zip",
        "mimeType": "application/zip",
        "buffer": zipped({"ke-hoach/QD1.pdf": PDF}),
    }
    page.get_by_label("Tệp ZIP minh chứng (không bắt buộc)").set_input_files(archive)
    form = page.locator("form.import-inputs")
    form.locator("summary", has_text="Nhập tệp").click()  # the first click opens the effect
    assert "các dòng sai không được lưu" in form.inner_text()
    assert not EvaluationInput.objects.exists()
    form.scroll_into_view_if_needed()
    both_sizes(page, "inputs-import-confirm")
    with page.expect_navigation():
        form.get_by_role("button", name="Xác nhận nhập tệp").click()
    main = page.locator("main").inner_text()
    assert "Đã nhập tệp: 2 dòng bị từ chối" in main
    assert "Thêm mới 2, cập nhật 0, giữ nguyên 0, bị từ chối 2 dòng." in main
    rows = page.locator("table.import-errors tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t")[:2] == ["3", "evidence_file"]
    assert "khong-co.pdf" in rows.nth(0).inner_text()
    assert rows.nth(1).inner_text().split("\t")[:2] == ["4", "unit_code"]
    assert page.get_by_role("link", name="QD1.pdf").count() == 1
    both_sizes(page, "inputs-import-result")
    assert EvaluationInput.objects.get(kind="general_points").value == "27.50"


def test_the_province_admin_revises_an_input_through_the_appeal(
    live_server: Any,
    page: Any,
    world: Any,
    appealed: Any,  # noqa: F811
) -> None:
    appeal, (tasks, _reprimand, _sibling) = appealed
    login(page, live_server.url, "province_admin", PASSWORD)
    page.goto(f"{live_server.url}/ky-danh-gia/khieu-nai/{appeal.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Xem và sửa dữ liệu đánh giá qua khiếu nại này").click()
    assert page.locator("table.appeal-inputs tbody tr").count() == 2  # Ia Dom's two inputs
    both_sizes(page, "appeal-inputs")
    with page.expect_navigation():
        page.get_by_role("link", name="Sửa: Số nhiệm vụ được giao").click()
    assert page.locator("strong.old-value").inner_text() == "10"
    page.get_by_label("Giá trị mới").fill("12")
    page.get_by_label("Căn cứ (số, ngày văn bản, quyết định)").fill("QĐ 15/QĐ-UBND")
    page.get_by_label("Lý do sửa (ghi vào lịch sử của dữ liệu)").fill("Thiếu hai nhiệm vụ tháng 9")
    form = page.locator("form.revise-input")
    form.locator("summary", has_text="Sửa dữ liệu").click()
    assert "Kết quả đã công bố chưa đổi" in form.inner_text()
    both_sizes(page, "input-revision")
    with page.expect_navigation():
        form.get_by_role("button", name="Xác nhận sửa").click()
    assert "Đã sửa dữ liệu qua khiếu nại" in page.locator("main").inner_text()
    tasks.refresh_from_db()
    assert tasks.value == "12"
    page.goto(f"{live_server.url}/ky-danh-gia/tinh/52/2025-Q3/du-lieu/")
    history = page.locator("details.history").first
    history.locator("summary").click()
    text = history.inner_text()
    assert "Giá trị cũ: 10 → 12" in text and "Thiếu hai nhiệm vụ tháng 9" in text
    assert f"sửa qua khiếu nại #{appeal.pk}" in text
    both_sizes(page, "inputs-history")
