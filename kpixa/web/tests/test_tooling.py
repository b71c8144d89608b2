"""The Makefile's Python finder and the packaging metadata."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_finder(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "find-python.sh")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_it_takes_the_python_it_is_given_when_new_enough() -> None:
    result = run_finder({"PYTHON": sys.executable})
    assert result.returncode == 0
    assert result.stdout.strip().endswith(Path(sys.executable).name)


def test_it_refuses_a_python_that_does_not_run() -> None:
    result = run_finder({"PYTHON": "/bin/false"})
    assert result.returncode == 1
    assert "older than 3.12" in result.stderr


def test_it_stops_with_a_clear_message_when_no_python_is_found(tmp_path: Path) -> None:
    result = run_finder(
        {"PATH": str(tmp_path), "PYENV_ROOT": str(tmp_path), "HOME": str(tmp_path), "PYTHON": ""}
    )
    # /usr/local/bin may hold a new Python on some machines; then it is found, which is also right.
    if result.returncode == 0:
        assert result.stdout.strip().startswith("/usr/local/bin/python3.1")
    else:
        assert "needs Python 3.12 or newer" in result.stderr


def test_it_declares_the_gpl_licence() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == "GPL-3.0-or-later"
    assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text()[:200]
