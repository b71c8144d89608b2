"""The API's body limit is what docs/api.md says it is (it said 2.5 MB while the setting was
50 MB): one number, from the setting, large enough for a full batch of real client records,
and a larger body is answered 413 in JSON before it is read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from kpixa.dossiers.api import MAX_RECORDS
from tests.security.malformed_support import add_catalogue, post

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_limit_is_the_setting() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "2.5 MB" not in text
    mib = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    assert re.search(rf"\b{mib} MiB\b", text) and "KPIXA_MAX_REQUEST_BYTES" in text


def test_a_full_batch_of_real_client_records_fits_the_limit() -> None:
    fixture = ROOT / "kpixa" / "dossiers" / "tests" / "fixtures" / "client_csharp.json"
    record = json.dumps(json.loads(fixture.read_text(encoding="utf-8"))[0], ensure_ascii=False)
    assert MAX_RECORDS * len(record.encode()) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_larger_body_is_refused_with_a_json_413(client, world, api_keys, settings) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, [{"MaHoSo": "X" * 20_000}], api_keys["token_52"])
    assert response.status_code == 413 and "10000 byte" in response.json()["detail"]
