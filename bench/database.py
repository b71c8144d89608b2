"""The benchmark database: a fresh PostgreSQL database created and dropped by the harness.

Only the tiny profile may fall back to a temporary SQLite file when PostgreSQL is unreachable,
and the table says so.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kpixa_bench"


@dataclass
class Database:
    """The database a run uses: its URL, whether it is PostgreSQL, and why if it is not."""

    url: str
    is_postgres: bool
    note: str = ""
    version: str = ""

    @property
    def name(self) -> str:
        """Return the database name (the URL's path)."""
        return urlsplit(self.url).path.lstrip("/")


def _admin_url(url: str) -> str:
    """Return the same server's maintenance database URL (``/postgres``)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def _recreate_postgres(url: str) -> None:
    """Drop and create the benchmark database named by ``url`` (raises when unreachable)."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(db: Database) -> None:
    """Drop the PostgreSQL benchmark database (SQLite files go with the temporary directory)."""
    if not db.is_postgres:
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(_admin_url(db.url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name)))


def create(url: str, allow_sqlite: bool, workdir: Path) -> Database:
    """Create a fresh benchmark database; fall back to SQLite only when ``allow_sqlite``."""
    try:
        _recreate_postgres(url)
        return Database(url, is_postgres=True)
    except Exception as exc:  # psycopg raises OperationalError and friends; all mean "no PostgreSQL"
        if not allow_sqlite:
            raise SystemExit(
                f"PostgreSQL is required for this profile and is not reachable at {url}: {exc}"
            ) from exc
        sqlite_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        return Database(
            sqlite_url, is_postgres=False, note=f"PostgreSQL unreachable ({exc.__class__.__name__})"
        )


def reset(db: Database) -> None:
    """Start the benchmark database again, empty, migrated and with the units loaded (a second
    import measured on the same footing as the first)."""
    from django.db import connections

    connections.close_all()
    if db.is_postgres:
        _recreate_postgres(db.url)
    else:
        path = Path(urlsplit(db.url).path)
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    migrate_and_load()


def setup_django(db: Database, workdir: Path) -> None:
    """Point Django at the benchmark database and start it (must run before any model import)."""
    os.environ["DATABASE_URL"] = db.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpixa.settings")
    os.environ["KPIXA_MODE"] = "demo"
    os.environ["KPIXA_VAR_DIR"] = str(workdir / "var")
    (workdir / "var" / "static").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def migrate_and_load() -> None:
    """Migrate the fresh database and load the reference units when that command exists."""
    from django.core.management import call_command, get_commands

    out = io.StringIO()
    call_command("migrate", interactive=False, verbosity=0, stdout=out)
    if "load_units" in get_commands():
        call_command("load_units", stdout=out)


# The server settings that move bulk-load and page figures most; the header and the JSON give them.
SETTINGS = ("shared_buffers", "max_wal_size", "checkpoint_timeout", "work_mem")


def server_version(db: Database) -> str:
    """Return the database server's product, version and main settings.

    E.g. "PostgreSQL 15.20 (shared_buffers=6GB, max_wal_size=16GB, checkpoint_timeout=30min,
    work_mem=64MB)": the same data loads at very different rates under the defaults and under
    settings sized for the machine, so a figure is only comparable with its settings.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if db.is_postgres:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            # current_setting() gives each value as SHOW does (6GB, 30min), units included.
            cursor.execute(
                "SELECT name, current_setting(name) FROM unnest(%s::text[]) WITH ORDINALITY AS s(name, n) "
                "ORDER BY n",
                [list(SETTINGS)],
            )
            shown = ", ".join(f"{name}={value}" for name, value in cursor.fetchall())
            return f"PostgreSQL {version} ({shown})"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]} (fallback: {db.note})"
