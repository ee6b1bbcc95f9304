"""`python -m common.healthcheck`: exit 0 only when the URL answers 200 within 2 s."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from common.health import serve_health
from deploy.local import free_port
from tests.deploy.support import ROOT


def _probe(*args: str, env: dict[str, str] | None = None) -> tuple[int, float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "common.healthcheck", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=30,
    )
    return result.returncode, time.monotonic() - started, result.stdout + result.stderr


@pytest.fixture
def worker_health() -> Iterator[tuple[int, dict[str, Any]]]:
    """The workers' real health endpoint with a switchable broker state."""
    state: dict[str, Any] = {"ok": True, "broker_connected": True, "consuming": True}
    server = serve_health(free_port(), ready=lambda: dict(state), live=lambda: dict(state))
    assert server is not None
    yield server.server_port, state
    server.shutdown()
    server.server_close()


def test_healthy_worker_exits_0_and_disconnected_worker_exits_1(
    worker_health: tuple[int, dict[str, Any]],
) -> None:
    port, state = worker_health
    code, _, output = _probe(f"http://127.0.0.1:{port}/health")
    assert code == 0, output
    state.update(ok=False, consuming=False)
    code, _, output = _probe(f"http://127.0.0.1:{port}/health")
    assert code == 1 and "503" in output


def test_default_url_comes_from_health_port(worker_health: tuple[int, dict[str, Any]]) -> None:
    port, _ = worker_health
    assert _probe(env={"HEALTH_PORT": str(port)})[0] == 0
    assert _probe(env={"HEALTH_PORT": "0"})[0] == 1
    assert _probe(env={"HEALTH_PORT": ""})[0] == 1


def test_nothing_listening_is_unhealthy() -> None:
    code, elapsed, _ = _probe(f"http://127.0.0.1:{free_port()}/health")
    assert code == 1 and elapsed < 10


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(3.5)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def test_an_answer_slower_than_2_s_is_unhealthy() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code, elapsed, output = _probe(f"http://127.0.0.1:{server.server_port}/health")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1, output
    assert elapsed < 3.5, "the probe must give up after 2 s, not wait for the answer"


def test_proxy_settings_do_not_reroute_the_probe(worker_health: tuple[int, dict[str, Any]]) -> None:
    port, _ = worker_health
    dead_proxy = f"http://127.0.0.1:{free_port()}"
    assert (
        _probe(f"http://127.0.0.1:{port}/health", env={"http_proxy": dead_proxy, "HTTP_PROXY": dead_proxy})[0]
        == 0
    )
