"""A cap on the requests each caller (API key, or client address when keys are off) has in progress.

The rate limit counts requests over a minute; this counts them at one moment. Without it one caller
could send 40 questions at once and queue every other caller's question behind its own at each stage.
A request over the cap is answered 429 at once (never queued: a queue would still hold a slot for
it), so a burst costs the others at most the cap's worth of work ahead of them. Counted on the event
loop in process memory: each gateway replica caps on its own.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from pii_filter.errors import error_response
from pii_filter.metrics import CONCURRENCY_LIMITED
from pii_filter.rate_limit import caller_of


class ConcurrencyLimitMiddleware:
    """Answers 429 to a caller that already has `limit` requests in progress on protected paths."""

    def __init__(self, app: ASGIApp, *, limit: int, protected: Callable[[str], bool]) -> None:
        self.app = app
        self.limit = limit
        self.protected = protected
        self._in_progress: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        caller = caller_of(scope)
        running = self._in_progress.get(caller, 0)
        if running >= self.limit:
            CONCURRENCY_LIMITED.labels(caller_kind=caller.split(":", 1)[0]).inc()
            response = error_response(
                429, "too_many_in_progress",
                f"You already have {running} requests in progress (the limit is {self.limit} at a time). "
                "Please wait for an answer before asking more.",
                headers={"Retry-After": "1"},
            )
            await response(scope, receive, send)
            return
        self._in_progress[caller] = running + 1
        try:
            await self.app(scope, receive, send)
        finally:
            left = self._in_progress[caller] - 1
            if left:
                self._in_progress[caller] = left
            else:
                del self._in_progress[caller]
