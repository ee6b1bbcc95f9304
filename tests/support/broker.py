"""Broker helpers for tests: publish, count and clean up one namespace's queues, run a worker."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator

import pika
import pika.exceptions

from common.messages import Message
from common.rabbit.connection import properties_for
from common.rabbit.worker import Worker
from common.topology import Topology

AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def _connect(amqp_url: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.URLParameters(amqp_url))


def delete_namespace(amqp_url: str, namespace: str) -> None:
    """Delete every queue and exchange the topology declares for `namespace`."""
    topology = Topology(namespace)
    with contextlib.closing(_connect(amqp_url)) as connection:
        for queue in [*topology.bindings(), topology.dead_letter_queue]:
            ch = connection.channel()
            with contextlib.suppress(pika.exceptions.ChannelClosedByBroker):
                ch.queue_delete(queue)
        for exchange in (topology.events, topology.dead_letter_exchange):
            ch = connection.channel()
            with contextlib.suppress(pika.exceptions.ChannelClosedByBroker):
                ch.exchange_delete(exchange)


def queue_depth(amqp_url: str, queue: str) -> int:
    """Messages ready in `queue` (0 if it does not exist)."""
    with contextlib.closing(_connect(amqp_url)) as connection:
        ch = connection.channel()
        try:
            return int(ch.queue_declare(queue, passive=True).method.message_count)
        except pika.exceptions.ChannelClosedByBroker:
            return 0


def publish_event(
    channel: pika.adapters.blocking_connection.BlockingChannel,
    namespace: str,
    message: Message,
    routing_key: str,
    *,
    reply_to: str | None = None,
    body: bytes | None = None,
) -> None:
    """Publish `message` to the namespace's events exchange as a service would (its query id as message
    id); `body` sends other bytes under the same properties (a broken or a newer producer's message)."""
    message_id = str(getattr(message, "query_id", ""))
    raw = body if body is not None else message.model_dump_json().encode()
    channel.basic_publish(
        Topology(namespace).events, routing_key, raw,
        properties_for(message, message_id=message_id, reply_to=reply_to), mandatory=True,
    )


@contextlib.contextmanager
def running(worker: Worker, *, timeout: float = 30) -> Iterator[Worker]:
    """Run `worker` in a thread until the block ends, as its service's entry point would."""
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False}, daemon=True)
    thread.start()
    try:
        wait_until(lambda: worker.readiness()["ok"], timeout=timeout, message=f"{worker.name} consuming")
        yield worker
    finally:
        worker.stop()
        thread.join(timeout)
    assert not thread.is_alive(), f"{worker.name} did not stop"


def wait_until(
    predicate, *, timeout: float = 20.0, interval: float = 0.1, message: str = "condition"
) -> None:
    """Poll `predicate` until true; fail the test with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class Tap:
    """A queue of its own bound to the namespace's events exchange: a copy of each message published
    under `routing_key` (every message by default)."""

    def __init__(self, amqp_url: str, namespace: str, routing_key: str = "#") -> None:
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()
        self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.queue, Topology(namespace).events, routing_key=routing_key)

    def drain(self) -> list[bytes]:
        """The bodies tapped since the last drain."""
        bodies = []
        while True:
            method, _props, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                return bodies
            bodies.append(body)

    def close(self) -> None:
        with contextlib.suppress(pika.exceptions.AMQPError):
            self.connection.close()


def close_connections_named(name: str) -> int:
    """Have the broker close every connection whose client-provided name is `name` (rabbitmqctl)."""
    import subprocess

    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "client_properties"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    closed = 0
    for line in listing.splitlines():
        if f'"{name}"' in line or f'<<"{name}">>' in line:
            pid = line.split("\t", 1)[0]
            subprocess.run(
                ["rabbitmqctl", "-q", "close_connection", pid, "test: forced close"],
                check=True,
                timeout=30,
                capture_output=True,
            )
            closed += 1
    return closed
