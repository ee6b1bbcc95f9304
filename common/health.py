"""A tiny HTTP endpoint for workers: /health (alive), /ready (alive and dependencies up) and /metrics."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class _ThreadingWSGIServer(WSGIServer):
    daemon_threads = True


def health_app(
    *, ready: Callable[[], dict[str, Any]], live: Callable[[], dict[str, Any]]
) -> Callable[..., Iterable[bytes]]:
    """WSGI app: /ready answers 200 when `ready()['ok']`, /health when `live()['ok']`; else metrics.

    /health is what container health checks probe (process, broker connection and consumer), so a
    database outage does not get a worker replaced; /ready adds the dependencies (e.g. the database).
    """
    metrics = make_wsgi_app()
    probes = {"/ready": ready, "/health": live}

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        probe = probes.get(environ.get("PATH_INFO", ""))
        if probe is not None:
            state = probe()
            status = "200 OK" if state.get("ok") else "503 Service Unavailable"
            body = json.dumps(state).encode()
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        return metrics(environ, start_response)

    return app


def serve_health(
    port: int,
    *,
    ready: Callable[[], dict[str, Any]],
    live: Callable[[], dict[str, Any]],
    host: str = "127.0.0.1",
) -> WSGIServer | None:
    """Serve /health, /ready and /metrics on a daemon thread, on `host` only; port 0 disables it."""
    if not port:
        return None
    server = make_server(
        host,
        port,
        health_app(ready=ready, live=live),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    log.info("health and metrics on %s:%d", host, port)
    return server
