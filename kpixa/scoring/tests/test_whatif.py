"""The what-if page: bad file → line and reason; good file → diff and preview; activate (POST, audited)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from kpixa.accounts.models import AuditEntry
from kpixa.frameworks.models import FrameworkVersion
from kpixa.frameworks.services import SHIPPED_DIR
from kpixa.scoring.models import UnitScore
from kpixa.scoring.services.scores import compute_scores
from kpixa.scoring.tests.conftest import FedInputs, progress


@pytest.fixture
def admin_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["province_admin"])
    return client


def _new_version() -> str:
    """dvc766 2025 with a higher target for satisfaction (5.3) and a new version number."""
    text = (SHIPPED_DIR / "dvc766.yaml").read_text("utf-8")
    return text.replace('version: "2025"', 'version: "2026-draft"', 1)


def _upload(client: Client, text: str, period: str = "") -> Any:
    upload = SimpleUploadedFile("dvc766-new.yaml", text.encode("utf-8"), content_type="application/x-yaml")
    return client.post(reverse("scoring:whatif"), {"file": upload, "period": period})


def test_it_shows_the_upload_form_to_province_admins_only(world: Any, admin_client: Client) -> None:
    assert admin_client.get(reverse("scoring:whatif")).status_code == 200
    viewer = Client()
    viewer.force_login(world.users["province_viewer"])
    assert viewer.get(reverse("scoring:whatif")).status_code == 403


def test_it_lists_validation_errors_with_line_and_reason(
    world: Any, frameworks: Any, admin_client: Client
) -> None:
    bad = _new_version().replace("max_points: 20", "max_points: 25", 1)
    response = _upload(admin_client, bad)
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors and all(isinstance(line, int) and reason for line, reason in errors)
    assert not FrameworkVersion.objects.filter(version="2026-draft").exists()


def test_it_shows_a_diff_and_a_preview_without_storing_scores(
    world: Any, frameworks: Any, admin_client: Client, django_assert_num_queries: Any
) -> None:
    fed = FedInputs({world.commune.pk: progress(100, 60)})
    compute_scores("dvc766", "2025-07", "52", providers=fed.providers())
    stored = UnitScore.objects.count()
    changed = _new_version().replace("max_points: 20", "max_points: 20\n        target: 95", 1)
    # Sessions are read through the cache; one query reads the declared counts (indicator 1.4),
    # one the procedures with dossiers that used population data (6.6 from dvc766 2025.4), one
    # the frameworks in force (the download and edit links), one the header's unread
    # notifications; PostgreSQL also takes the audit chain's advisory lock.
    with django_assert_num_queries(22 + (connection.vendor == "postgresql")):
        response = _upload(admin_client, changed, "2025-07")
    assert response.status_code == 200
    result = response.context["result"]
    assert result.diff, "the diff lists the target change"
    assert {r.code for r in result.rows} == {"23872", "23869", "21553"}
    assert next(r for r in result.rows if r.code == "23872").current_rank == 1
    assert UnitScore.objects.count() == stored
    assert FrameworkVersion.objects.get(version="2026-draft").status == "draft"


def test_it_activates_the_uploaded_version_by_post(world: Any, frameworks: Any, admin_client: Client) -> None:
    _upload(admin_client, _new_version())
    draft = FrameworkVersion.objects.get(version="2026-draft")
    assert admin_client.get(reverse("scoring:activate")).status_code == 405
    response = admin_client.post(reverse("scoring:activate"), {"version_id": draft.pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active"
    assert AuditEntry.objects.filter(action="frameworks.active", object_id=str(draft.pk)).exists()


def test_it_refuses_activation_without_csrf(world: Any, frameworks: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["province_admin"])
    assert client.post(reverse("scoring:activate"), {"version_id": 1}).status_code == 403
