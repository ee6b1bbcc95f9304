"""The PostgreSQL connection pool, set up one way: checked, self-reconnecting, never blocking start-up."""

from __future__ import annotations

from psycopg_pool import ConnectionPool


def connection_pool(
    database_url: str,
    *,
    name: str,
    size: int,
    checkout_timeout_s: float,
    reconnect_timeout_s: float = 10.0,
    connect_timeout_s: int = 5,
) -> ConnectionPool:
    """A closed pool; `open(wait=False)` connects in the background and never fails.

    Each connection is checked before it is handed out. The pool's own reconnect back-off doubles
    without a cap until `reconnect_timeout_s`; keeping that short caps it in effect: the attempt is
    dropped and the next checkout starts a fresh one, so the pool is back within seconds of the
    database's return however long it was away.
    """
    return ConnectionPool(
        database_url,
        min_size=1,
        max_size=max(1, size),
        open=False,
        name=name,
        timeout=checkout_timeout_s,
        check=ConnectionPool.check_connection,
        reconnect_timeout=reconnect_timeout_s,
        kwargs={"connect_timeout": max(1, connect_timeout_s), "application_name": name},
    )
