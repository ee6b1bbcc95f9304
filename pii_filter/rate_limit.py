"""Per-caller rate limits (per API key, or per client IP when keys are off): 429 with Retry-After.

A moving window in process memory (the `limits` library, its asyncio flavour: the synchronous memory
storage starts a timer thread on almost every hit, about 0.5 ms on the request's path here). The check
happens before the body is read, so a noisy caller is turned away cheaply and never queues behind, or ahead
of, anyone else. Each gateway replica counts on its own, so N replicas allow up to N times the limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from pii_filter.auth import CALLER_KEY
from pii_filter.errors import error_response
from pii_filter.metrics import RATE_LIMITED


class RateLimiter:
    """One or more limits ('5/second;100/hour'); `retry_after` is None when the caller may go ahead."""

    def __init__(self, spec: str) -> None:
        self.items: list[RateLimitItem] = parse_many(spec)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def retry_after(self, caller: str) -> tuple[RateLimitItem, int] | None:
        """Count one request; return the exceeded limit and the seconds to wait, or None."""
        for item in self.items:
            if not await self._limiter.hit(item, caller):
                reset_at, _remaining = await self._limiter.get_window_stats(item, caller)
                return item, max(1, math.ceil(reset_at - time.time()))
        return None


def caller_of(scope: Scope) -> str:
    """The API key's id set by the auth middleware, else the client IP (as the proxy headers resolved it)."""
    caller = scope.get("state", {}).get(CALLER_KEY)
    if caller:
        return str(caller)
    client = scope.get("client")
    return f"ip:{client[0]}" if client else "ip:unknown"


class RateLimitMiddleware:
    """Answers 429 with Retry-After to callers over their limit on protected paths."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, protected: Callable[[str], bool]) -> None:
        self.app = app
        self.limiter = limiter
        self.protected = protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        caller = caller_of(scope)
        exceeded = await self.limiter.retry_after(caller)
        if exceeded is None:
            await self.app(scope, receive, send)
            return
        item, wait_s = exceeded
        RATE_LIMITED.labels(caller_kind=caller.split(":", 1)[0]).inc()
        who = "API key" if caller.startswith("key:") else "client address"
        response = error_response(
            429, "rate_limited",
            f"Too many requests: the limit is {item} for each {who}. Please try again in {wait_s} seconds.",
            headers={"Retry-After": str(wait_s)},
        )
        await response(scope, receive, send)
