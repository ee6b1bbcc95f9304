"""Handler unit tests with an in-memory store: reply with what is stored, never with what arrived."""

from __future__ import annotations

import uuid

import pytest

from common.messages import QueryResult, RedactedQuery
from common.rabbit.worker import Reply
from common.topology import Topology
from psql_worker.handlers import PERSISTED, PersistenceHandlers
from psql_worker.repository import Persisted


class FakeStore:
    """First final result wins, as the real table does; records every call."""

    def __init__(self, *, fail_with: Exception | None = None) -> None:
        self.pending: set[uuid.UUID] = set()
        self.final: dict[uuid.UUID, QueryResult] = {}
        self.calls: list[str] = []
        self.fail_with = fail_with

    def record_accepted(self, query: RedactedQuery) -> bool:
        self.calls.append("accepted")
        if self.fail_with:
            raise self.fail_with
        known = query.query_id in self.pending or query.query_id in self.final
        self.pending.add(query.query_id)
        return not known

    def record_result(self, result: QueryResult) -> Persisted:
        self.calls.append("result")
        if self.fail_with:
            raise self.fail_with
        if result.query_id in self.final:
            return Persisted(self.final[result.query_id], changed=False)
        self.final[result.query_id] = result
        return Persisted(result, changed=True)


def _count(kind: str, outcome: str) -> float:
    return PERSISTED.labels(kind=kind, outcome=outcome)._value.get()


def test_accepted_is_stored_and_sends_nothing():
    store = FakeStore()
    handlers = PersistenceHandlers(store=store)
    query = RedactedQuery(query_id=uuid.uuid4(), redacted_question="q")
    before = _count("accepted", "duplicate")
    assert handlers.on_accepted(query) == []
    assert handlers.on_accepted(query) == []
    assert store.calls == ["accepted", "accepted"]
    assert _count("accepted", "duplicate") - before == 1


def test_result_is_stored_then_replied():
    store = FakeStore()
    result = QueryResult(query_id=uuid.uuid4(), status="answered", answer="a", answered=True)
    assert PersistenceHandlers(store=store).on_result(result) == [Reply(result)]
    assert store.final[result.query_id] == result


def test_duplicate_result_is_answered_with_the_stored_outcome():
    store = FakeStore()
    handlers = PersistenceHandlers(store=store)
    qid = uuid.uuid4()
    first = QueryResult(query_id=qid, status="answered", answer="first", answered=True)
    second = QueryResult.failure(query_id=qid, stage="llm_connector", code="timeout", message="slow")
    before = _count("result", "duplicate")
    handlers.on_result(first)
    assert handlers.on_result(second) == [Reply(first)]
    assert _count("result", "duplicate") - before == 1


def test_store_errors_propagate_so_the_message_is_not_acked():
    handlers = PersistenceHandlers(store=FakeStore(fail_with=RuntimeError("disk on fire")))
    with pytest.raises(RuntimeError):
        handlers.on_result(QueryResult(query_id=uuid.uuid4(), status="answered"))
    with pytest.raises(RuntimeError):
        handlers.on_accepted(RedactedQuery(query_id=uuid.uuid4(), redacted_question="q"))


def test_subscriptions_cover_both_queues_with_their_models():
    handlers = PersistenceHandlers(store=FakeStore())
    topology = Topology("x")
    subs = {s.queue: s for s in handlers.subscriptions(topology)}
    assert subs[topology.psql_accepted].model is RedactedQuery
    assert subs[topology.psql_accepted].handler == handlers.on_accepted
    assert subs[topology.psql_results].model is QueryResult
    assert subs[topology.psql_results].handler == handlers.on_result
    assert {s.stage for s in subs.values()} == {"psql_worker"}
