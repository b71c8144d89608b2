"""JSON nested deeper than a record needs (1,000, 5,000 or 100,000 levels) costs that record a
rejection with a Vietnamese reason; the call answers 200 and the other records are imported,
in the API, in JSON and JSON Lines files, in a CSV list column and on the quarantine's edit
page. The limit (parsing.MAX_DEPTH) is documented in docs/dossier-format.md and docs/api.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpixa.dossiers.models import Dossier, Rejection
from kpixa.dossiers.parsing import MAX_DEPTH, loads, read_json
from kpixa.dossiers.services import importing
from tests.security.malformed_support import add_catalogue, base_record, post, post_beside_good, write_csv

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_record(key: str, depth: int) -> str:
    return json.dumps(base_record(key))[:-1] + f', "ThongTinKhac": {nested(depth)}' + "}"


@pytest.fixture
def key(world, api_keys) -> str:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    return api_keys["token_52"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 5000, 100_000])
def test_it_rejects_a_deep_record_and_imports_the_rest(client, key, depth) -> None:  # type: ignore[no-untyped-def]
    results = post_beside_good(client, key, deep_record("DEEP", depth))
    assert results[1]["status"] == "rejected" and results[1]["key"] == "DEEP"
    assert "lồng nhau quá" in results[1]["reasons"][0]
    assert Dossier.objects.filter(ma_ho_so="GOOD-1").exists()
    assert Rejection.objects.get().record_key == "DEEP"


def test_it_accepts_a_record_exactly_at_the_limit(client, key) -> None:  # type: ignore[no-untyped-def]
    # The record is level 0; a field's value opens level 1, so MAX_DEPTH - 1 brackets fit.
    results = post_beside_good(client, key, deep_record("AT-LIMIT", MAX_DEPTH - 1))
    assert results[1]["status"] == "created"


def test_a_wrapped_batch_nested_too_deep_for_the_decoder_still_answers_per_record(client, key) -> None:  # type: ignore[no-untyped-def]
    body = '{"danhSach": [' + json.dumps(base_record("W-1")) + "," + deep_record("W-2", 100_000) + "]}"
    response = post(client, body, key)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["created", "rejected"]


def test_files_reject_only_their_deep_records(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(world)
    lines = [json.dumps(base_record("J-1")), deep_record("J-2", 5000), deep_record("J-3", 100_000)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "a.json").write_text("[" + ",".join(lines) + "]", encoding="utf-8")
    steps = nested(5000)
    write_csv(tmp_path / "a.csv", [base_record("J-1"), base_record("J-2", tienTrinhDongBo=steps)])
    for name, rejected in (("a.jsonl", 2), ("a.json", 2), ("a.csv", 1)):
        batch = importing.import_file(tmp_path / name, source_system=name.replace(".", "-"))
        assert batch.status == "done" and (batch.created, batch.rejected) == (1, rejected), name


def test_the_quarantine_edit_page_refuses_a_deep_record_with_a_reason(client, world) -> None:  # type: ignore[no-untyped-def]
    from tests.security.test_malformed_values_rejected import _rejection_of, officer_source

    add_catalogue(world)
    officer = world.users["commune_officer"]
    client.force_login(officer)
    rejection = _rejection_of(
        world, officer, base_record("Q-D", DonViXuLy="khong-co"), officer_source(client)
    )
    for depth in (1000, 100_000):
        response = client.post(f"/dossiers/quarantine/{rejection.pk}/", {"raw": deep_record("Q-D", depth)})
        assert response.status_code == 200 and "lồng nhau quá" in response.content.decode()


def test_the_reader_keeps_nan_and_huge_numbers_as_text() -> None:
    assert loads('{"a": NaN, "b": -Infinity, "c": 1e400, "d": ' + "9" * 5000 + "}") == {
        "a": "NaN",
        "b": "-Infinity",
        "c": "1e400",
        "d": "9" * 5000,
    }
    assert read_json("[" + deep_record("X", 100_000) + "]").total == 1


def test_the_depth_limit_is_documented() -> None:
    for name in ("dossier-format.md", "api.md"):
        text = (DOCS / name).read_text(encoding="utf-8")
        assert f"{MAX_DEPTH} levels" in text, name
