"""Per-caller rate limits (per API key, or per client IP when keys are off): 429 with Retry-After.

A moving window (the `limits` library, its asyncio flavour). With REDIS_URL the windows live in Redis,
so every gateway replica counts the same requests and a caller gets the same answer from each;
without it they live in process memory (the synchronous memory storage starts a timer thread on almost
every hit, so the asyncio one is used). The check happens before the body is read, so a noisy caller is
turned away cheaply and never queues behind, or ahead of, anyone else.

A Redis outage does not close the gateway, nor open it wide: for REDIS_RETRY_AFTER_S after a failed
call each replica counts in its own memory again, as without Redis (so N replicas allow at most N times
the limit until Redis is back), then tries Redis again. Callers reach Redis only as a keyed hash
(RATE_LIMIT_KEY_SECRET): a client address is personal data and never leaves the gateway's memory.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from starlette.types import ASGIApp, Receive, Scope, Send

from common.redis_link import REDIS_FAILURES, key_prefix, outage_breaker
from pii_filter.auth import CALLER_KEY, LIMIT_KEY
from pii_filter.errors import error_response
from pii_filter.metrics import RATE_LIMIT_STORAGE, RATE_LIMITED
from pii_filter.page_token import client_address

log = logging.getLogger(__name__)
# what the limits library raises for a Redis failure (wrapped), and what redis-py raises unwrapped
STORAGE_FAILURES: tuple[type[BaseException], ...] = (StorageError, *REDIS_FAILURES)


@dataclass(frozen=True)
class SharedWindows:
    """Where the replicas keep their windows: a Redis URL, the key namespace, timeouts and the hash key."""

    redis_url: str
    namespace: str
    key_secret: bytes
    timeout_s: float = 0.25
    retry_after_s: float = 5.0


class RateLimiter:
    """One or more limits ('5/second;100/hour'); `retry_after` is None when the caller may go ahead."""

    def __init__(self, spec: str, *, shared: SharedWindows | None = None) -> None:
        self.items: list[RateLimitItem] = parse_many(spec)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._key_secret = b""
        if shared is not None:
            url = shared.redis_url if shared.redis_url.startswith("async+") else f"async+{shared.redis_url}"
            storage = RedisStorage(
                url, implementation="redispy", key_prefix=f"{key_prefix(shared.namespace)}limits",
                wrap_exceptions=True, socket_timeout=shared.timeout_s,
                socket_connect_timeout=shared.timeout_s,
            )
            self._shared = MovingWindowRateLimiter(storage)
            self._key_secret = shared.key_secret
            self._breaker = outage_breaker(name="rate-limits", retry_after_s=shared.retry_after_s,
                                           failures=STORAGE_FAILURES)

    async def retry_after(self, caller: str) -> tuple[RateLimitItem, int] | None:
        """Count one request; return the exceeded limit and the seconds to wait, or None."""
        if self._shared is not None and not self._breaker.opened:
            try:
                with self._breaker:
                    found = await self._check(self._shared, self._shared_key(caller))
                RATE_LIMIT_STORAGE.labels(storage="redis").inc()
                return found
            except STORAGE_FAILURES as exc:
                log.warning("rate-limit storage unavailable (%s): counting in this process",
                            exc.__class__.__name__)
        RATE_LIMIT_STORAGE.labels(storage="memory").inc()
        return await self._check(self._local, caller)

    async def _check(self, limiter: MovingWindowRateLimiter, key: str) -> tuple[RateLimitItem, int] | None:
        for item in self.items:
            if not await limiter.hit(item, key):
                reset_at, _remaining = await limiter.get_window_stats(item, key)
                return item, max(1, math.ceil(reset_at - time.time()))
        return None

    def _shared_key(self, caller: str) -> str:
        """The caller as Redis sees it: a keyed hash, the same on every replica."""
        return hmac.new(self._key_secret, caller.encode(), hashlib.sha256).hexdigest()[:32]


def caller_of(scope: Scope) -> str:
    """Whom the limits count: the API key's id set by the auth middleware, else the client IP (as the proxy
    headers resolved it; also for page tokens, which the auth middleware marks so)."""
    state = scope.get("state", {})
    caller = state.get(LIMIT_KEY) or state.get(CALLER_KEY)
    if caller:
        return str(caller)
    return f"ip:{client_address(scope)}"


class RateLimitMiddleware:
    """Answers 429 with Retry-After to callers over their limit on protected paths."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, protected: Callable[[str], bool],
                 counted_as: Callable[[Scope], str] = caller_of) -> None:
        self.app = app
        self.limiter = limiter
        self.protected = protected
        self.counted_as = counted_as

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        caller = self.counted_as(scope)
        exceeded = await self.limiter.retry_after(caller)
        if exceeded is None:
            await self.app(scope, receive, send)
            return
        item, wait_s = exceeded
        RATE_LIMITED.labels(caller_kind=caller.split(":", 1)[0]).inc()
        who = "API key" if caller.startswith("key:") else "client address"  # page tokens count per address
        response = error_response(
            429, "rate_limited",
            f"Too many requests: the limit is {item} for each {who}. Please try again in {wait_s} seconds.",
            headers={"Retry-After": str(wait_s)},
        )
        await response(scope, receive, send)
