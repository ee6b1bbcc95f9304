"""How uvicorn serves the gateway: bounded headers, bodies, connections and idle time, no proxy trust.

- h11, not httptools: h11 refuses a request line plus headers over MAX_HEADER_BYTES (400), httptools
  reads headers of any size.
- HEADER_TIMEOUT_S: uvicorn has no deadline for a request's headers (its keep-alive timer is cancelled
  by every byte that arrives), so a client trickling a header a byte at a time, or connecting and
  saying nothing, would hold a connection for ever. `HeaderDeadlineProtocol` closes such connections
  with a 408. Body read deadlines are in pii_filter/body_limit.py.
- MAX_CONNECTIONS is uvicorn's `limit_concurrency`: past it, requests are answered 503 at once.
- X-Forwarded-For is read only from TRUSTED_PROXIES, by uvicorn's ProxyHeadersMiddleware inside the app
  (pii_filter/app.py), so uvicorn's own proxy handling, which trusts 127.0.0.1 by default, is off.
- No `Server: uvicorn` header; pii_filter/headers.py names the service without a version.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from pii_filter.metrics import HEADER_TIMEOUTS
from pii_filter.settings import GatewaySettings


class HeaderDeadlineProtocol(H11Protocol):
    """h11 with a deadline for each request's headers, from its first byte (or from connecting)."""

    header_timeout_s: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_deadline is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the headers are complete (or the request failed)
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing():
            return
        HEADER_TIMEOUTS.inc()
        body = json.dumps({
            "error": "header_timeout",
            "message": f"The request headers did not arrive within {self.header_timeout_s:g} seconds.",
        }).encode()
        # no request was parsed, so h11 has nothing to answer: the 408 is written as is, then closed
        self.transport.write(
            b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
            + b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        self.transport.close()


def protocol(header_timeout_s: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class uvicorn instantiates per connection, with this deployment's header deadline."""
    return type("HeaderDeadlineProtocol", (HeaderDeadlineProtocol,), {"header_timeout_s": header_timeout_s})


def server_config(settings: GatewaySettings, app: FastAPI) -> uvicorn.Config:
    """Every uvicorn option the gateway depends on, in one place (used by `python -m pii_filter`)."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=protocol(settings.header_timeout_s),
        ws="none",
        lifespan="on",
        h11_max_incomplete_event_size=settings.max_header_bytes,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=20,
        proxy_headers=False,
        server_header=False,
        log_config=None,
        access_log=False,
    )
