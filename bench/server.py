"""The application served on loopback for the API and page benchmarks.

gunicorn with (2 × cores) + 1 sync workers when installed (as production would serve it),
else Django's runserver; always bound to 127.0.0.1 and stopped by the harness.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEALTH_PATH = "/api/v1/health"
WARM_CONFIG = "kpixa.web.warm"  # gunicorn settings module of the app (docs/web.md, "Fast by construction")


@dataclass
class AppServer:
    """A running server process and the loopback port it listens on."""

    process: subprocess.Popen[bytes]
    port: int
    kind: str

    @property
    def base_url(self) -> str:
        """Return ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop the server process (and wait for it)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int) -> tuple[list[str], str]:
    """Return the server command line and its kind."""
    if importlib.util.find_spec("gunicorn") is not None:
        workers = 2 * (os.cpu_count() or 1) + 1
        return (
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kpixa.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--preload",
                *_warm_config(),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            f"gunicorn, {workers} sync workers",
        )
    return ([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], "Django runserver")


def _warm_config() -> list[str]:
    """gunicorn's ``--config`` that warms the master before it forks (kpixa/web/warm.py), when it exists."""
    return ["--config", f"python:{WARM_CONFIG}"] if importlib.util.find_spec(WARM_CONFIG) else []


def _wait_ready(server: AppServer, timeout: float) -> None:
    """Wait until the health endpoint answers, or raise when the server died or is too slow."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited with code {server.process.returncode}")
        try:
            with urllib.request.urlopen(server.base_url + HEALTH_PATH, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{server.kind} did not answer on {server.base_url} within {timeout:.0f} s")


def start(env: dict[str, str], timeout: float = 60.0) -> AppServer:
    """Start the app on a free loopback port with ``env`` and return once it answers."""
    port = free_port()
    command, kind = _command(port)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    server = AppServer(process, port, kind)
    _wait_ready(server, timeout)
    return server
