"""The shared worker runtime against the real RabbitMQ: ack after publish, failures, poison messages."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from common.failures import FailureCode, PermanentFailure
from common.messages import QueryResult, RedactedQuery
from common.rabbit.connection import properties_for
from common.rabbit.worker import Publish, Subscription, Worker
from common.settings import ServiceSettings
from common.topology import QUERY_ACCEPTED, QUERY_RESULT, Topology
from tests.support.broker import close_connections_named, queue_depth, wait_until

pytestmark = pytest.mark.integration


THREADS: list[str] = []  # where each handler call ran


def _handler(query: RedactedQuery) -> list[Publish]:
    THREADS.append(threading.current_thread().name)
    if "slow" in query.redacted_question:
        threading.Event().wait(0.3)
    if "permanent" in query.redacted_question:
        raise PermanentFailure(FailureCode.INDEX_UNAVAILABLE, "The knowledge base is not available.")
    if "crash" in query.redacted_question:
        raise RuntimeError("boom")
    result = QueryResult(query_id=query.query_id, status="answered", answer=query.redacted_question.upper())
    return [Publish(result, QUERY_RESULT)]


@pytest.fixture(params=[False, True], ids=["pool", "inline"])
def worker(request: pytest.FixtureRequest, amqp_url: str, namespace: str) -> Iterator[Worker]:
    """Every test runs with the handler on the pool and with an `inline` subscription."""
    settings = ServiceSettings(amqp_url=amqp_url, namespace=namespace)
    topology = Topology(namespace)
    subscription = Subscription(
        topology.rag_queries, RedactedQuery, _handler, stage="rag_core", inline=request.param
    )
    THREADS.clear()
    w = Worker(settings=settings, subscriptions=[subscription], name=f"test-worker-{namespace}")
    thread = threading.Thread(target=w.run, kwargs={"install_signal_handlers": False}, daemon=True)
    thread.start()
    wait_until(lambda: w.health()["ok"], message="worker consuming")
    yield w
    w.stop()
    thread.join(10)
    assert not thread.is_alive()


def _publish(channel, namespace: str, body: bytes, message_id: str) -> None:
    query = RedactedQuery(query_id=uuid.UUID(message_id), redacted_question="x")
    channel.basic_publish(
        Topology(namespace).events, QUERY_ACCEPTED, body, properties_for(query, message_id=message_id)
    )


def _results(channel, namespace: str, expected: int) -> list[QueryResult]:
    queue = Topology(namespace).psql_results
    from tests.conftest import AMQP_URL

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
    wait_until(lambda: worker.health()["in_flight"] == 0)
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
    wait_until(lambda: not worker.health()["ok"], timeout=5, message="worker noticed")
    wait_until(lambda: worker.health()["ok"], timeout=15, message="worker reconnected")
    _send(channel, namespace, "again")
    [result] = _results(channel, namespace, 1)
    assert result.answer == "AGAIN"


def test_inline_handlers_run_one_at_a_time_on_the_connection_thread(worker, channel, namespace, amqp_url):
    inline = worker.subscriptions[0].inline
    _send(channel, namespace, "slow one")  # in flight for 0.3 s ...
    wait_until(lambda: len(THREADS) == 1, message="first message taken")
    _send(channel, namespace, "second")  # ... so this one arrives while the worker is busy
    results = _results(channel, namespace, 2)
    assert sorted(r.answer or "" for r in results) == ["SECOND", "SLOW ONE"]
    wait_until(lambda: worker.health()["in_flight"] == 0)
    assert queue_depth(amqp_url, Topology(namespace).rag_queries) == 0
    pool = [name.startswith(f"{worker.name}-work") for name in THREADS]
    # inline: the first runs on the connection thread, which is then busy, so the broker's second
    # delivery waits in the socket until the first is acked and finds the worker idle again
    assert pool == ([False, False] if inline else [True, True])
