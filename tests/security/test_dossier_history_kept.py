"""Every change to a stored dossier keeps the previous version (docs/security.md, "A dossier is
rewritten without a trace").

Before: a batch replacing a dossier left only counts in its audit entry; the previous version
was lost. Now each replaced row leaves a ``DossierVersion`` (who, when, which batch, the previous
values, the field-level diff), written set-based on every write path (the API, the per-record
file path, the column-wise CSV path's fallback for stored keys), and shown on the dossier's
timeline page and by ``explain_dossier``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpixa.dossiers.models import Dossier, DossierVersion, ImportBatch
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import fastpath, history, importing
from tests.security.authority_support import OFFICIAL, add_procedure, late_record, moved_due, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(client, world, api_keys):  # type: ignore[no-untyped-def]
    """A late official dossier, then its correction by the same token (due date moved)."""
    add_procedure()
    post(client, [late_record()], api_keys["token_52"])
    post(client, [moved_due()], api_keys["token_52"])
    return world


def test_it_keeps_the_replaced_version_with_who_when_which_batch_and_what(sent) -> None:  # type: ignore[no-untyped-def]
    first, second = ImportBatch.objects.filter(channel="api").order_by("id")
    dossier = Dossier.objects.get(ma_ho_so="HS-TRE-1")
    version = DossierVersion.objects.get(dossier=dossier)
    assert (version.batch_id, version.previous_batch_id, dossier.batch_id) == (second.pk, first.pk, second.pk)
    assert version.actor_label == second.file_name and version.changed_at is not None
    assert version.changes["due_at"] == ["2026-03-06T17:00:00+07:00", "2026-03-12T17:00:00+07:00"]
    assert version.changes["on_time"] == [False, True]
    before = history.as_before(dossier, history.versions_of(dossier))  # the previous version in full
    assert len(before) == 1 and before[0]["on_time"] is False and dossier.on_time is True
    assert before[0]["due_at"] == "2026-03-06T17:00:00+07:00"
    assert before[0]["commune_id"] == dossier.commune_id
    assert "commune_id" not in version.changes  # only what changed


def test_it_keeps_no_version_for_an_unchanged_resend(client, sent, api_keys) -> None:  # type: ignore[no-untyped-def]
    assert post(client, [moved_due()], api_keys["token_52"]).json()["results"][0]["status"] == "unchanged"
    assert DossierVersion.objects.count() == 1


def test_it_shows_the_history_on_the_timeline_page(client, sent) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sent.users["province_admin"])
    second = ImportBatch.objects.filter(channel="api").order_by("id").last()
    assert second is not None
    page = client.get(f"/dossiers/{OFFICIAL}/HS-TRE-1/").content.decode()
    assert "Lịch sử thay đổi" in page and f"Lô #{second.pk}" in page
    assert "06/03/2026 17:00" in page and "12/03/2026 17:00" in page  # before → after of NgayHenTra


def test_it_shows_the_history_in_explain_dossier(sent) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("explain_dossier", "HS-TRE-1", stdout=out)
    text = out.getvalue()
    assert "Lịch sử thay đổi:" in text
    assert "ngày hẹn trả: 06/03/2026 17:00 → 12/03/2026 17:00" in text
    assert text.rstrip().splitlines()[-1].startswith("Kết luận:")


def _batch_queries(records: list[dict[str, Any]]) -> int:
    with CaptureQueriesContext(connection) as queries:
        importing.run_batch(importing.new_batch("dossier", OFFICIAL), source_from_document(records))
    return len(queries)


def test_it_keeps_versions_set_based_without_a_query_per_record(world) -> None:  # type: ignore[no-untyped-def]
    add_procedure()
    few = [late_record(f"HS-{n}") for n in range(3)]
    many = [late_record(f"HS-{n}") for n in range(3, 60)]
    _batch_queries(few + many)
    few_queries = _batch_queries([moved_due(r["MaHoSo"]) for r in few])
    many_queries = _batch_queries([moved_due(r["MaHoSo"]) for r in many])
    assert DossierVersion.objects.count() == 60
    assert many_queries == few_queries


def _csv(path: Path, records: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


def test_it_keeps_versions_of_rows_a_csv_import_replaces(world, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the files go the column-wise COPY path, whose stored keys fall back to the
    per-record path, which keeps the versions. SQLite reads both per record."""
    fast_files: list[Any] = []
    real = fastpath.ingest_file

    def spy(ctx: Any, path: Any, *rest: Any) -> None:
        fast_files.append(path)
        real(ctx, path, *rest)

    monkeypatch.setattr(fastpath, "ingest_file", spy)
    add_procedure()
    first = importing.import_file(
        _csv(tmp_path / "a.csv", [late_record(f"C-{n}") for n in range(40)]), source_system=OFFICIAL
    )
    changed = [moved_due(f"C-{n}") if n % 2 else late_record(f"C-{n}") for n in range(40)]
    second = importing.import_file(_csv(tmp_path / "b.csv", changed), source_system=OFFICIAL)
    assert (first.created, second.updated, second.unchanged) == (40, 20, 20)
    versions = DossierVersion.objects.filter(batch=second)
    assert versions.count() == 20 and {v.previous_batch_id for v in versions} == {first.pk}
    assert all(v.changes["on_time"] == [False, True] for v in versions)
    assert len(fast_files) == (2 if connection.vendor == "postgresql" else 0)
