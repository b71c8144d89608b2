"""A separate process importing a file against the test database, stopped in the middle of its
transaction (after its first chunk is written, before the commit) until it is killed.

Run as ``python -m tests.security.ingest_process FILE SOURCE_SYSTEM READY_FILE``; the test gives
it the test database's URL and run-time folder through the environment.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


def main(path: str, source_system: str, ready: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpixa.settings")
    django.setup()
    from kpixa.dossiers.services import importing

    def hang(batch: Any) -> None:
        Path(ready).write_text(str(batch.pk))
        time.sleep(600)  # killed here, inside the import's transaction

    importing.import_file(path, source_system=source_system, progress=hang)


def database_url() -> str:
    """The URL of the database the tests run on (the test database, not the configured one)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


if __name__ == "__main__":
    main(*sys.argv[1:4])
