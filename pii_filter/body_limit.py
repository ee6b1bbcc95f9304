"""Request bodies larger than MAX_BODY_BYTES get 413, and bodies slower than BODY_TIMEOUT_S get 408,
before anything parses them.

A declared Content-Length over the limit is refused without reading a byte. Otherwise the body is
read here, counting bytes as they arrive (this is what catches chunked uploads that declare no length),
and stops at the first byte over the limit; a body within the limit is handed on unchanged. The whole
body must arrive within the timeout, however it is spread out (a client trickling a byte a second
would otherwise hold the request, and a connection, for as long as it likes).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pii_filter.errors import error_response
from pii_filter.metrics import BODY_TIMEOUTS, BODY_TOO_LARGE


class BodyTooLargeError(Exception):
    """The body went over the limit while it was being read."""


class BodyTooSlowError(Exception):
    """The body did not arrive in time."""


class BodyLimitMiddleware:
    """Pure ASGI, so it runs before FastAPI reads or parses the request."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout_s: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._reject(scope, receive, send, "declared")
            return
        try:
            messages = await self._read(receive)
        except BodyTooLargeError:
            await self._reject(scope, receive, send, "streamed")
            return
        except BodyTooSlowError:
            BODY_TIMEOUTS.inc()
            response = error_response(
                408, "body_timeout", f"The request body did not arrive within {self.timeout_s:g} seconds.",
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _read(self, receive: Receive) -> list[Message]:
        """Every body message up to the end of the body (or a disconnect), at most max_bytes in all."""
        messages: list[Message] = []
        received = 0
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlowError from None
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLargeError
            if not message.get("more_body", False):
                return messages

    async def _reject(self, scope: Scope, receive: Receive, send: Send, how: str) -> None:
        BODY_TOO_LARGE.labels(how=how).inc()
        response = error_response(
            413, "body_too_large",
            f"The request body is larger than the limit of {self.max_bytes} bytes.",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive() that first returns the buffered messages, then defers to the server's."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
