"""Broker helpers for tests: declare, drain, count and clean up one namespace's queues."""

from __future__ import annotations

import contextlib
import time

import pika
import pika.exceptions

from common.topology import Topology


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
