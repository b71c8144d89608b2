"""A dossier whose due time cannot be determined: not on time, shown on the commune's scorecard
as a data-quality problem of the sender, and listed behind that note (docs/rules.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from kpixa.dossiers.models import Dossier, Procedure
from kpixa.web.tests.scored import scored_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
NOTE = "Chất lượng dữ liệu: 1 hồ sơ không xác định được hạn xử lý"


def client_for(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def without_due(world: Any) -> Dossier:
    """As the ingest stores it: no due time, not on time, late from its receipt day."""
    procedure = Procedure.objects.create(code="9.000001", name="Thủ tục chưa có thời hạn", verified=False)
    received = datetime(2025, 8, 20, 2, 0, tzinfo=UTC)
    end = datetime(2025, 8, 21, 2, 0, tzinfo=UTC)
    return Dossier.objects.create(
        source_system="MCDT",
        ma_ho_so="H52.23872-KHONGHAN-0001",
        commune=world.commune,
        procedure=procedure,
        procedure_code=procedure.code,
        status=10,
        received_at=received,
        received_day=received.date(),
        finished_at=end,
        end_at=end,
        end_day=end.date(),
        on_time=False,
        version_at=end,
        version_hash="h-no-due",
        ingested_at=end,
    )


def test_it_notes_the_dossiers_without_a_due_time_on_the_scorecard(scored: Any) -> None:
    without_due(scored)
    client = client_for(scored, "province_viewer")
    html = client.get("/xa/23872/?period=2025-Q3").content.decode()
    assert NOTE in html
    assert "/xa/23872/ho-so/?outcome=no_due&amp;period=2025-Q3" in html
    assert "Chất lượng dữ liệu" not in client.get("/xa/23872/?period=2025-Q2").content.decode()


def test_it_lists_the_dossiers_without_a_due_time(scored: Any) -> None:
    without_due(scored)
    html = client_for(scored, "province_viewer").get("/xa/23872/ho-so/?outcome=no_due&period=2025-Q3")
    text = html.content.decode()
    assert "H52.23872-KHONGHAN-0001" in text and "1 hồ sơ" in text
    late = client_for(scored, "province_viewer").get("/xa/23872/ho-so/?outcome=late&period=2025-Q3")
    assert "H52.23872-KHONGHAN-0001" in late.content.decode()  # counted as not on time


def test_it_keeps_the_note_off_the_public_scorecard(scored: Any) -> None:
    without_due(scored)
    assert "Chất lượng dữ liệu" not in Client().get("/cong-khai/xa/23872/?period=2025-Q3").content.decode()
