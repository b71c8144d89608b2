"""`make run` tells the truth about where it serves and shows that it is working: the login address
names the port it serves on, and installing prints its steps instead of running silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpixa.web.demo import login_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("port", "expected"), [(None, "8000"), ("8080", "8080")])
def test_the_printed_login_address_names_the_served_port(
    monkeypatch: pytest.MonkeyPatch, port: str | None, expected: str
) -> None:
    if port is None:
        monkeypatch.delenv("PORT", raising=False)
    else:
        monkeypatch.setenv("PORT", port)
    assert login_url() == f"http://127.0.0.1:{expected}/accounts/login/"


def test_make_passes_the_port_on_and_installs_visibly() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "export PORT" in makefile  # `make run PORT=8080` reaches seed_demo and serve.sh
    install = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "--quiet" not in install and "pip install" in install and "@echo" in install
    serve = (ROOT / "scripts" / "serve.sh").read_text("utf-8")
    assert "http://127.0.0.1:${PORT}/accounts/login/" in serve
