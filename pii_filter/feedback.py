"""POST /queries/{id}/feedback: whether an answer helped, with an optional comment redacted like a question.

Only the caller who asked the query may give feedback on it: anyone else, like an unknown id, gets 404
(an operator key reads every query but gives feedback only on its own). The comment leaves this
process only as its redaction; the row is written by the gateway (pii_filter/records.py says why).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol
from uuid import UUID

from fastapi.concurrency import run_in_threadpool

from common.records import StoredQuery
from pii_filter.errors import ApiError
from pii_filter.metrics import FEEDBACK
from pii_filter.query_flow import RedactionLike
from pii_filter.redaction.coverage import refusal
from pii_filter.redaction.normalise import normalise
from pii_filter.schemas import FeedbackReceipt, FeedbackRequest

MAX_COMMENT_CHARS = 1000


class FeedbackRecords(Protocol):
    def get(self, query_id: UUID) -> StoredQuery | None: ...

    def save_feedback(self, *, query_id: UUID, helpful: bool, comment: str | None,
                      comment_pii_found: list[str]) -> None: ...


async def give_feedback(
    *,
    query_id: UUID,
    body: FeedbackRequest,
    owner: str,
    records: FeedbackRecords | None,
    redact: Callable[[str], Awaitable[RedactionLike]],
) -> FeedbackReceipt:
    """Check the comment and the caller, redact the comment, store the feedback, count it."""
    comment = body.comment
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise ApiError(413, "comment_too_long", f"The comment is {len(comment)} characters long; "
                       f"the limit is {MAX_COMMENT_CHARS} characters.")
    refused = refusal(normalise(comment).text, what="comment") if comment else None
    if refused:
        raise ApiError(422, refused.code, refused.message)
    if records is None:
        raise ApiError(503, "records_unavailable", "Feedback cannot be stored on this gateway.")
    unavailable = ApiError(503, "records_unavailable",
                           "Feedback cannot be stored right now. Please try again shortly.")
    try:
        stored = await run_in_threadpool(records.get, query_id)
    except Exception as exc:
        raise unavailable from exc
    if stored is None or stored.owner != owner:  # the same answer either way
        raise ApiError(404, "not_found", f"No query with id {query_id}.")
    redaction = await redact(comment) if comment and comment.strip() else None
    try:
        await run_in_threadpool(
            records.save_feedback, query_id=query_id, helpful=body.helpful,
            comment=redaction.redacted if redaction else None,
            comment_pii_found=redaction.entity_types if redaction else [],
        )
    except Exception as exc:
        raise unavailable from exc
    FEEDBACK.labels(helpful="true" if body.helpful else "false").inc()
    return FeedbackReceipt(query_id=query_id, helpful=body.helpful)
