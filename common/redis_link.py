"""What every Redis user here shares: the key prefix of a namespace and a circuit breaker for outages.

Redis is an optimisation in this system (shared rate-limit windows, the answer cache), never a
dependency a query waits on: a call that fails opens the breaker, and for REDIS_RETRY_AFTER_S seconds
callers take their fallback at once instead of waiting for a timeout per request.
"""

from __future__ import annotations

from circuitbreaker import CircuitBreaker
from redis.exceptions import RedisError

# what a down, unreachable or misbehaving Redis raises through redis-py (the limits library wraps them
# in its StorageError when asked to; callers add that)
REDIS_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)


def key_prefix(namespace: str) -> str:
    """'<namespace>:': every key this system writes, so test runs and deployments never collide."""
    return f"{namespace}:"


def outage_breaker(
    *, name: str, retry_after_s: float, failures: tuple[type[BaseException], ...] = REDIS_FAILURES
) -> CircuitBreaker:
    """Opens on the first failure; lets one call through again after `retry_after_s` seconds."""
    return CircuitBreaker(
        failure_threshold=1, recovery_timeout=retry_after_s, expected_exception=failures, name=name
    )
