"""The connection pool and the retry policy: a write waits out a database outage instead of failing.

The pool (psycopg_pool) reconnects by itself and checks a connection before handing it out. A unit
of work that fails with an OperationalError (server gone, connection cut, pool timeout, deadlock)
is retried with capped exponential back-off until the database answers again. Callers run in the
worker's thread pool, so waiting here never blocks the RabbitMQ connection; every unit of work is
idempotent, so repeating one whose commit was lost in transit is harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from prometheus_client import Counter, Gauge
from psycopg_pool import ConnectionPool

from common.database import connection_pool
from common.rabbit.connection import Backoff

log = logging.getLogger(__name__)

T = TypeVar("T")

DB_RETRIES = Counter("cr_psql_retries_total", "Database units of work retried after an OperationalError")
DB_CONNECTED = Gauge("cr_psql_database_connected", "1 when the last database call succeeded")


class DatabaseUnavailableError(RuntimeError):
    """The worker is stopping while the database is still unreachable; the message goes back."""


class Database:
    """A psycopg pool plus `run(work)`: retry on OperationalError, give up only when stopping."""

    def __init__(
        self,
        pool: ConnectionPool,
        *,
        stop: threading.Event,
        retry_max_delay_s: float = 5.0,
        health_timeout_s: float = 1.0,
    ) -> None:
        self.pool = pool
        self.stop = stop
        self.retry_max_delay_s = retry_max_delay_s
        self.health_timeout_s = health_timeout_s
        self._connected = True
        self._last_error = ""

    @classmethod
    def connect(
        cls,
        database_url: str,
        *,
        size: int,
        stop: threading.Event,
        name: str = "psql_worker",
        checkout_timeout_s: float = 5.0,
        retry_max_delay_s: float = 5.0,
        reconnect_timeout_s: float = 10.0,
    ) -> Database:
        """Open a pool without waiting: start-up does not fail while the database is away."""
        pool = connection_pool(
            database_url,
            name=name,
            size=size,
            checkout_timeout_s=checkout_timeout_s,
            reconnect_timeout_s=reconnect_timeout_s,
        )
        pool.open(wait=False)
        return cls(pool, stop=stop, retry_max_delay_s=retry_max_delay_s)

    def run(self, work: Callable[[psycopg.Connection[Any]], T], *, what: str) -> T:
        """Run `work` in one transaction; on OperationalError wait and run it again."""
        backoff = Backoff(initial=0.1, maximum=self.retry_max_delay_s)
        while True:
            if self.stop.is_set() and not self._connected:  # shutting down during an outage
                raise DatabaseUnavailableError(f"database unavailable while stopping ({what})")
            try:
                with self.pool.connection() as conn:
                    result = work(conn)  # committed when the block exits cleanly
            except psycopg.OperationalError as exc:
                self._mark(error=exc)
                if self.stop.is_set():
                    raise DatabaseUnavailableError(f"database unavailable while stopping ({what})") from exc
                DB_RETRIES.inc()
                log.warning("database unavailable during %s (%s); retrying", what, exc.__class__.__name__)
                backoff.wait(self.stop)
            else:
                self._mark(error=None)
                return result

    def health(self) -> dict[str, Any]:
        """For the worker's /health and /ready: can we run a query right now?"""
        started = time.perf_counter()
        try:
            with self.pool.connection(timeout=self.health_timeout_s) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:  # PoolTimeout is an OperationalError
            self._mark(error=exc)
        else:
            self._mark(error=None)
        state: dict[str, Any] = {
            "ok": self._connected,
            "database_connected": self._connected,
            "database_check_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if not self._connected:
            state["database_error"] = self._last_error
        return state

    def close(self) -> None:
        self.pool.close()

    def _mark(self, *, error: BaseException | None) -> None:
        self._connected = error is None
        self._last_error = "" if error is None else error.__class__.__name__
        DB_CONNECTED.set(1 if error is None else 0)
