"""The real psql_worker (Worker + pool + repository) against the real RabbitMQ and a fresh database."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from common.failures import FailureCode
from common.messages import QueryResult
from common.rabbit.worker import Worker
from common.topology import QUERY_ACCEPTED, QUERY_RESULT, Topology
from psql_worker.db import DB_RETRIES, Database
from psql_worker.service import build
from psql_worker.settings import PersistenceSettings
from tests.support.broker import publish_event, queue_depth, wait_until
from tests.support.database import PG_ADMIN_URL
from tests.support.queries import accepted_query, answered_result

pytestmark = pytest.mark.integration


@dataclass
class Running:
    worker: Worker
    database: Database
    thread: threading.Thread
    name: str


@pytest.fixture
def running(amqp_url, namespace, migrated_url) -> Iterator[Running]:
    settings = PersistenceSettings(amqp_url=amqp_url, namespace=namespace, database_url=migrated_url,
                                   health_port=0, database_retry_max_delay_s=0.5)
    stop = threading.Event()
    name = f"psql-test-{namespace}"
    worker, database = build(settings, stop=stop, name=name)
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False}, daemon=True)
    thread.start()
    wait_until(lambda: worker.readiness()["ok"], message="worker consuming with a database")
    yield Running(worker, database, thread, name)
    stop.set()
    worker.stop()
    thread.join(30)
    database.close()
    assert not thread.is_alive()


@pytest.fixture
def reply_queue(channel) -> str:
    return channel.queue_declare("", exclusive=True).method.queue


def _rows(url: str) -> dict[uuid.UUID, tuple[str, str | None]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT query_id, status, answer FROM queries").fetchall()
    return {qid: (status, answer) for qid, status, answer in rows}


def _drain_replies(channel, queue: str, expected: int, timeout: float = 30) -> list[QueryResult]:
    replies: list[QueryResult] = []
    deadline = time.monotonic() + timeout
    while len(replies) < expected and time.monotonic() < deadline:
        method, _props, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            time.sleep(0.05)
            continue
        replies.append(QueryResult.model_validate_json(body))
    return replies


def test_burst_with_duplicates_persists_each_query_once_and_replies_after_storing(
    running, channel, namespace, amqp_url, migrated_url, reply_queue
):
    n = 60
    ids = [uuid.uuid4() for _ in range(n)]
    failed = set(ids[::5])
    late_accepted = set(ids[1::7]) - failed  # their accepted event is published after the result
    published_results = 0
    for qid in ids:
        if qid not in late_accepted:
            publish_event(channel, namespace, accepted_query(qid), QUERY_ACCEPTED)
    for qid in ids:
        if qid in failed:
            result = QueryResult.failure(query_id=qid, stage="rag_core", code=FailureCode.INDEX_UNAVAILABLE,
                                         message="none")
        else:
            result = answered_result(qid, f"answer-{qid.hex[:6]}")
        publish_event(channel, namespace, result, QUERY_RESULT, reply_to=reply_queue)
        published_results += 1
    for qid in ids[::3]:  # redeliveries and competing results
        publish_event(channel, namespace, answered_result(qid, "second"), QUERY_RESULT, reply_to=reply_queue)
        published_results += 1
    for qid in late_accepted:
        publish_event(channel, namespace, accepted_query(qid), QUERY_ACCEPTED)

    replies = _drain_replies(channel, reply_queue, published_results)
    assert len(replies) == published_results

    rows = _rows(migrated_url)
    assert set(rows) == set(ids)
    assert all(status in ("answered", "failed") for status, _ in rows.values())
    for qid in set(ids) - set(ids[::3]):  # only one result was sent for these
        assert rows[qid][0] == ("failed" if qid in failed else "answered")
    by_query = defaultdict(list)
    for reply in replies:
        by_query[reply.query_id].append(reply)
    for qid, answers in by_query.items():  # every reply for a query is the one stored outcome
        status, answer = rows[qid]
        assert all(r.status == status and r.answer == answer for r in answers)
    wait_until(lambda: running.worker.readiness()["in_flight"] == 0, message="all acked")
    topology = Topology(namespace)
    assert queue_depth(amqp_url, topology.psql_results) == 0
    assert queue_depth(amqp_url, topology.psql_accepted) == 0
    assert queue_depth(amqp_url, topology.dead_letter_queue) == 0
    with psycopg.connect(migrated_url) as conn:
        late = conn.execute("SELECT count(*) FROM queries WHERE query_id = ANY(%s) AND top_k IS NOT NULL "
                            "AND status <> 'pending'", (list(late_accepted),)).fetchone()[0]
    assert late == len(late_accepted)


def test_health_includes_the_database(running):
    state = running.worker.readiness()
    assert state["ok"] is True and state["database_connected"] is True and state["broker_connected"]


@contextlib.contextmanager
def _database_outage(database_url: str, application_name: str) -> Iterator[None]:
    """Refuse new connections to one database and cut the worker's existing ones."""
    dbname = database_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND application_name = %s",
                (dbname, application_name),
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')


@pytest.mark.faults
def test_database_outage_loses_and_duplicates_nothing(
    running, channel, namespace, amqp_url, migrated_url, reply_queue
):
    before_outage = [uuid.uuid4() for _ in range(10)]
    during_outage = [uuid.uuid4() for _ in range(40)]
    for qid in before_outage:
        publish_event(channel, namespace, accepted_query(qid), QUERY_ACCEPTED)
        publish_event(channel, namespace, answered_result(qid, "early"), QUERY_RESULT, reply_to=reply_queue)
    assert len(_drain_replies(channel, reply_queue, len(before_outage))) == len(before_outage)
    retries_before = DB_RETRIES._value.get()

    with _database_outage(migrated_url, running.name):
        for qid in during_outage:
            publish_event(channel, namespace, accepted_query(qid), QUERY_ACCEPTED)
            during = answered_result(qid, "during")
            publish_event(channel, namespace, during, QUERY_RESULT, reply_to=reply_queue)
            publish_event(channel, namespace, during, QUERY_RESULT, reply_to=reply_queue)  # redelivery
        wait_until(lambda: not running.worker.readiness()["ok"], timeout=10,
                   message="/ready shows the outage")
        assert running.worker.readiness()["database_connected"] is False
        time.sleep(5)
        assert running.thread.is_alive()
        assert DB_RETRIES._value.get() > retries_before
        assert channel.basic_get(reply_queue, auto_ack=False)[0] is None, "replied before storing"

    replies = _drain_replies(channel, reply_queue, 2 * len(during_outage), timeout=60)
    assert len(replies) == 2 * len(during_outage)
    assert {r.query_id for r in replies} == set(during_outage)
    rows = _rows(migrated_url)
    assert len(rows) == len(before_outage) + len(during_outage)
    assert all(rows[qid] == ("answered", "during") for qid in during_outage)
    wait_until(lambda: running.worker.readiness()["ok"], timeout=15, message="healthy again")
    wait_until(lambda: running.worker.readiness()["in_flight"] == 0, message="all acked")
    topology = Topology(namespace)
    assert queue_depth(amqp_url, topology.dead_letter_queue) == 0
    assert queue_depth(amqp_url, topology.psql_results) == 0
    assert queue_depth(amqp_url, topology.psql_accepted) == 0
    assert running.thread.is_alive()
