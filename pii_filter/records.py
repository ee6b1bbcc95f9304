"""The gateway's side of the database: it reads `queries` and writes `feedback`.

Reads: GET /queries/{id}, a conversation's turns, the answer after a lost reply, the spend.
psql_worker owns the tables and their migrations and writes every `queries` row; the gateway reads
them with the row mapping both share (common/records.py). Feedback is the one write here: it is not
part of a query's life (no stage acts on it) and the caller should hear 201 only once it is
committed, which a message to psql_worker could only tell with a reply to wait for; so the gateway
inserts it in its own table, in one statement. The pool opens on first use
and reconnects by itself, so a database outage makes these calls raise `RecordsUnavailable`
(an HTTP 503) instead of stopping the gateway; a table that does not exist yet counts as unavailable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from common.database import connection_pool
from common.records import (
    SELECT_CONVERSATION,
    SELECT_ONE,
    SPEND_SINCE,
    UPSERT_FEEDBACK,
    StoredQuery,
    feedback_params,
)

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

    def conversation(self, conversation_id: UUID) -> list[StoredQuery]:
        """The stored queries of a conversation, oldest first ([] for an unknown id)."""
        rows = self._run(lambda cur: cur.execute(SELECT_CONVERSATION, (conversation_id,)).fetchall(),
                         dict_row)
        return [StoredQuery.from_row(row) for row in rows]

    def spend_usd(self, since: datetime) -> float:
        """Money spent on queries completed at or after `since` (timezone-aware)."""
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        row = self._fetch_one(SPEND_SINCE, (since,), None)
        return float(row[0]) if row is not None else 0.0

    def save_feedback(self, *, query_id: UUID, helpful: bool, comment: str | None,
                      comment_pii_found: list[str]) -> None:
        """Store (or replace) the feedback on a query that exists; `comment` already redacted."""
        params = feedback_params(query_id=query_id, helpful=helpful, comment=comment,
                                 comment_pii_found=comment_pii_found)
        self._run(lambda cur: cur.execute(UPSERT_FEEDBACK, params), None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._opened:
                self._pool.close()

    def _fetch_one(self, query: str, params: tuple[Any, ...], row_factory: Any) -> Any:
        return self._run(lambda cur: cur.execute(query, params).fetchone(), row_factory)

    def _run(self, work: Callable[[psycopg.Cursor[Any]], Any], row_factory: Any) -> Any:
        """`work` on a cursor in one transaction (committed when it returns)."""
        self._open()
        try:
            with self._pool.connection() as conn, conn.cursor(row_factory=row_factory) as cur:
                return work(cur)
        except psycopg.errors.UndefinedTable as exc:
            raise RecordsUnavailable("the tables do not exist yet") from exc
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
