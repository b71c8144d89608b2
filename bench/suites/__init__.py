"""The benchmarks, registered in the order they run (later ones use what earlier ones loaded)."""

from bench.suites import api_ingest, early_warning, exports, file_import, pages, scoring, workdays  # noqa: F401
