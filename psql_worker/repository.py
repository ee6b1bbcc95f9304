"""Idempotent writes of the `queries` table: one row per query id, and the first final result wins.

- accepted event: insert a pending row; if the result got there first, only fill in what the
  result could not know (top_k, the question, submission time, who asked, the conversation) and never
  touch the status.
- result event: insert-or-update that only moves a row from pending (or absent) to answered/failed.
  A redelivered or second result changes nothing and gets back the outcome already stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from common.messages import QueryResult, RedactedQuery
from common.records import SELECT_ONE, accepted_params, result_params, row_to_result
from psql_worker.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Persisted:
    """The outcome as stored, and whether this call was the one that stored it."""

    result: QueryResult
    changed: bool


class QueryStore(Protocol):
    """What the handlers need; the tests pass an in-memory fake."""

    def record_accepted(self, query: RedactedQuery) -> bool: ...

    def record_result(self, result: QueryResult) -> Persisted: ...


_ACCEPTED = """
INSERT INTO queries (query_id, status, redacted_question, pii_found, top_k, submitted_at, timings_ms, owner,
                     conversation_id)
VALUES (%(query_id)s, 'pending', %(redacted_question)s, %(pii_found)s, %(top_k)s, %(submitted_at)s,
        %(timings_ms)s, %(owner)s, %(conversation_id)s)
ON CONFLICT (query_id) DO UPDATE SET
    owner = EXCLUDED.owner,
    conversation_id = EXCLUDED.conversation_id,
    redacted_question = COALESCE(queries.redacted_question, EXCLUDED.redacted_question),
    pii_found = CASE WHEN cardinality(queries.pii_found) = 0 THEN EXCLUDED.pii_found
                     ELSE queries.pii_found END,
    top_k = EXCLUDED.top_k,
    submitted_at = COALESCE(queries.submitted_at, EXCLUDED.submitted_at),
    timings_ms = EXCLUDED.timings_ms || queries.timings_ms,
    updated_at = now()
WHERE queries.top_k IS NULL  -- only a row the result created first; status is never changed here
RETURNING (xmax = 0) AS inserted
"""

_RESULT = """
INSERT INTO queries (query_id, status, redacted_question, pii_found, answer, answered, citations,
                     model, provider, input_tokens, output_tokens, cost_usd,
                     error_stage, error_code, error_message, timings_ms, submitted_at, completed_at)
VALUES (%(query_id)s, %(status)s, %(redacted_question)s, %(pii_found)s, %(answer)s, %(answered)s,
        %(citations)s, %(model)s, %(provider)s, %(input_tokens)s, %(output_tokens)s, %(cost_usd)s,
        %(error_stage)s, %(error_code)s, %(error_message)s, %(timings_ms)s, %(submitted_at)s,
        %(completed_at)s)
ON CONFLICT (query_id) DO UPDATE SET
    status = EXCLUDED.status,
    redacted_question = COALESCE(queries.redacted_question, EXCLUDED.redacted_question),
    pii_found = CASE WHEN cardinality(queries.pii_found) = 0 THEN EXCLUDED.pii_found
                     ELSE queries.pii_found END,
    answer = EXCLUDED.answer,
    answered = EXCLUDED.answered,
    citations = EXCLUDED.citations,
    model = EXCLUDED.model,
    provider = EXCLUDED.provider,
    input_tokens = EXCLUDED.input_tokens,
    output_tokens = EXCLUDED.output_tokens,
    cost_usd = EXCLUDED.cost_usd,
    error_stage = EXCLUDED.error_stage,
    error_code = EXCLUDED.error_code,
    error_message = EXCLUDED.error_message,
    timings_ms = queries.timings_ms || EXCLUDED.timings_ms,
    submitted_at = COALESCE(queries.submitted_at, EXCLUDED.submitted_at),
    completed_at = EXCLUDED.completed_at,
    updated_at = now()
WHERE queries.status = 'pending'  -- the first final result wins
RETURNING *
"""

# a conflicting row that the WHERE above left alone is locked by the INSERT, so SELECT_ONE sees it final


class QueryRepository:
    """The `queries` table behind the retrying database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record_accepted(self, query: RedactedQuery) -> bool:
        """Store the pending query; True if this call created the row."""
        params = accepted_params(query)

        def work(conn: psycopg.Connection[Any]) -> bool:
            row = conn.execute(_ACCEPTED, params).fetchone()
            return bool(row and row[0])

        return self.database.run(work, what="record_accepted")

    def record_result(self, result: QueryResult) -> Persisted:
        """Finalise the query unless it already is; return the outcome as stored."""
        params = result_params(result)

        def work(conn: psycopg.Connection[Any]) -> Persisted:
            with conn.cursor(row_factory=dict_row) as cur:
                row = cur.execute(_RESULT, params).fetchone()
                if row is not None:
                    return Persisted(row_to_result(row), changed=True)
                existing = cur.execute(SELECT_ONE, (result.query_id,)).fetchone()
                if existing is None:  # cannot happen: the INSERT either inserted or hit this row
                    raise RuntimeError("query row vanished during upsert")
                return Persisted(row_to_result(existing), changed=False)

        return self.database.run(work, what="record_result")

    def get(self, query_id: UUID) -> dict[str, Any] | None:
        """The raw row (for tests and operators)."""

        def work(conn: psycopg.Connection[Any]) -> dict[str, Any] | None:
            with conn.cursor(row_factory=dict_row) as cur:
                return cur.execute(SELECT_ONE, (query_id,)).fetchone()

        return self.database.run(work, what="get")
