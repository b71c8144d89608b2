"""The compute_scores and export_scores commands: output shapes (JSON keys exact), CSV, XLSX."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from kpixa.scoring.models import ScoreRun
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.tests.conftest import FedInputs, progress

VIETNAMESE = re.compile("[ạảãàáâậầấẩẫăắằặẳẵđẹẻẽèéêệềếểễịỉĩìíọỏõòóôộồốổỗơợờớởỡụủũùúưựừứửữỵỷỹỳý]", re.I)
UNIT_KEYS = {"unit_code", "unit_name", "total", "classification", "indicators"}
INDICATOR_KEYS = {"code", "numerator", "denominator", "rate", "points", "max_points"}


@pytest.fixture
def scored(world: Any, frameworks: Any) -> Any:
    fed = FedInputs({world.commune.pk: progress(1270, 854)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    return world


def test_it_computes_scores_from_the_command_line(world: Any, frameworks: Any) -> None:
    out = io.StringIO()
    call_command(
        "compute_scores", "--framework", "dvc766", "--period", "2025-07", "--province", "52", stdout=out
    )
    assert "3 communes" in out.getvalue()
    assert ScoreRun.objects.get().status == "done"


def test_it_reports_an_unknown_period_as_a_command_error(world: Any, frameworks: Any) -> None:
    with pytest.raises(CommandError):
        call_command("compute_scores", "--framework", "dvc766", "--period", "2025-13")


def test_it_exports_json_with_exactly_the_documented_keys(scored: Any) -> None:
    out = io.StringIO()
    call_command(
        "export_scores", "--framework", "dvc766", "--period", "2025-07", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert [u["unit_code"] for u in data][:1] and {u["unit_code"] for u in data} == {
        "23872",
        "23869",
        "21553",
    }
    assert all(set(u) == UNIT_KEYS for u in data)
    assert all(set(i) == INDICATOR_KEYS for u in data for i in u["indicators"])
    ia_dom = next(u for u in data if u["unit_code"] == "23872")
    progress_21 = next(i for i in ia_dom["indicators"] if i["code"] == "2.1")
    assert (progress_21["numerator"], progress_21["denominator"], progress_21["rate"]) == (854, 1270, 67.24)
    assert ia_dom["unit_name"] == "Xã Ia Dom"


def test_it_exports_csv_with_vietnamese_headers(scored: Any, tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    call_command(
        "export_scores",
        "--framework",
        "dvc766",
        "--period",
        "2025-07",
        "--format",
        "csv",
        "--output",
        str(target),
    )
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert rows[0][:4] == ["Mã đơn vị", "Tên đơn vị", "Tổng điểm", "Xếp loại"]
    assert any(r[0] == "23872" and r[4] == "2.1" and r[7] == "67.24" for r in rows[1:])


def test_it_exports_xlsx_with_a_summary_and_a_detail_sheet(scored: Any, tmp_path: Path) -> None:
    target = tmp_path / "scores.xlsx"
    call_command(
        "export_scores",
        "--framework",
        "dvc766",
        "--period",
        "2025-07",
        "--format",
        "xlsx",
        "--province",
        "52",
        "--output",
        str(target),
    )
    book = load_workbook(target)
    assert book.sheetnames == ["Tổng hợp", "Chi tiết chỉ số"]
    summary = list(book["Tổng hợp"].values)
    assert summary[0][0] == "Mã đơn vị" and len(summary) == 4


def _status_column(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))
    return rows[0], rows[1:]


def test_the_csv_and_xlsx_print_status_labels_not_codes(scored: Any) -> None:
    """The status column prints the pages' words (kpixa.scoring.labels.status_text), never the
    stored code; in English, the English label, and the class label too."""
    from django.utils import translation

    from kpixa.scoring import exports
    from kpixa.scoring.labels import status_labels
    from kpixa.scoring.queries import scoreboard

    codes = set(status_labels())
    with translation.override("vi"):
        head, body = _status_column(exports.to_csv(scoreboard("dvc766", "2025-07", "52")))
    at = head.index("Tình trạng")
    shown = {r[at] for r in body}
    assert not shown & codes
    assert {"Chưa đạt", "Không có dữ liệu — tính đủ điểm"} <= shown, shown
    with translation.override("en"):
        board = scoreboard("dvc766", "2025-07", "52")
        head, body = _status_column(exports.to_csv(board))
        book = load_workbook(io.BytesIO(exports.to_xlsx(board)))
    at = head.index("Status")
    assert {"Not met", "No data — counted with full marks"} <= {r[at] for r in body}
    assert not {r[at] for r in body} & codes
    detail = list(book.worksheets[1].values)
    xlsx_statuses = {row[detail[0].index("Status")] for row in detail[1:]}
    assert "No data — counted with full marks" in xlsx_statuses and not xlsx_statuses & codes
    classes = {row[3] for row in list(book.worksheets[0].values)[1:]}
    assert classes and not any(VIETNAMESE.search(str(c)) for c in classes), classes
