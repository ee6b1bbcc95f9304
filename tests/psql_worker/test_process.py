"""`python -m psql_worker` as a real process: clean SIGTERM, and SIGKILL again and again during a burst."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pika
import psycopg
import pytest

from common.messages import Message, QueryResult, RedactedQuery
from common.rabbit.connection import properties_for
from common.topology import QUERY_ACCEPTED, QUERY_RESULT, Topology
from deploy.local import free_port
from tests.support.broker import queue_depth, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.faults]

REPO = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """Starts (and restarts) the worker with this test's database, namespace and health port."""

    def __init__(self, *, amqp_url: str, namespace: str, database_url: str, log_path: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ, "AMQP_URL": amqp_url, "NAMESPACE": namespace, "DATABASE_URL": database_url,
            "HEALTH_PORT": str(self.port), "ENVIRONMENT": "test", "LOG_FORMAT": "text",
            "DATABASE_RETRY_MAX_DELAY_S": "0.5",
        }
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child process
        self.proc = subprocess.Popen([sys.executable, "-m", "psql_worker"], cwd=REPO, env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.starts += 1

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=3) as response:
                return response.status == 200
        except OSError:
            return False

    def kill(self, sig: int = signal.SIGKILL) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.proc.wait(30)


@pytest.fixture
def process(amqp_url, namespace, database_url, tmp_path) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(amqp_url=amqp_url, namespace=namespace, database_url=database_url,
                           log_path=tmp_path / "psql_worker.log")
    yield worker
    if worker.proc is not None and worker.proc.poll() is None:
        worker.kill()


def _publish_all(amqp_url: str, namespace: str, messages: list[tuple[Message, str]], reply_to: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        ch = connection.channel()
        ch.confirm_delivery()
        exchange = Topology(namespace).events
        for message, routing_key in messages:
            qid = str(message.query_id)  # type: ignore[attr-defined]
            reply = reply_to if routing_key == QUERY_RESULT else None
            ch.basic_publish(exchange, routing_key, message.model_dump_json().encode(),
                             properties_for(message, message_id=qid, reply_to=reply), mandatory=True)
    finally:
        connection.close()


def _count_final(database_url: str) -> int:
    with contextlib.suppress(psycopg.Error), psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM queries WHERE status <> 'pending'").fetchone()[0]
    return -1


def test_sigterm_stops_cleanly(process: WorkerProcess):
    process.start()
    wait_until(process.healthy, timeout=30, message="worker healthy")
    assert process.kill(signal.SIGTERM) == 0


def test_repeated_sigkill_during_a_burst_loses_and_duplicates_nothing(
    process: WorkerProcess, amqp_url, namespace, database_url, channel
):
    n = 500
    reply_queue = channel.queue_declare("", exclusive=True).method.queue
    ids = [uuid.uuid4() for _ in range(n)]
    messages: list[tuple[Message, str]] = []
    for qid in ids:
        messages.append((RedactedQuery(query_id=qid, redacted_question="q", top_k=4), QUERY_ACCEPTED))
        result = QueryResult(query_id=qid, status="answered", answer="a", answered=True)
        messages.append((result, QUERY_RESULT))

    process.start()
    wait_until(process.healthy, timeout=30, message="worker healthy")
    publisher = threading.Thread(target=_publish_all, args=(amqp_url, namespace, messages, reply_queue))
    publisher.start()
    persisted_at_kill = []
    for _ in range(6):  # kill mid-burst, restart, repeat
        time.sleep(0.8)
        assert process.kill() == -signal.SIGKILL
        persisted_at_kill.append(_count_final(database_url))
        process.start()
    publisher.join(120)
    assert not publisher.is_alive()
    print("results persisted at each kill:", persisted_at_kill)
    assert any(0 < count < n for count in persisted_at_kill), "no kill landed in the middle of the burst"

    wait_until(lambda: _count_final(database_url) == n, timeout=120, message="every result persisted")
    topology = Topology(namespace)
    wait_until(lambda: queue_depth(amqp_url, topology.psql_results) == 0
               and queue_depth(amqp_url, topology.psql_accepted) == 0, timeout=60, message="queues drained")
    wait_until(process.healthy, timeout=30, message="worker healthy after the kills")

    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT query_id, status, top_k FROM queries").fetchall()
    assert len(rows) == n and {r[0] for r in rows} == set(ids)
    assert all(status == "answered" for _, status, _ in rows)
    replied: set[uuid.UUID] = set()
    while True:
        method, _props, body = channel.basic_get(reply_queue, auto_ack=True)
        if method is None:
            break
        replied.add(QueryResult.model_validate_json(body).query_id)
    # a reply can repeat (published, then killed before the ack) but none is missing
    assert replied == set(ids)
    assert queue_depth(amqp_url, topology.dead_letter_queue) == 0
    assert process.starts == 7
