"""The consumer loop every worker runs: parse, work off the I/O thread, publish with confirms, then ack.

- Handlers get a pydantic model and return what to publish; they run in a thread pool, so a slow
  Bedrock call or database write never starves the connection's heartbeats. Nothing on the
  connection thread sleeps or blocks.
- The ack is sent only after every outgoing message is confirmed by the broker.
- A failure (`PermanentFailure`, an unparseable body, a handler that keeps raising) is handed to the
  worker's `on_failure` policy, which says what to publish instead (the live path's failure event,
  common/failure_events.py); without a policy, or when it returns nothing, the message is
  dead-lettered.
- Any other exception is retried by redelivery until HANDLER_ATTEMPTS, each time after a short delay
  kept by a timer on the connection (no thread waits for it); the last attempt is a failure.
- The connection is re-established with capped back-off; SIGTERM stops consuming, lets in-flight
  work finish (unfinished messages are requeued by the broker) and returns.
- A subscription with `progress=True` hands its handler a `Progress` too: pieces for the requester waiting
  on `reply_to` (QueryProgress: sent at once on a channel without confirms, at most once), and whether
  that requester has gone (the gateway's QueryCancelled, fanned out to a queue of this instance's own).
- /health reports `liveness()` (process, connection, consumer); /ready reports `readiness()`, which
  adds the worker's `readiness_checks` (e.g. the database of psql_worker).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from uuid import UUID

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel
from pydantic import ValidationError

from common.failures import FailureCode, PermanentFailure
from common.health import serve_health
from common.logging import query_context
from common.messages import Message, QueryCancelled
from common.metrics import MESSAGES, STAGE_SECONDS
from common.rabbit.connection import Backoff, node_parameters, properties_for
from common.settings import ServiceSettings
from common.topology import HANDLER_ATTEMPTS, Topology

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)


@dataclass(frozen=True)
class Publish:
    """Publish `message` to the events exchange under `routing_key`."""

    message: Message
    routing_key: str


@dataclass(frozen=True)
class Reply:
    """Send `message` to the queue named in the incoming message's `reply_to`, if any."""

    message: Message


Outgoing = Publish | Reply


@dataclass(frozen=True)
class Subscription(Generic[M]):
    """Consume `queue`, parse bodies as `model`, hand them to `handler`; with `progress`, as
    `handler(message, progress)`."""

    queue: str
    model: type[M]
    handler: Callable[..., Sequence[Outgoing]]
    stage: str
    progress: bool = False


class Progress:
    """One delivery's line to the requester waiting on its `reply_to`, for the handler to use as it works."""

    def __init__(
        self, *, send: Callable[[Message], None], cancelled: Callable[[], bool]
    ) -> None:
        self._send = send
        self._cancelled = cancelled

    def send(self, message: Message) -> None:
        """At most once and never blocking: a piece that does not arrive is covered by the final result."""
        self._send(message)

    @property
    def cancelled(self) -> bool:
        """The requester has gone: work that was only for them may stop (the query must still end)."""
        return self._cancelled()


class CancelledQueries:
    """Query ids whose requester has gone, for `ttl_s` (a cancellation can come before the query does)."""

    def __init__(self, *, ttl_s: float = 600.0, limit: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.limit = limit
        self._seen: OrderedDict[UUID, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, query_id: UUID) -> None:
        now = time.monotonic()
        with self._lock:
            self._seen[query_id] = now
            self._seen.move_to_end(query_id)
            while self._seen and (len(self._seen) > self.limit or self._oldest() < now - self.ttl_s):
                self._seen.popitem(last=False)

    def _oldest(self) -> float:
        return next(iter(self._seen.values()))

    def __contains__(self, query_id: object) -> bool:
        with self._lock:
            seen = self._seen.get(query_id)  # type: ignore[call-overload]
        return seen is not None and seen >= time.monotonic() - self.ttl_s


@dataclass(frozen=True)
class Failed:
    """A message this stage gives up on; `message` is None when its body could not be parsed."""

    message: Message | None
    query_id: UUID
    stage: str
    code: FailureCode
    text: str  # for people


# What to publish instead of the output of a failed message; nothing means: dead-letter it.
FailurePolicy = Callable[[Failed], Sequence[Outgoing]]
ReadinessCheck = Callable[[], dict[str, Any]]

INVALID_MESSAGE_TEXT = "The request could not be processed because an internal message was malformed."
INTERNAL_ERROR_TEXT = "The service could not complete this request. Please try again later."


def _query_id_of(message: Message | None, properties: pika.BasicProperties) -> UUID | None:
    value = getattr(message, "query_id", None) if message is not None else None
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(properties.message_id))
    except (TypeError, ValueError):
        return None


@dataclass(eq=False)  # compared and hashed by identity: one object per delivery
class _Delivery:
    channel: BlockingChannel
    tag: int
    properties: pika.BasicProperties
    subscription: Subscription[Any]
    started: float = field(default_factory=time.perf_counter)


class Worker:
    """Runs subscriptions against RabbitMQ until stopped."""

    def __init__(
        self,
        *,
        settings: ServiceSettings,
        subscriptions: Sequence[Subscription[Any]],
        name: str,
        prefetch: int = 4,
        threads: int = 4,
        on_failure: FailurePolicy | None = None,
        readiness_checks: Sequence[ReadinessCheck] = (),
        drain_timeout_s: float = 20.0,
    ) -> None:
        self.settings = settings
        self.topology: Topology = settings.topology
        self.subscriptions = list(subscriptions)
        self.name = name
        self.prefetch = prefetch
        self.on_failure = on_failure
        self.readiness_checks = list(readiness_checks)
        self.drain_timeout_s = drain_timeout_s
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"{name}-work")
        self._stop = threading.Event()
        self._connection: pika.BlockingConnection | None = None
        self._consuming = False
        self._pending: set[_Delivery] = set()  # received on the current connection, not yet settled
        self._lock = threading.Lock()
        self._last_tick = time.monotonic()
        self.cancelled = CancelledQueries()
        self._progress_channel: BlockingChannel | None = None

    @property
    def _in_flight(self) -> int:
        return len(self._pending)

    # -- lifecycle -------------------------------------------------------------------------------

    def run(self, *, install_signal_handlers: bool = True) -> None:
        """Consume until `stop()` (or SIGTERM/SIGINT); reconnects with capped back-off."""
        if install_signal_handlers:
            signal.signal(signal.SIGTERM, lambda *_: self.stop())
            signal.signal(signal.SIGINT, lambda *_: self.stop())
        port, host = self.settings.health_port, self.settings.health_host
        serve_health(port, ready=self.readiness, live=self.liveness, host=host)
        backoff = Backoff(maximum=self.settings.reconnect_max_delay_s)
        while not self._stop.is_set():
            try:
                self._consume_until_closed(backoff)
            except (pika.exceptions.AMQPError, OSError) as exc:
                log.warning("broker connection lost: %s", exc.__class__.__name__)
            except Exception:  # e.g. pika's ValueError after a close inside a callback: reconnect anyway
                log.exception("broker connection failed unexpectedly; reconnecting")
            finally:
                self._consuming = False
                self._connection = None
            if not self._stop.is_set():
                backoff.wait(self._stop)
        self._executor.shutdown(wait=True, cancel_futures=True)
        log.info("%s stopped", self.name)

    def stop(self) -> None:
        self._stop.set()

    def liveness(self) -> dict[str, Any]:
        """Process, broker connection and consumer alive: what /health (container checks) reports."""
        connection = self._connection
        alive = bool(connection and connection.is_open and self._consuming)
        return {
            "ok": alive and time.monotonic() - self._last_tick < 10,
            "service": self.name,
            "broker_connected": bool(connection and connection.is_open),
            "consuming": self._consuming,
        }

    def readiness(self) -> dict[str, Any]:
        """Liveness plus every readiness check (e.g. the database): what /ready reports."""
        state = {**self.liveness(), "in_flight": self._in_flight}
        for check in self.readiness_checks:
            extra = check()
            state.update({k: v for k, v in extra.items() if k != "ok"})
            state["ok"] = state["ok"] and bool(extra.get("ok", True))
        return state

    # -- connection thread ------------------------------------------------------------------------

    def _consume_until_closed(self, backoff: Backoff) -> None:
        params = node_parameters(
            self.settings.amqp_url, name=self.name, heartbeat=self.settings.amqp_heartbeat_s
        )
        connection = pika.BlockingConnection(params)
        self._connection = connection
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            self.topology.declare(channel)
            channel.basic_qos(prefetch_count=self.prefetch)
            if any(sub.progress for sub in self.subscriptions):
                self._open_progress_channel(connection)
            tags = [
                channel.basic_consume(sub.queue, self._on_message_for(channel, sub))
                for sub in self.subscriptions
            ]
            self._consuming = True
            backoff.reset()
            log.info("%s consuming %s", self.name, ", ".join(s.queue for s in self.subscriptions))
            while not self._stop.is_set():
                connection.process_data_events(time_limit=0.5)
                self._last_tick = time.monotonic()
            self._drain(connection, channel, tags)
        finally:
            self._consuming = False
            self._progress_channel = None
            if connection.is_open:
                with contextlib.suppress(pika.exceptions.AMQPError):
                    connection.close()
            self._forget_deliveries_of(connection)

    def _open_progress_channel(self, connection: pika.BlockingConnection) -> None:
        """A channel without confirms for progress pieces, consuming this instance's own cancellations."""
        progress = connection.channel()
        queue = progress.queue_declare("", exclusive=True, auto_delete=True).method.queue
        method, arguments = self.topology.cancellations_binding(queue)
        getattr(progress, method)(**arguments)
        progress.basic_consume(queue, self._on_cancelled, auto_ack=True)
        self._progress_channel = progress

    def _on_cancelled(self, _ch: BlockingChannel, _method: Any, _properties: Any, body: bytes) -> None:
        try:
            self.cancelled.add(QueryCancelled.model_validate_json(body).query_id)
        except ValidationError:
            log.warning("unparseable cancellation ignored")

    def _progress_for(self, delivery: _Delivery, query_id: UUID | None) -> Progress:
        connection, channel = self._connection, self._progress_channel
        reply_to = delivery.properties.reply_to

        def send(message: Message) -> None:
            if not reply_to or connection is None or channel is None:
                return
            body = message.model_dump_json().encode()
            properties = properties_for(message, message_id=str(query_id or ""), persistent=False)

            def publish() -> None:
                if channel.is_open:
                    with contextlib.suppress(pika.exceptions.AMQPError):
                        channel.basic_publish("", reply_to, body, properties)

            with contextlib.suppress(pika.exceptions.AMQPError, OSError, RuntimeError):
                connection.add_callback_threadsafe(publish)

        return Progress(send=send, cancelled=lambda: query_id is not None and query_id in self.cancelled)

    def _forget_deliveries_of(self, connection: pika.BlockingConnection) -> None:
        """The broker requeues what was unsettled on a closed connection; acks queued for it were dropped.

        pika discards callbacks still queued by add_callback_threadsafe when the connection closes, so
        their `_finish` never runs: without this, those deliveries stayed "in flight" forever and the
        next SIGTERM waited the whole drain timeout for them.
        """
        with self._lock:
            self._pending = {d for d in self._pending if d.channel.connection is not connection}

    def _drain(self, connection: pika.BlockingConnection, channel: BlockingChannel, tags: list[str]) -> None:
        """Stop taking new messages and give in-flight work time to publish and ack."""
        for tag in tags:
            channel.basic_cancel(tag)
        self._consuming = False
        deadline = time.monotonic() + self.drain_timeout_s
        while self._in_flight and time.monotonic() < deadline:
            connection.process_data_events(time_limit=0.1)
        if self._in_flight:
            log.warning(
                "%d messages still in flight at shutdown; the broker will redeliver them", self._in_flight
            )

    def _on_message_for(self, channel: BlockingChannel, sub: Subscription[Any]) -> Callable[..., None]:
        def on_message(
            ch: BlockingChannel, method: Any, properties: pika.BasicProperties, body: bytes
        ) -> None:
            delivery = _Delivery(channel, method.delivery_tag, properties, sub)
            try:
                message = sub.model.model_validate_json(body)
            except ValidationError:
                self._reject_poison(delivery)
                return
            with self._lock:
                self._pending.add(delivery)
            self._executor.submit(self._work, delivery, message)

        return on_message

    def _reject_poison(self, delivery: _Delivery) -> None:
        """Unparseable body: tell the user (if the policy knows how) and dead-letter the message."""
        sub = delivery.subscription
        query_id = _query_id_of(None, delivery.properties)
        with query_context(query_id):
            log.warning("invalid message on %s dead-lettered", sub.queue)
        MESSAGES.labels(queue=sub.queue, outcome="invalid").inc()
        try:
            outgoing = self._failure(None, query_id, sub.stage, FailureCode.INVALID_MESSAGE,
                                     INVALID_MESSAGE_TEXT)
            if outgoing:
                self._publish(delivery, outgoing)
            delivery.channel.basic_reject(delivery.tag, requeue=False)
        except (pika.exceptions.UnroutableError, pika.exceptions.NackError):
            delivery.channel.basic_nack(delivery.tag, requeue=True)

    def _publish(self, delivery: _Delivery, outgoing: Sequence[Outgoing]) -> None:
        incoming = delivery.properties
        for item in outgoing:
            message_id = str(getattr(item.message, "query_id", None) or incoming.message_id or "")
            if isinstance(item, Reply):
                if not incoming.reply_to:
                    continue
                try:
                    delivery.channel.basic_publish(
                        exchange="",
                        routing_key=incoming.reply_to,
                        body=item.message.model_dump_json().encode(),
                        properties=properties_for(item.message, message_id=message_id),
                    )
                except (pika.exceptions.UnroutableError, pika.exceptions.NackError):
                    # a reply is a courtesy to the waiting request, never what finishes the query: a
                    # gateway's reply queue that went down with its cluster node is nacked by the broker,
                    # and retrying the message would only meet the same refusal (until dead-lettered)
                    log.warning("reply not accepted by the broker (its queue is gone); publishing on")
            else:
                delivery.channel.basic_publish(
                    exchange=self.topology.events,
                    routing_key=item.routing_key,
                    body=item.message.model_dump_json().encode(),
                    properties=properties_for(
                        item.message, message_id=message_id, reply_to=incoming.reply_to
                    ),
                    mandatory=True,
                )

    def _finish(self, delivery: _Delivery, outgoing: Sequence[Outgoing] | None, outcome: str) -> None:
        """On the connection thread: publish results, then ack; or requeue / dead-letter when None."""
        try:
            if not delivery.channel.is_open:
                return  # the broker requeues it for us
            if outgoing is None:
                delivery.channel.basic_nack(delivery.tag, requeue=outcome == "retry")
            else:
                try:
                    self._publish(delivery, outgoing)
                except (pika.exceptions.UnroutableError, pika.exceptions.NackError):
                    log.warning("publish not confirmed; message requeued")
                    delivery.channel.basic_nack(delivery.tag, requeue=True)
                    outcome = "requeued"
                else:
                    delivery.channel.basic_ack(delivery.tag)
            queue = delivery.subscription.queue
            MESSAGES.labels(queue=queue, outcome=outcome).inc()
            STAGE_SECONDS.labels(queue=queue).observe(time.perf_counter() - delivery.started)
        finally:
            with self._lock:
                self._pending.discard(delivery)

    # -- worker threads ---------------------------------------------------------------------------

    def _work(self, delivery: _Delivery, message: Message) -> None:
        outgoing, outcome = self._handle(delivery, message)
        delay = self._retry_delay(delivery) if outcome == "retry" else 0.0
        self._call_on_connection(delivery, outgoing, outcome, delay)

    def _handle(self, delivery: _Delivery, message: Message) -> tuple[Sequence[Outgoing] | None, str]:
        """Run the handler: (what to publish, outcome), or (None, outcome) to requeue / dead-letter."""
        sub = delivery.subscription
        query_id = _query_id_of(message, delivery.properties)
        outgoing: Sequence[Outgoing] | None
        with query_context(query_id):
            try:
                if sub.progress:
                    return sub.handler(message, self._progress_for(delivery, query_id)), "ok"
                return sub.handler(message), "ok"
            except PermanentFailure as exc:
                log.warning("%s failed: %s", sub.stage, exc.code)
                outgoing = self._failure(message, query_id, sub.stage, exc.code, exc.message)
            except Exception:
                attempts = _attempt(delivery)
                if attempts < HANDLER_ATTEMPTS:
                    log.exception("%s failed (attempt %d); will be redelivered", sub.stage, attempts)
                    return None, "retry"
                log.exception("%s failed on its last attempt", sub.stage)
                outgoing = self._failure(message, query_id, sub.stage, FailureCode.INTERNAL_ERROR,
                                         INTERNAL_ERROR_TEXT)
        return (outgoing, "failed") if outgoing else (None, "dead_lettered")

    @staticmethod
    def _retry_delay(delivery: _Delivery) -> float:
        """Seconds before a failed attempt goes back to the queue: 0.4, 0.8, 1.6 ... (at most 5)."""
        return min(5.0, 0.2 * 2 ** _attempt(delivery))

    def _failure(
        self, message: Message | None, query_id: UUID | None, stage: str, code: FailureCode, text: str
    ) -> Sequence[Outgoing] | None:
        """What the failure policy publishes instead; None (dead-letter) without a policy or a query id."""
        if self.on_failure is None or query_id is None:
            return None
        return self.on_failure(Failed(message, query_id, stage, code, text)) or None

    def _call_on_connection(
        self, delivery: _Delivery, outgoing: Sequence[Outgoing] | None, outcome: str, delay: float = 0.0
    ) -> None:
        """Hand the outcome to the connection thread; after `delay` seconds on its timer, if given."""
        connection = self._connection

        def finish() -> None:
            self._finish(delivery, outgoing, outcome)

        def schedule() -> None:
            if delay and connection is not None:
                connection.call_later(delay, finish)
            else:
                finish()

        try:
            if connection is None or not connection.is_open:
                raise pika.exceptions.ConnectionWrongStateError("connection closed")
            connection.add_callback_threadsafe(schedule)
        except (pika.exceptions.AMQPError, OSError, RuntimeError):
            with self._lock:
                self._pending.discard(delivery)
            log.warning("connection gone before ack; the broker will redeliver")


def _attempt(delivery: _Delivery) -> int:
    """Which delivery of this message this is (1 for the first), from the quorum queue's count."""
    return int((delivery.properties.headers or {}).get("x-delivery-count", 0)) + 1
