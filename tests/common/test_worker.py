"""The shared worker runtime against the real RabbitMQ: ack after publish, failures, poison messages."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from common.failure_events import report_failure
from common.failures import FailureCode, PermanentFailure
from common.messages import QueryResult, RedactedQuery
from common.rabbit.worker import Publish, Subscription, Worker
from common.settings import ServiceSettings
from common.topology import HANDLER_ATTEMPTS, QUERY_ACCEPTED, QUERY_RESULT, Topology
from tests.support.broker import (
    AMQP_URL,
    close_connections_named,
    publish_event,
    queue_depth,
    running,
    wait_until,
)

pytestmark = pytest.mark.integration


CALLS: list[tuple[str, str, float]] = []  # (question, thread, monotonic time) of each handler call


def _handler(query: RedactedQuery) -> list[Publish]:
    CALLS.append((query.redacted_question, threading.current_thread().name, time.monotonic()))
    if "slow" in query.redacted_question:
        threading.Event().wait(0.3)
    if "permanent" in query.redacted_question:
        raise PermanentFailure(FailureCode.INDEX_UNAVAILABLE, "The knowledge base is not available.")
    if "crash" in query.redacted_question:
        raise RuntimeError("boom")
    result = QueryResult(query_id=query.query_id, status="answered", answer=query.redacted_question.upper())
    return [Publish(result, QUERY_RESULT)]


@pytest.fixture(params=[4, 1], ids=["4 threads", "1 thread"])
def worker(request: pytest.FixtureRequest, amqp_url: str, namespace: str) -> Iterator[Worker]:
    """A rag_core-like worker with the live path's failure policy, with 4 handler threads and with 1."""
    settings = ServiceSettings(amqp_url=amqp_url, namespace=namespace)
    topology = Topology(namespace)
    subscription = Subscription(topology.rag_queries, RedactedQuery, _handler, stage="rag_core")
    CALLS.clear()
    w = Worker(settings=settings, subscriptions=[subscription], name=f"test-worker-{namespace}",
               threads=request.param, on_failure=report_failure)
    with running(w):
        yield w


def _publish(channel, namespace: str, body: bytes, message_id: str) -> None:
    """`body` under the properties the gateway would give a RedactedQuery with this query id."""
    query = RedactedQuery(query_id=uuid.UUID(message_id), redacted_question="x")
    publish_event(channel, namespace, query, QUERY_ACCEPTED, body=body)


def _results(channel, namespace: str, expected: int) -> list[QueryResult]:
    queue = Topology(namespace).psql_results
    wait_until(lambda: queue_depth(AMQP_URL, queue) >= expected, message=f"{expected} results")
    out = []
    for _ in range(expected):
        method, _props, body = channel.basic_get(queue, auto_ack=True)
        assert method is not None
        out.append(QueryResult.model_validate_json(body))
    return out


def _send(channel, namespace: str, text: str) -> uuid.UUID:
    qid = uuid.uuid4()
    body = RedactedQuery(query_id=qid, redacted_question=text).model_dump_json().encode()
    _publish(channel, namespace, body, str(qid))
    return qid


def test_handler_output_is_published_and_input_acked(worker, channel, namespace, amqp_url):
    qid = _send(channel, namespace, "hello")
    [result] = _results(channel, namespace, 1)
    assert result.query_id == qid and result.answer == "HELLO"
    wait_until(lambda: worker.readiness()["in_flight"] == 0)
    assert queue_depth(amqp_url, Topology(namespace).rag_queries) == 0


def test_permanent_failure_becomes_failure_event(worker, channel, namespace):
    qid = _send(channel, namespace, "permanent please")
    [result] = _results(channel, namespace, 1)
    assert result.query_id == qid and result.status == "failed"
    assert result.error and result.error.code == "index_unavailable" and result.error.stage == "rag_core"
    assert result.redacted_question == "permanent please"


def test_crashing_handler_is_retried_then_fails_once(worker, channel, namespace, amqp_url):
    qid = _send(channel, namespace, "crash always")
    [result] = _results(channel, namespace, 1)
    assert result.query_id == qid and result.status == "failed" and result.error.code == "internal_error"
    assert queue_depth(amqp_url, Topology(namespace).dead_letter_queue) == 0


def test_poison_message_is_dead_lettered_with_failure_event(worker, channel, namespace, amqp_url):
    qid = str(uuid.uuid4())
    _publish(channel, namespace, b"{not json", qid)
    [result] = _results(channel, namespace, 1)
    assert str(result.query_id) == qid and result.error.code == "invalid_message"
    wait_until(lambda: queue_depth(amqp_url, Topology(namespace).dead_letter_queue) == 1, message="DLQ")
    # the next good message still flows
    _send(channel, namespace, "after poison")
    [ok] = _results(channel, namespace, 1)
    assert ok.status == "answered"


def test_worker_reconnects_after_connection_is_closed_by_broker(worker, channel, namespace):
    close_connections_named(f"test-worker-{namespace}")
    wait_until(lambda: not worker.readiness()["ok"], timeout=5, message="worker noticed")
    wait_until(lambda: worker.readiness()["ok"], timeout=15, message="worker reconnected")
    _send(channel, namespace, "again")
    [result] = _results(channel, namespace, 1)
    assert result.answer == "AGAIN"


def test_handlers_run_on_the_pool_while_the_connection_thread_takes_the_next_message(
    worker, channel, namespace, amqp_url
):
    _send(channel, namespace, "slow one")  # in flight for 0.3 s ...
    wait_until(lambda: len(CALLS) == 1, message="first message taken")
    _send(channel, namespace, "second")  # ... while this one arrives
    results = _results(channel, namespace, 2)
    assert sorted(r.answer or "" for r in results) == ["SECOND", "SLOW ONE"]
    wait_until(lambda: worker.readiness()["in_flight"] == 0)
    assert queue_depth(amqp_url, Topology(namespace).rag_queries) == 0
    assert all(thread.startswith(f"{worker.name}-work") for _q, thread, _t in CALLS)


def test_a_retry_waits_on_a_timer_not_on_a_handler_thread(worker, channel, namespace):
    _send(channel, namespace, "crash always")
    wait_until(lambda: len(CALLS) == 1, message="first attempt made")
    _send(channel, namespace, "meanwhile")
    [first, second] = _results(channel, namespace, 2)
    assert (first.answer, second.status) == ("MEANWHILE", "failed")
    attempts = [t for q, _thread, t in CALLS if q == "crash always"]
    [meanwhile] = [t for q, _thread, t in CALLS if q == "meanwhile"]
    assert len(attempts) == HANDLER_ATTEMPTS
    # the second attempt comes 0.4 s after the first; with one handler thread, "meanwhile" ran in
    # between, so that thread was not held for the delay
    assert attempts[0] < meanwhile < attempts[1] - 0.15, (attempts, meanwhile)


def test_a_newer_producer_s_message_is_handled_and_a_new_major_version_is_refused(
    worker, channel, namespace, amqp_url
):
    newer, major = uuid.uuid4(), uuid.uuid4()
    body = RedactedQuery(query_id=newer, redacted_question="from a newer gateway").model_dump(mode="json")
    _publish(channel, namespace, json.dumps({**body, "x_future_field": "key-7"}).encode(), str(newer))
    [answered] = _results(channel, namespace, 1)
    assert answered.query_id == newer and answered.answer == "FROM A NEWER GATEWAY"
    body = RedactedQuery(query_id=major, redacted_question="v2").model_dump(mode="json")
    _publish(channel, namespace, json.dumps({**body, "schema_version": 2}).encode(), str(major))
    [refused] = _results(channel, namespace, 1)
    assert refused.query_id == major and refused.error and refused.error.code == "invalid_message"
    wait_until(lambda: queue_depth(amqp_url, Topology(namespace).dead_letter_queue) == 1, message="DLQ")
