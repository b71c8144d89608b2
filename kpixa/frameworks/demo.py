"""Demo step: install and activate the shipped framework files (idempotent)."""

from __future__ import annotations

from kpixa.frameworks.services import install_framework, shipped_files


def seed_frameworks_demo() -> None:
    """Install every shipped framework file; files already installed are left as they are."""
    for path in shipped_files():
        install_framework(path.read_text("utf-8"), activate=True, source_name=path.name)
