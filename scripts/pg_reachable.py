"""Exit 0 when the PostgreSQL server in the given URL accepts a connection within 3 seconds."""

import sys
from urllib.parse import urlparse

import psycopg

url = urlparse(sys.argv[1])
try:
    psycopg.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        connect_timeout=3,
    ).close()
except Exception:  # noqa: BLE001 - any failure means "not reachable"
    sys.exit(1)
