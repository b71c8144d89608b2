"""Rewriting the audit log's history is detected against the heads published outside the database.

The forger switches the append-only triggers off (as a database owner can), edits an old entry
and recomputes every later hash with the project's own hash function: the chain alone then looks
intact. The heads published with each snapshot, downloaded by the public beforehand, no longer
match: ``verify_audit --against <heads>`` names the rewritten head.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from kpixa.accounts import audit
from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.tests.conftest import published_q3, score, test_kpi  # noqa: F401
from tests.security.tamper import triggers_off

HEADS_URL = "/ky-danh-gia/moc-nhat-ky.json"
KEY = "h4-test-key-not-secret"


def _download(tmp_path: Path, name: str = "heads.json") -> Path:
    response = Client().get(HEADS_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def _rewrite_history(entry: AuditEntry) -> None:
    """Edit ``entry`` and recompute every later hash, as a forger with the source code would."""
    with triggers_off(AuditEntry._meta.db_table):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="nothing happened here")
        prev_hash = AuditEntry.objects.filter(pk__lt=entry.pk).order_by("-id").values_list("hash", flat=True)
        prev = prev_hash.first() or audit.GENESIS
        for row in AuditEntry.objects.filter(pk__gte=entry.pk).order_by("id"):
            new_hash = audit.entry_hash(audit._hashed_fields(row), prev)
            AuditEntry.objects.filter(pk=row.pk).update(prev_hash=prev, hash=new_hash)
            prev = new_hash


@pytest.fixture
def published(world: Any, published_q3: Any) -> Any:  # noqa: F811
    return published_q3


def test_it_publishes_the_chain_head_with_the_snapshot(published, tmp_path) -> None:  # type: ignore[no-untyped-def]
    heads = json.loads(_download(tmp_path).read_text())
    head = AuditEntry.objects.get(action="evaluations.publish")
    assert heads == [
        {
            "id": head.pk,
            "hash": head.hash,
            "signature": "",
            "published_at": head.at.isoformat(),
            "action": "evaluations.publish",
            "province": "52",
            "snapshot_sha256": published.sha256,
        }
    ]
    html = Client().get("/cong-khai/tinh/52/?framework=test_kpi&period=2025-Q3").content.decode()
    assert f"mốc nhật ký #{head.pk}: {head.hash[:12]}" in html and head.hash in html
    assert HEADS_URL in html


def test_it_detects_a_rewritten_history_that_the_chain_alone_misses(published, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    heads = _download(tmp_path)
    call_command("verify_audit", against=[str(heads)])  # intact before the forgery
    first = AuditEntry.objects.order_by("id").first()
    assert first is not None
    _rewrite_history(first)
    assert audit.verify_chain() == []  # the forgery fools the chain ...
    call_command("verify_audit")  # ... and the command without the published heads
    head = AuditEntry.objects.get(action="evaluations.publish")
    with pytest.raises(CommandError, match=f"published head #{head.pk}"):
        call_command("verify_audit", against=[str(heads)])
    assert "history was rewritten" in capsys.readouterr().err


def test_it_detects_a_published_head_removed_from_the_log(published, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    heads = _download(tmp_path)
    head = AuditEntry.objects.get(action="evaluations.publish")
    with triggers_off(AuditEntry._meta.db_table):
        AuditEntry.objects.filter(pk__gte=head.pk).delete()  # the tail, chain still intact
    assert audit.verify_chain() == []
    with pytest.raises(CommandError):
        call_command("verify_audit", against=[str(heads)])
    assert "missing from the log" in capsys.readouterr().err


@override_settings(KPIXA_AUDIT_HMAC_KEY=KEY)
def test_it_signs_heads_and_refuses_a_copy_altered_to_accuse_the_log(published, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _download(tmp_path)
    heads = json.loads(path.read_text())
    assert heads[0]["signature"] == audit.sign_head(heads[0]["id"], heads[0]["hash"]) != ""
    call_command("verify_audit", against=[str(path)])
    heads[0]["hash"] = "0" * 64  # someone "proves" a rewrite with a doctored copy
    doctored = tmp_path / "doctored.json"
    doctored.write_text(json.dumps(heads))
    with pytest.raises(CommandError):
        call_command("verify_audit", against=[str(doctored)])
    assert "signature is not this server's" in capsys.readouterr().err


def test_it_refuses_a_file_that_is_not_a_list_of_heads(published, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x"}')
    with pytest.raises(CommandError, match="expected a JSON list"):
        call_command("verify_audit", against=[str(bad)])
