"""Headers on every gateway response: no MIME sniffing, no caching of answers, no server versions.

`Cache-Control: no-store` keeps answers (which can quote a person's restored personal data) out of
browser and proxy caches; only the static Swagger UI files may be cached. The `Server` header names the
service and no software or version (uvicorn's own header is turned off in pii_filter/server.py).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SERVER_NAME = b"consumer-rights-gateway"
_REPLACED = {b"server", b"x-content-type-options", b"cache-control"}


class SecurityHeadersMiddleware:
    """Pure ASGI: sets the headers on the response start, whoever produced the response."""

    def __init__(self, app: ASGIApp, *, cacheable_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.cacheable_prefixes = cacheable_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(self.cacheable_prefixes) if self.cacheable_prefixes else False

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
                headers += [(b"server", SERVER_NAME), (b"x-content-type-options", b"nosniff")]
                cache = b"public, max-age=86400" if cacheable and message["status"] == 200 else b"no-store"
                headers.append((b"cache-control", cache))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
