"""Helpers of the page tests: a client with a role, a page's text, the CSP check, a real recompute."""

from __future__ import annotations

from typing import Any

from django.test import Client

from kpixa.dossiers.services.rollups import rebuild
from kpixa.scoring.services.scores import compute_scores


def client_for(world: Any, role: str | None) -> Client:
    client = Client()
    if role is not None:
        client.force_login(world.users[role])
    return client


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def assert_csp_clean(html: str) -> None:
    """No inline script or style attribute: the 'self'-only CSP would block them."""
    assert "<script" not in html
    assert 'style="' not in html


def rescore_august_from_the_dossiers(world: Any) -> None:
    """A real recompute: 2025-08 from the rollups of the real dossiers instead of the fixture's inputs."""
    rebuild(world.province.pk)
    compute_scores("dvc766", "2025-08", "52")
