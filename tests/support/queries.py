"""Messages of the live path as the services send them, for the persistence and records tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from common.messages import Citation, QueryResult, RedactedQuery, TokenUsage

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def accepted_query(qid: uuid.UUID, **kw) -> RedactedQuery:
    """A RedactedQuery as the gateway publishes it; `kw` overrides any field."""
    defaults = dict(redacted_question="My <PERSON> seller refuses a refund", pii_found=["PERSON"],
                    top_k=7, submitted_at=T0, timings_ms={"redact": 12.5})
    return RedactedQuery(query_id=qid, **{**defaults, **kw})


def answered_result(qid: uuid.UUID, answer: str = "You can file a complaint [1].", **kw) -> QueryResult:
    """An answered QueryResult as llm_connector publishes it; `kw` overrides any field."""
    defaults = dict(
        status="answered", redacted_question="My <PERSON> seller refuses a refund", answer=answer,
        answered=True, model="anthropic.claude-3-haiku", provider="bedrock",
        citations=[Citation(source="cpa2019.pdf", section="35", title="Manner of complaint", page="21",
                            snippet="A complaint ... may be filed")],
        usage=TokenUsage(input_tokens=900, output_tokens=120, cost_usd=0.000375),
        pii_found=["PERSON"], submitted_at=T0, completed_at=T0 + timedelta(seconds=3),
        timings_ms={"retrieve": 40.0, "llm": 2100.0},
    )
    return QueryResult(query_id=qid, **{**defaults, **kw})
