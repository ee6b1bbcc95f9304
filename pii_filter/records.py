"""Read side of the `queries` table for the gateway: GET /queries/{id} and the spend cap's sums.

psql_worker owns the table and its migrations; the gateway only reads. The pool opens on first use
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
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

_RECORD = """
SELECT query_id, status, redacted_question, pii_found, answer, answered, citations, model, provider,
       timings_ms, error_stage, error_code, error_message, submitted_at, completed_at
FROM queries WHERE query_id = %s
"""

_SPEND = "SELECT COALESCE(sum(cost_usd), 0) FROM queries WHERE completed_at >= %s"


class RecordsUnavailable(RuntimeError):
    """The database cannot be reached (or is not migrated yet); try again later."""


class QueryRecords:
    """A small pool over the persisted queries; thread-safe."""

    def __init__(self, *, database_url: str, pool_size: int = 2, timeout_s: float = 2.0) -> None:
        self._pool = ConnectionPool(
            database_url,
            min_size=1,
            max_size=max(1, pool_size),
            open=False,
            name="gateway-records",
            timeout=timeout_s,
            check=ConnectionPool.check_connection,
            reconnect_timeout=10.0,  # short: a dropped attempt restarts on the next call (capped back-off)
            kwargs={"connect_timeout": max(1, round(timeout_s)), "application_name": "gateway-records"},
        )
        self._opened = False
        self._closed = False
        self._lock = threading.Lock()

    def get(self, query_id: UUID) -> dict[str, Any] | None:
        """The persisted record as a JSON-ready dict, or None if the query id is unknown."""
        row = self._fetch_one(_RECORD, (query_id,), dict_row)
        return _record(row) if row is not None else None

    def spend_usd(self, since: datetime) -> float:
        """Money spent on queries completed at or after `since` (timezone-aware)."""
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        row = self._fetch_one(_SPEND, (since,), None)
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


def _record(row: dict[str, Any]) -> dict[str, Any]:
    error = None
    if row["error_code"] is not None:
        error = {"stage": row["error_stage"] or "", "code": row["error_code"],
                 "message": row["error_message"] or ""}
    return {
        "query_id": str(row["query_id"]),
        "status": row["status"],
        "redacted_question": row["redacted_question"],
        "pii_found": list(row["pii_found"]),
        "answer": row["answer"],
        "answered": row["answered"],
        "citations": row["citations"],
        "model": row["model"],
        "provider": row["provider"],
        "timings_ms": row["timings_ms"],
        "error": error,
        "submitted_at": _iso(row["submitted_at"]),
        "completed_at": _iso(row["completed_at"]),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
