"""rag_core's stage: a question withdrawn while it waited in the queue is not retrieved for."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest

from common.failures import FailureCode, PermanentFailure
from common.messages import RedactedQuery
from common.rabbit.worker import Progress
from rag_core.handler import QueryHandler, RetrievalLike


class NeverRetrieve:
    def retrieve(self, question: str, *, k: int = 5, earlier: Sequence[str] = ()) -> RetrievalLike:
        raise AssertionError("retrieval ran for a withdrawn question")


def test_a_question_cancelled_before_retrieval_fails_as_withdrawn_without_retrieving():
    query = RedactedQuery(query_id=uuid.uuid4(), redacted_question="Can I get a refund?", top_k=5)
    handler = QueryHandler(retriever=NeverRetrieve())
    with pytest.raises(PermanentFailure) as failure:
        handler(query, Progress(send=lambda _m: None, cancelled=lambda: True))
    assert failure.value.code == FailureCode.CANCELLED
