"""An evaluation input's evidence is an uploaded file checked like every evidence file
(kpixa/reporting/evidence.py): type by content, macro-enabled Office refused, stored under a
random name, downloaded by the province admin under a generated name; recorded in the audit."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kpixa.accounts.models import AuditEntry, Role
from kpixa.evaluations.models import EvaluationInput

PAGE = "/ky-danh-gia/tinh/52/2026/du-lieu/"

pytestmark = pytest.mark.usefixtures("vietnamese", "private_media")


def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.users[Role.PROVINCE_ADMIN])
    return client


def macro_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("xl/vbaProject.bin", b"\x00")
    return out.getvalue()


def post(client: Client, world, upload: SimpleUploadedFile):
    data = {
        "commune": world.commune.pk,
        "post": "",
        "kind": "tasks_assigned",
        "value": "12",
        "evidence": "QĐ 5/QĐ-UBND",
        "evidence_file": upload,
    }
    return client.post(PAGE, data, follow=True)


def test_it_stores_the_file_under_a_generated_name_and_serves_it_as_a_download(world, year, settings):
    client = admin_client(world)
    page = post(client, world, SimpleUploadedFile("../../quyết định giao.pdf", b"%PDF-1.7 x", "text/html"))
    item = EvaluationInput.objects.get(kind="tasks_assigned")
    assert item.evidence_file_name == "quyết định giao.pdf" and item.evidence_file_type == "application/pdf"
    assert "quyết" not in item.evidence_file_stored and item.evidence_file_stored.endswith(".pdf")
    assert (
        Path(settings.PRIVATE_MEDIA_ROOT) / "evidence" / item.evidence_file_stored
    ).read_bytes() == b"%PDF-1.7 x"
    url = f"{PAGE}{item.pk}/minh-chung/"
    assert url in page.content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert (
        f'attachment; filename="minh-chung-{item.pk}-quyet-dinh-giao.pdf"' == response["Content-Disposition"]
    )
    assert response.getvalue() == b"%PDF-1.7 x"
    entry = AuditEntry.objects.filter(action="evaluations.set_input").get()
    assert entry.after is not None and entry.after["evidence_file"] == "quyết định giao.pdf"
    assert len(entry.after["evidence_file_sha256"]) == 64


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("bang-tinh.xlsm", b"PK\x03\x04", "application/vnd.ms-excel"),
        SimpleUploadedFile("bao-cao.pdf", macro_workbook(), "application/pdf"),
    ],
    ids=["by-name", "by-content"],
)
def test_it_refuses_a_macro_enabled_office_file_and_stores_nothing(world, year, settings, upload):
    page = post(admin_client(world), world, upload).content.decode()
    assert "có macro" in page
    assert not EvaluationInput.objects.exists()
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT)).rglob("*.*"))


def test_it_refuses_a_file_that_is_not_an_allowed_type(world, year):
    page = post(admin_client(world), world, SimpleUploadedFile("a.pdf", b"<html>", "application/pdf"))
    assert "không phải PDF" in page.content.decode()
    assert not EvaluationInput.objects.exists()


def test_only_the_provinces_admin_downloads_it(world, year):
    post(admin_client(world), world, SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf"))
    item = EvaluationInput.objects.get()
    leader = Client()
    leader.force_login(world.users[Role.COMMUNE_LEADER])
    assert leader.get(f"{PAGE}{item.pk}/minh-chung/").status_code == 403
    assert admin_client(world).get(f"{PAGE}{item.pk + 99}/minh-chung/").status_code == 404
