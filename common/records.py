"""The `queries` table and the models, both ways: the one mapping of a row.

psql_worker writes rows with `accepted_params` / `result_params` and replies with `StoredQuery.result()`;
the gateway reads them the same way (GET /queries/{id}, the answer after a lost reply, the spend).
The table and its migrations belong to psql_worker (psql_worker/migrations/).
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
SPEND_SINCE = "SELECT COALESCE(sum(cost_usd), 0) FROM queries WHERE completed_at >= %s"


class StoredQuery(Model):
    """One row of `queries`: pending until the first final result, then answered or failed."""

    query_id: UUID
    status: Literal["pending", "answered", "failed"]
    redacted_question: str | None = None
    pii_found: list[str] = Field(default_factory=list)
    top_k: int | None = None
    answer: str | None = None
    answered: bool | None = None
    citations: list[Citation] = Field(default_factory=list)
    model: str = ""
    provider: str = ""
    usage: TokenUsage = Field(default_factory=TokenUsage)
    error: StageError | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    submitted_at: datetime | None = None
    completed_at: datetime | None = None
    owner: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> StoredQuery:
        """A row as psycopg's dict_row returns it (SELECT *)."""
        error = None
        if row["error_code"] is not None:
            error = StageError(stage=row["error_stage"] or "", code=row["error_code"],
                               message=row["error_message"] or "")
        return cls(
            query_id=row["query_id"],
            status=row["status"],
            redacted_question=row["redacted_question"],
            pii_found=list(row["pii_found"]),
            top_k=row["top_k"],
            answer=row["answer"],
            answered=row["answered"],
            citations=row["citations"],
            model=row["model"],
            provider=row["provider"],
            usage=TokenUsage(input_tokens=row["input_tokens"], output_tokens=row["output_tokens"],
                             cost_usd=float(row["cost_usd"])),
            error=error,
            timings_ms=row["timings_ms"],
            submitted_at=row["submitted_at"],
            completed_at=row["completed_at"],
            owner=row["owner"],
        )

    @property
    def final(self) -> bool:
        return self.status != "pending"

    def result(self) -> QueryResult:
        """The QueryResult of a final row, as the gateway receives it."""
        if self.status == "pending" or self.completed_at is None:
            raise ValueError("a pending query has no result yet")
        return QueryResult(
            query_id=self.query_id,
            status=self.status,
            redacted_question=self.redacted_question,
            answer=self.answer,
            answered=bool(self.answered),
            citations=self.citations,
            model=self.model,
            provider=self.provider,
            usage=self.usage,
            error=self.error,
            pii_found=self.pii_found,
            submitted_at=self.submitted_at,
            completed_at=self.completed_at,
            timings_ms=self.timings_ms,
        )


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
