"""The benchmark header shows PostgreSQL's main settings as SHOW gives them."""

from __future__ import annotations

import pytest
from django.db import connection

from bench.database import SETTINGS, Database, server_version


@pytest.mark.django_db
def test_the_header_names_the_server_and_its_settings() -> None:
    postgres = connection.vendor == "postgresql"
    shown = server_version(Database("unused", is_postgres=postgres, note="test"))
    if not postgres:
        assert shown.startswith("SQLite ") and shown.endswith("(fallback: test)")
        return
    with connection.cursor() as cursor:
        expected = []
        for name in SETTINGS:
            cursor.execute(f"SHOW {name}")
            expected.append(f"{name}={cursor.fetchone()[0]}")
    assert shown.startswith("PostgreSQL ") and shown.endswith(f" ({', '.join(expected)})")
