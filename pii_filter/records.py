"""The gateway's read side of `queries`: GET /queries/{id}, the answer after a lost reply, the spend.

psql_worker owns the table and its migrations; the gateway only reads, with the row mapping both share
(common/records.py). The pool opens on first use
and reconnects by itself, so a database outage makes these calls raise `RecordsUnavailable`
(an HTTP 503) instead of stopping the gateway; a table that does not exist yet counts as unavailable.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from common.database import connection_pool
from common.records import SELECT_ONE, SPEND_SINCE, StoredQuery

log = logging.getLogger(__name__)


class RecordsUnavailable(RuntimeError):
    """The database cannot be reached (or is not migrated yet); try again later."""


class QueryRecords:
    """A small pool over the persisted queries; thread-safe."""

    def __init__(self, *, database_url: str, pool_size: int = 2, timeout_s: float = 2.0) -> None:
        self._pool = connection_pool(
            database_url,
            name="gateway-records",
            size=pool_size,
            checkout_timeout_s=timeout_s,
            connect_timeout_s=round(timeout_s),
        )
        self._opened = False
        self._closed = False
        self._lock = threading.Lock()

    def get(self, query_id: UUID) -> StoredQuery | None:
        """The persisted query, or None if the query id is unknown."""
        row = self._fetch_one(SELECT_ONE, (query_id,), dict_row)
        return StoredQuery.from_row(row) if row is not None else None

    def spend_usd(self, since: datetime) -> float:
        """Money spent on queries completed at or after `since` (timezone-aware)."""
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        row = self._fetch_one(SPEND_SINCE, (since,), None)
        return float(row[0]) if row is not None else 0.0

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._opened:
                self._pool.close()

    def _fetch_one(self, query: str, params: tuple[Any, ...], row_factory: Any) -> Any:
        self._open()
        try:
            with self._pool.connection() as conn, conn.cursor(row_factory=row_factory) as cur:
                return cur.execute(query, params).fetchone()
        except psycopg.errors.UndefinedTable as exc:
            raise RecordsUnavailable("the queries table does not exist yet") from exc
        except psycopg.OperationalError as exc:  # includes the pool's timeout
            log.warning("query records unavailable: %s", exc.__class__.__name__)
            raise RecordsUnavailable("the database cannot be reached") from exc

    def _open(self) -> None:
        with self._lock:
            if self._closed:
                raise RecordsUnavailable("the records store was closed")
            if not self._opened:
                self._pool.open(wait=False)  # connects in the background; never fails here
                self._opened = True
