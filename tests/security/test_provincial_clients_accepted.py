"""Payloads exactly as the provincial one-stop systems send them are accepted, with flags where
the sender's platform, not the dossier, speaks: the C# sync client (SyncLocalDataToDVCQG: .NET
DateTime with 0001-01-01T00:00:00 for "unset", integers and booleans, nulls inside list
items, DinhDanhCHS and DSKetNoiCSDL as lists, DuocLayTuKhoDMQG "1" on every attachment) and
the Java/Liferay systems (strings everywhere, dd/MM/yyyy HH:mm:ss dates, the sync payload
wrapped with declared totals). Their fixtures are in kpixa/dossiers/tests/fixtures/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kpixa.dossiers.models import Dossier, Flag
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import importing
from tests.security.malformed_support import add_catalogue, post

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "kpixa" / "dossiers" / "tests" / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def key(world, api_keys) -> str:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    return api_keys["token_52"]


def test_the_csharp_clients_dossier_is_accepted_with_its_default_date_taken_as_absent(client, key) -> None:  # type: ignore[no-untyped-def]
    response = post(client, fixture("client_csharp.json"), key)
    assert response.status_code == 200, response.content[:300]
    (result,) = response.json()["results"]
    assert result["status"] == "created", result
    assert any("NgayHenTraTruoc" in note and "0001-01-01T00:00:00" in note for note in result["notes"])
    dossier = Dossier.objects.get(ma_ho_so="000.00.21.H52-260303-0101")
    (supplement,) = dossier.supplements
    assert supplement["due_before"] is None and supplement["requested_at"].startswith("2026-03-05T10:00")
    # The due date is NgayHenTra (not moved), extended by the day the citizen took to supplement.
    assert dossier.due_source == "NgayHenTra" and dossier.wait_seconds == 86_400 and dossier.on_time
    codes = set(Flag.objects.filter(dossier=dossier).values_list("code", flat=True))
    assert {"ngay_mac_dinh", "kho_dmqg_mac_dinh"} <= codes


def test_the_csharp_clients_dmqg_default_is_not_counted_as_reuse(client, key) -> None:  # type: ignore[no-untyped-def]
    payload = fixture("client_csharp.json")
    payload[0]["HoSoCoThanhPhanSoHoa"] = "0"  # only the attachments' default says "reused"
    (result,) = post(client, payload, key).json()["results"]
    assert result["status"] == "created"
    assert any("DuocLayTuKhoDMQG = 1" in note for note in result["notes"])
    dossier = Dossier.objects.get()
    assert dossier.reused is False and dossier.digitised is True and dossier.fee_bearing is True


def test_one_attachment_really_taken_from_the_national_repository_still_counts(client, key) -> None:  # type: ignore[no-untyped-def]
    payload = fixture("client_csharp.json")
    payload[0]["HoSoCoThanhPhanSoHoa"] = "0"
    payload[0]["TaiLieuNop"][1]["DuocLayTuKhoDMQG"] = "0"
    (result,) = post(client, payload, key).json()["results"]
    assert result["status"] == "created" and not any("DMQG" in n for n in result["notes"])
    assert Dossier.objects.get().reused is True


def test_every_supplement_of_the_csharp_client_is_kept(client, key) -> None:  # type: ignore[no-untyped-def]
    payload = fixture("client_csharp.json")
    records = []
    for n in range(5):
        record = copy.deepcopy(payload[0])
        record["MaHoSo"] = f"CS-{n}"
        if n % 2:
            record["DanhSachHoSoBoSung"][0]["NgayHenTraTruoc"] = "2026-03-17T09:00:00"
            record["DanhSachHoSoBoSung"][0]["NgayHenTraMoi"] = "2026-03-18T09:00:00"
        records.append(record)
    body = post(client, records, key).json()
    assert body["counts"]["created"] == 5 and body["counts"]["rejected"] == 0


def test_a_required_date_left_at_the_default_is_missing(client, key) -> None:  # type: ignore[no-untyped-def]
    payload = fixture("client_csharp.json")
    payload[0]["DanhSachHoSoBoSung"][0]["NgayBoSung"] = "0001-01-01T00:00:00"
    (result,) = post(client, payload, key).json()["results"]
    assert result["status"] == "rejected" and "Thiếu trường bắt buộc NgayBoSung" in result["reasons"][0]


def test_the_liferay_systems_wrapped_payload_is_accepted_as_it_is(client, key) -> None:  # type: ignore[no-untyped-def]
    response = post(client, fixture("client_liferay.json"), key)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["created"] and body["results"][0]["notes"] == []
    assert body["counts"]["flagged"] == 0  # its declared totals add up
    dossier = Dossier.objects.get()
    assert dossier.status == 10 and dossier.on_time and dossier.end_source == "NgayKetThucXuLy"
    assert [s["status"] for s in dossier.steps] == [2, 9, 10]
    assert dossier.owner_id_masked.endswith("0321") and dossier.procedure_code == "2.000908"


def test_both_clients_are_accepted_from_files_too(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    for name in ("client_csharp.json", "client_liferay.json"):
        batch = importing.new_batch("dossier", name.removesuffix(".json"))
        importing.run_batch(batch, source_from_document(fixture(name)))
        batch.refresh_from_db()
        assert (batch.created, batch.rejected) == (1, 0), name
