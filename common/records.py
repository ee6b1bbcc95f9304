"""The `queries` and `feedback` tables and the models, both ways: the one mapping of a row.

psql_worker writes `queries` rows with `accepted_params` / `result_params` and replies with
`StoredQuery.result()`; the gateway reads them the same way (GET /queries/{id}, the answer after a lost
reply, the spend). The gateway writes `feedback` rows itself (`feedback_params`, UPSERT_FEEDBACK).
The tables and their migrations belong to psql_worker (psql_worker/migrations/).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from psycopg.types.json import Jsonb
from pydantic import Field

from common.messages import Citation, Model, QueryResult, RedactedQuery, StageError, TokenUsage

log = logging.getLogger(__name__)

SELECT_ONE = "SELECT * FROM queries WHERE query_id = %s"
# a conversation's turns, oldest first (queries_conversation_idx)
SELECT_CONVERSATION = (
    "SELECT * FROM queries WHERE conversation_id = %s ORDER BY submitted_at NULLS LAST, created_at, query_id"
)
SPEND_SINCE = "SELECT COALESCE(sum(cost_usd), 0) FROM queries WHERE completed_at >= %s"
# one row per query: feedback given again replaces the earlier one
UPSERT_FEEDBACK = """
INSERT INTO feedback (query_id, helpful, comment, comment_pii_found)
VALUES (%(query_id)s, %(helpful)s, %(comment)s, %(comment_pii_found)s)
ON CONFLICT (query_id) DO UPDATE SET
    helpful = EXCLUDED.helpful, comment = EXCLUDED.comment,
    comment_pii_found = EXCLUDED.comment_pii_found, updated_at = now()
"""


class QueryRecord(Model):
    """A persisted query as GET /queries/{query_id} returns it: pending, answered or failed."""

    query_id: UUID
    status: Literal["pending", "answered", "failed"]
    redacted_question: str | None = None
    pii_found: list[str] = Field(default_factory=list)
    answer: str | None = None
    answered: bool | None = None
    citations: list[Citation] = Field(default_factory=list)
    model: str = ""
    provider: str = ""
    timings_ms: dict[str, float] = Field(default_factory=dict)
    error: StageError | None = None
    submitted_at: datetime | None = None
    completed_at: datetime | None = None


class StoredQuery(QueryRecord):
    """One row of `queries`: the public record plus what only the services read (`record()` drops it)."""

    top_k: int | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage)
    owner: str = ""  # who asked (pii_filter.auth.owner_of): only they, or an operator, read the record
    conversation_id: UUID | None = None
    created_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> StoredQuery:
        """A row as psycopg's dict_row returns it (SELECT *): columns named like fields map as they are."""
        error = None
        if row["error_code"] is not None:
            error = StageError(stage=row["error_stage"] or "", code=row["error_code"],
                               message=row["error_message"] or "")
        usage = TokenUsage(input_tokens=row["input_tokens"], output_tokens=row["output_tokens"],
                           cost_usd=float(row["cost_usd"]))
        return cls.model_validate({**row, "error": error, "usage": usage})

    def record(self) -> QueryRecord:
        """The part a person may see (GET /queries/{id})."""
        return QueryRecord.model_validate(dict(self))

    @property
    def final(self) -> bool:
        return self.status != "pending"

    def result(self) -> QueryResult:
        """The QueryResult of a final row, as the gateway receives it."""
        if not self.final or self.completed_at is None:
            raise ValueError("a pending query has no result yet")
        return QueryResult.model_validate({**dict(self), "answered": bool(self.answered)})


def row_to_result(row: Mapping[str, Any]) -> QueryResult:
    """A final row as its QueryResult (ValueError for a pending one)."""
    return StoredQuery.from_row(row).result()


def accepted_params(query: RedactedQuery) -> dict[str, Any]:
    """The columns an accepted query fills in."""
    return {
        "query_id": query.query_id,
        "redacted_question": _text(query.redacted_question),
        "pii_found": [_text(p) for p in query.pii_found],
        "top_k": query.top_k,
        "submitted_at": query.submitted_at,
        "timings_ms": Jsonb(_timings(query.timings_ms)),
        "owner": _text(query.owner),
        "conversation_id": query.conversation_id,
    }


def result_params(result: QueryResult) -> dict[str, Any]:
    """The columns a final result fills in."""
    error = result.error
    return {
        "query_id": result.query_id,
        "status": result.status,
        "redacted_question": _text(result.redacted_question),
        "pii_found": [_text(p) for p in result.pii_found],
        "answer": _text(result.answer),
        "answered": result.answered,
        "citations": Jsonb([_clean(c.model_dump(mode="json")) for c in result.citations]),
        "model": _text(result.model),
        "provider": _text(result.provider),
        "input_tokens": max(0, result.usage.input_tokens),
        "output_tokens": max(0, result.usage.output_tokens),
        "cost_usd": _money(result.usage.cost_usd),
        "error_stage": _text(error.stage) if error else None,
        "error_code": _text(error.code) if error else None,
        "error_message": _text(error.message) if error else None,
        "timings_ms": Jsonb(_timings(result.timings_ms)),
        "submitted_at": result.submitted_at,
        "completed_at": result.completed_at,
    }


def feedback_params(*, query_id: UUID, helpful: bool, comment: str | None,
                    comment_pii_found: list[str]) -> dict[str, Any]:
    """The columns of a feedback row; `comment` is the redacted comment."""
    return {
        "query_id": query_id,
        "helpful": helpful,
        "comment": _text(comment),
        "comment_pii_found": [_text(p) for p in comment_pii_found],
    }


# PostgreSQL text and jsonb cannot hold NUL characters, and JSON has no NaN: a message carrying
# them must still be stored (or the query would never end), so they are dropped before writing.


def _text(value: str | None) -> str | None:
    return value.replace("\x00", "") if value is not None else None


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _timings(timings: dict[str, float]) -> dict[str, float]:
    return {_clean(k): v for k, v in timings.items() if math.isfinite(v)}


def _money(value: float) -> Decimal:
    if not math.isfinite(value) or value < 0:
        log.warning("result carries an invalid cost (%r); stored as 0", value)
        return Decimal(0)
    return Decimal(str(value)).quantize(Decimal("0.00000001"))
