"""Resource limits of an import: rows per file, the expansion of an XLSX file (a zip bomb),
rejections per batch (beyond each the batch stops with one Vietnamese reason and nothing
written), and the rejection report streamed instead of built in memory."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.http import StreamingHttpResponse

from kpixa.dossiers import limits
from kpixa.dossiers.models import Dossier, ImportBatch, JobStatus, Rejection
from kpixa.dossiers.services import importing, uploads
from tests.security.ingest_support import add_catalogue, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world):  # type: ignore[no-untyped-def]
    add_catalogue(world)
    return world


def _bomb(path: Path, rows: int = 300_000) -> Path:
    """A real workbook whose sheet holds ``rows`` identical dossier rows (row and cell
    references are optional in a sheet): about 100 KB on disk, about 100 MB unpacked."""
    book = openpyxl.Workbook()
    sheet: Any = book.active
    sheet.append(list(record(0)))
    book.save(path)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in record(0))
    row = (
        "<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in record(1).values()) + "</row>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                + f'spreadsheetml/2006/main"><sheetData><row>{header}</row>'.encode()
            )
            block = (row * 1000).encode()
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_it_refuses_an_xlsx_zip_bomb_before_reading_it(catalogue, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _bomb(tmp_path / "bom.xlsx")
    assert path.stat().st_size < 1_000_000  # small on disk, 300,000 rows inside
    with pytest.raises(limits.LimitExceeded):
        importing.import_file(path)
    batch = ImportBatch.objects.get()
    assert batch.status == JobStatus.FAILED
    assert "Tệp Excel bung ra" in batch.error and "tệp không được đọc" in batch.error
    assert Rejection.objects.count() == 0 and Dossier.objects.count() == 0


def test_it_fails_an_uploaded_zip_bomb_with_its_reason_on_the_job_page(catalogue, tmp_path, client) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    officer = catalogue.users["commune_officer"]
    content = _bomb(tmp_path / "bom.xlsx").read_bytes()
    batch = uploads.enqueue_upload(officer, catalogue.commune, "dossier", "bom.xlsx", content, "file")
    call_command("run_worker", "--once", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == JobStatus.FAILED and "vượt giới hạn an toàn" in batch.error
    client.force_login(officer)
    state = client.get(f"/dossiers/jobs/{batch.pk}/status.json").json()
    assert state["status"] == "failed" and "vượt giới hạn an toàn" in state["error"]


def test_it_reads_xlsx_xml_through_defusedxml() -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "defusedxml must be installed (requirements.txt): openpyxl then parses through it"


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    if path.suffix == ".csv":
        header = sorted({k for r in rows for k in r})
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    else:
        path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_it_stops_a_file_with_more_rows_than_the_limit(catalogue, tmp_path, settings, suffix) -> None:  # type: ignore[no-untyped-def]
    settings.KPIXA_IMPORT_MAX_ROWS = 50
    path = _write(tmp_path / f"many{suffix}", [record(n) for n in range(60)])
    with pytest.raises(limits.LimitExceeded):
        importing.import_file(path)
    batch = ImportBatch.objects.get()
    assert batch.status == JobStatus.FAILED and "hơn 50 bản ghi" in batch.error
    assert Dossier.objects.count() == 0
    ok = importing.import_file(_write(tmp_path / f"few{suffix}", [record(n) for n in range(50)]))
    assert ok.status == JobStatus.DONE and ok.created == 50


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_it_stops_a_batch_with_more_rejections_than_the_limit(catalogue, tmp_path, settings, suffix) -> None:  # type: ignore[no-untyped-def]
    settings.KPIXA_IMPORT_MAX_REJECTIONS = 20
    bad = [dict(record(n), DonViXuLy="99999") for n in range(30)]  # unknown unit: each rejected
    path = _write(tmp_path / f"bad{suffix}", [record(n) for n in range(100, 110)] + bad)
    with pytest.raises(limits.LimitExceeded):
        importing.import_file(path)
    batch = ImportBatch.objects.get()
    assert batch.status == JobStatus.FAILED
    assert batch.error.startswith("Lô bị dừng vì có hơn 20 bản ghi bị từ chối")
    assert Rejection.objects.count() == 0 and Dossier.objects.count() == 0  # one reason, nothing kept
    settings.KPIXA_IMPORT_MAX_REJECTIONS = 30
    done = importing.import_file(path)
    assert (done.status, done.created, done.rejected) == (JobStatus.DONE, 10, 30)


def test_it_streams_the_rejection_report(catalogue, tmp_path, client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    rows = [dict(record(n), DonViXuLy="99999", MaHoSo=f'=HYPERLINK("x")-{n}') for n in range(2500)]
    batch = importing.import_file(_write(tmp_path / "bad.jsonl", rows))
    assert batch.rejected == 2500
    ImportBatch.objects.filter(pk=batch.pk).update(province=catalogue.province)
    client.force_login(catalogue.users["province_admin"])
    response = client.get(f"/dossiers/jobs/{batch.pk}/rejections.csv")
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    with django_assert_max_num_queries(3):  # read in chunks as the response is sent
        body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[arg-type]
    assert body.startswith("\ufeffdong,ma_ban_ghi,truong,gia_tri,ly_do")
    lines = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(lines) == 2501
    assert lines[1][1].startswith("'=HYPERLINK")  # a formula-leading cell is neutralised
