"""A small HTTP client for loopback load: keep-alive connections, a cookie jar, a login form.

Deliberately tiny (stdlib only) so that the benchmark measures the server, not a load-test tool.
It refuses any host but 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    """A response's status, body and wall time in seconds."""

    status: int
    body: bytes
    seconds: float


@dataclass
class Client:
    """One keep-alive connection to the loopback server, with its own cookies."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 60.0

    def __post_init__(self) -> None:
        self._conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=self.timeout)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        """Send one request and return its response (the connection is reopened if it dropped)."""
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response = self._send(method, path, body, sent)
        except (http.client.HTTPException, ConnectionError):
            self._conn.close()
            response = self._send(method, path, body, sent)
        data = response.read()
        elapsed = time.perf_counter() - started
        self._remember(response)
        return Response(response.status, data, elapsed)

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        self._conn.request(method, path, body=body, headers=headers)
        return self._conn.getresponse()

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def post_json(self, path: str, payload: object) -> Response:
        """POST ``payload`` as JSON."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        return self.request("POST", path, body, {"Content-Type": "application/json"})

    def login(self, username: str, password: str, path: str = "/accounts/login/") -> None:
        """Log in through the login form (CSRF token from the form); raise when it is refused."""
        page = self.request("GET", path)
        match = CSRF_INPUT.search(page.body.decode(errors="replace"))
        if match is None:
            raise RuntimeError(f"no CSRF token in {path} (status {page.status})")
        form = urlencode({"csrfmiddlewaretoken": match.group(1), "username": username, "password": password})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{LOOPBACK}:{self.port}{path}",
        }
        answer = self.request("POST", path, form.encode(), headers)
        if answer.status != 302:
            raise RuntimeError(f"login as {username} refused (status {answer.status})")

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


@dataclass
class LatencySummary:
    """Latencies of one page under load: p50, p95, max (ms), count, errors."""

    p50_ms: float
    p95_ms: float
    max_ms: float
    count: int
    errors: int


def percentile(values: list[float], pct: float) -> float:
    """Return the ``pct`` percentile (0–100) of ``values`` (nearest-rank inclusive method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def summarise(latencies: list[float], errors: int) -> LatencySummary:
    """Return the summary of latencies in seconds."""
    ms = sorted(value * 1000 for value in latencies) or [0.0]
    return LatencySummary(percentile(ms, 50), percentile(ms, 95), ms[-1], len(latencies), errors)


def hammer(clients: list[Client], path: str, per_client: int, deadline: float) -> LatencySummary:
    """GET ``path`` ``per_client`` times from every client at once (threads); stop at ``deadline``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(client: Client) -> None:
        for _ in range(per_client):
            if time.monotonic() > deadline:
                return
            response = client.request("GET", path)
            with lock:
                latencies.append(response.seconds)
                errors[0] += response.status != 200

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarise(latencies, errors[0])
