"""Message versions (the rule in common/messages.py): within a major version old and new services read
each other's messages; a major version a consumer does not know is refused."""

from __future__ import annotations

import json
import uuid

import pytest
from pydantic import ValidationError

from common.failures import FailureCode
from common.messages import QueryResult, RedactedQuery

QID = uuid.uuid4()
# a RedactedQuery as the gateway sent it before `llm_provider` was added (commit c7ce4f6)
OLD_QUERY = {
    "schema_version": 1, "query_id": str(QID), "redacted_question": "Refund for <PERSON>'s fridge?",
    "pii_found": ["PERSON"], "top_k": 5, "submitted_at": "2026-11-20T10:00:00Z",
    "timings_ms": {"redact": 4.1},
}


def test_a_new_consumer_reads_an_old_producer_s_message_with_the_new_field_s_default():
    query = RedactedQuery.model_validate_json(json.dumps(OLD_QUERY))
    assert query.llm_provider == "default" and query.redacted_question == OLD_QUERY["redacted_question"]


def test_an_old_consumer_reads_a_newer_producer_s_message_and_drops_what_it_does_not_know():
    newer = {**OLD_QUERY, "llm_provider": "extractive", "x_future_field": "key-7", "locale": "hi-IN"}
    query = RedactedQuery.model_validate_json(json.dumps(newer))
    assert query.llm_provider == "extractive" and query.top_k == 5
    assert "x_future_field" not in query.model_dump() and "locale" not in query.model_dump_json()
    # nested models follow the same rule: a newer llm_connector's citation field is dropped
    result = QueryResult.model_validate({
        "query_id": str(QID), "status": "answered", "answer": "Yes [1].",
        "citations": [{"source": "cpa.pdf", "section": "2(9)", "title": "t", "page": "4", "snippet": "s",
                       "paragraph": "(a)"}],
        "error": None, "streamed": True,
    })
    assert result.citations[0].section == "2(9)"


def test_a_failure_code_from_a_newer_stage_is_stored_as_sent_and_read_as_unknown():
    result = QueryResult.model_validate({
        "query_id": str(QID), "status": "failed",
        "error": {"stage": "reranker", "code": "reranker_unavailable", "message": "Try again later."},
    })
    assert result.error is not None and result.error.code == "reranker_unavailable"
    assert FailureCode.of(result.error.code) is FailureCode.UNKNOWN


def test_a_major_version_the_consumer_does_not_know_is_refused():
    with pytest.raises(ValidationError):
        RedactedQuery.model_validate_json(json.dumps({**OLD_QUERY, "schema_version": 2}))
