"""The gateway's link to RabbitMQ: one I/O thread publishes queries and routes replies to waiting requests.

pika's BlockingConnection is not thread-safe, so every broker call runs on this module's thread;
the asyncio side hands work over with `add_callback_threadsafe` and gets results back through
futures. Replies arrive on a per-instance queue (`reply_to`) keyed by the query id: first from the
stage that ended the query, again from psql_worker once the result is stored (the first one wins;
the second covers a reply lost in a broker restart). Persistence never depends on a reply.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from typing import Any

import pika
import pika.exceptions
from pydantic import ValidationError

from common.messages import QueryResult, RedactedQuery
from common.rabbit.connection import Backoff, connection_parameters, properties_for
from common.topology import QUERY_ACCEPTED, Topology
from pii_filter.metrics import QUEUE_CONSUMERS, QUEUE_MESSAGES

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 5.0
CONSUMER_CHECK_INTERVAL_S = 2.0


class BrokerUnavailable(Exception):
    """The query could not be handed to RabbitMQ (not connected, or the publish was not confirmed)."""


class PublishUnconfirmed(BrokerUnavailable):
    """The query was sent but the connection failed before the broker confirmed it: it may be queued."""


# raised by basic_publish before anything was sent: the query certainly did not reach the broker
_NOT_SENT = (
    pika.exceptions.ConnectionWrongStateError,
    pika.exceptions.ChannelWrongStateError,
    pika.exceptions.UnroutableError,  # returned by the broker: no queue took it
    pika.exceptions.NackError,  # refused by the broker
)


class GatewayBroker:
    """Publishes redacted queries with confirms and resolves replies into asyncio futures."""

    def __init__(
        self,
        *,
        amqp_url: str,
        topology: Topology,
        instance_id: str,
        reconnect_max_delay_s: float = 30.0,
        heartbeat_s: int = 30,
    ) -> None:
        self.amqp_url = amqp_url
        self.heartbeat_s = heartbeat_s
        self.topology = topology
        self.instance_id = instance_id
        self.reply_queue = topology.reply_queue(instance_id)
        self._backoff = Backoff(maximum=reconnect_max_delay_s)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: pika.BlockingConnection | None = None
        self._channel: Any = None
        self._waiting: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Future[QueryResult]]] = {}
        self._lock = threading.Lock()
        self.consumer_counts: dict[str, int] = {}

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gateway-broker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    @property
    def connected(self) -> bool:
        connection = self._connection
        return bool(connection and connection.is_open and self._channel is not None)

    def ready(self) -> bool:
        """Connected, and every work queue of the live path has at least one consumer."""
        counts = self.consumer_counts
        queues = (
            self.topology.rag_queries,
            self.topology.llm_prompts,
            self.topology.psql_accepted,
            self.topology.psql_results,
        )
        return self.connected and all(counts.get(q, 0) > 0 for q in queues)

    # -- called from the event loop --------------------------------------------------------------------

    def expect_reply(self, query_id: str) -> asyncio.Future[QueryResult]:
        """Register interest in the reply before publishing, so a fast reply is never missed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[QueryResult] = loop.create_future()
        with self._lock:
            self._waiting[query_id] = (loop, future)
        return future

    def forget(self, query_id: str) -> None:
        with self._lock:
            self._waiting.pop(query_id, None)

    async def publish_query(self, query: RedactedQuery) -> None:
        """Publish to the events exchange and wait for the broker's confirm."""
        connection = self._connection
        if not self.connected or connection is None:
            raise BrokerUnavailable("not connected to the message broker")
        done: concurrent.futures.Future[None] = concurrent.futures.Future()
        try:
            connection.add_callback_threadsafe(lambda: self._publish(query, done))
        except (pika.exceptions.AMQPError, RuntimeError, OSError) as exc:
            raise BrokerUnavailable("not connected to the message broker") from exc
        try:
            await asyncio.wait_for(asyncio.wrap_future(done), timeout=PUBLISH_TIMEOUT_S)
        except BrokerUnavailable:
            raise
        except (TimeoutError, pika.exceptions.AMQPError, OSError) as exc:
            if done.running():  # sent (or being sent) and never confirmed: the broker may have it
                raise PublishUnconfirmed("the message broker did not confirm the query") from exc
            raise BrokerUnavailable("the message broker did not confirm the query") from exc

    # -- broker thread -------------------------------------------------------------------------------

    def _publish(self, query: RedactedQuery, done: concurrent.futures.Future[None]) -> None:
        if not done.set_running_or_notify_cancel():  # the request gave up before we got here
            return
        try:
            self._channel.basic_publish(
                exchange=self.topology.events,
                routing_key=QUERY_ACCEPTED,
                body=query.model_dump_json().encode(),
                properties=properties_for(query, message_id=str(query.query_id), reply_to=self.reply_queue),
                mandatory=True,
            )
        except _NOT_SENT as exc:
            done.set_exception(BrokerUnavailable(f"query not published: {exc.__class__.__name__}"))
        except Exception as exc:  # e.g. the connection closed while waiting for the confirm
            done.set_exception(PublishUnconfirmed(f"publish not confirmed: {exc.__class__.__name__}"))
        else:
            done.set_result(None)

    def _on_reply(self, _ch: Any, _method: Any, properties: pika.BasicProperties, body: bytes) -> None:
        try:
            result = QueryResult.model_validate_json(body)
        except ValidationError:
            log.warning("unparseable reply ignored")
            return
        key = properties.correlation_id or str(result.query_id)
        with self._lock:
            entry = self._waiting.pop(key, None)
        if entry is None:
            return  # the request already timed out or this is a redelivered duplicate
        loop, future = entry
        loop.call_soon_threadsafe(_resolve, future, result)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._serve()
            except (pika.exceptions.AMQPError, OSError) as exc:
                log.warning("broker connection lost: %s", exc.__class__.__name__)
            except Exception:  # e.g. pika's ValueError after a close inside a callback: reconnect anyway
                log.exception("broker connection failed unexpectedly; reconnecting")
            finally:
                self._channel = None
                self._connection = None
                self.consumer_counts = {}
            if not self._stop.is_set():
                self._backoff.wait(self._stop)

    def _serve(self) -> None:
        params = connection_parameters(
            self.amqp_url, name=f"pii_filter-{self.instance_id}", heartbeat=self.heartbeat_s
        )
        connection = pika.BlockingConnection(params)
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            self.topology.declare(channel)
            self.topology.declare_reply_queue(channel, self.instance_id)
            channel.basic_consume(self.reply_queue, self._on_reply, auto_ack=True)
            self._connection, self._channel = connection, channel
            self._backoff.reset()
            log.info("gateway connected to the broker; replies on %s", self.reply_queue)
            next_check = 0.0
            while not self._stop.is_set():
                if time.monotonic() >= next_check:
                    self._refresh_consumer_counts(channel)
                    next_check = time.monotonic() + CONSUMER_CHECK_INTERVAL_S
                connection.process_data_events(time_limit=0.5)
        finally:
            if connection.is_open:
                with contextlib.suppress(pika.exceptions.AMQPError):
                    connection.close()

    def _refresh_consumer_counts(self, channel: Any) -> None:
        counts = {}
        for queue in self.topology.bindings():
            declared = channel.queue_declare(queue, passive=True).method
            counts[queue] = declared.consumer_count
            QUEUE_CONSUMERS.labels(queue=queue).set(declared.consumer_count)
            QUEUE_MESSAGES.labels(queue=queue).set(declared.message_count)
        self.consumer_counts = counts


def _resolve(future: asyncio.Future[QueryResult], result: QueryResult) -> None:
    if not future.done():
        future.set_result(result)
