"""Connection parameters, message properties and the capped back-off used on every reconnect."""

from __future__ import annotations

import random
import threading

import pika

from common.messages import Message

JSON = "application/json"
PERSISTENT = pika.DeliveryMode.Persistent
TRANSIENT = pika.DeliveryMode.Transient


def connection_parameters(url: str, *, name: str, heartbeat: int = 30) -> pika.URLParameters:
    """URL parameters with a heartbeat, a short connect timeout and a name the broker UI shows."""
    params = pika.URLParameters(url)
    params.heartbeat = heartbeat
    params.blocked_connection_timeout = 30
    params.socket_timeout = 5
    params.connection_attempts = 1
    params.client_properties = {"connection_name": name}
    return params


def broker_urls(amqp_url: str) -> list[str]:
    """AMQP_URL's nodes: one URL, or several separated by commas (the nodes of a RabbitMQ cluster)."""
    urls = [part.strip() for part in amqp_url.split(",") if part.strip()]
    if not urls:
        raise ValueError("AMQP_URL names no broker")
    return urls


def node_parameters(amqp_url: str, *, name: str, heartbeat: int = 30) -> list[pika.URLParameters]:
    """Parameters for every node of AMQP_URL in a random order: pika tries them in turn, so a connection
    fails over to the next node, and replicas spread over the cluster instead of all taking the first."""
    urls = broker_urls(amqp_url)
    random.shuffle(urls)
    return [connection_parameters(url, name=name, heartbeat=heartbeat) for url in urls]


def properties_for(
    message: Message,
    *,
    message_id: str,
    reply_to: str | None = None,
    correlation_id: str | None = None,
    persistent: bool = True,
) -> pika.BasicProperties:
    """JSON with the query id as message_id, so duplicates are recognisable; persistent unless it is a
    progress piece or a cancellation (at most once: nothing is lost that the final result does not carry)."""
    return pika.BasicProperties(
        content_type=JSON,
        delivery_mode=PERSISTENT if persistent else TRANSIENT,
        message_id=message_id,
        correlation_id=correlation_id or message_id,
        reply_to=reply_to,
        type=type(message).__name__,
        headers={"schema_version": message.schema_version},
    )


class Backoff:
    """Capped exponential back-off with jitter; `wait` returns early when `stop` is set."""

    def __init__(self, *, initial: float = 0.25, maximum: float = 30.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._attempt = 0

    def reset(self) -> None:
        self._attempt = 0

    def next_delay(self) -> float:
        delay = min(self.maximum, self.initial * (2**self._attempt))
        self._attempt += 1
        return delay * random.uniform(0.8, 1.0)

    def wait(self, stop: threading.Event) -> None:
        stop.wait(self.next_delay())
