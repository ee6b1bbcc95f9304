"""The gateway's link to RabbitMQ, on the event loop: publishes queries and hands replies to the requests.

The AMQP connection (aio-pika) runs on the same asyncio loop as the HTTP server, so a query goes out
and its reply comes back without passing through another thread: on this kind of 2-core VM each
hand-over between threads cost 0.3 to 0.5 ms at concurrency 1. Replies arrive on a per-instance
queue (`reply_to`) keyed by the query id: first from the stage that ended the query, again from
psql_worker once the result is stored (the first one wins; the second covers a reply lost in a broker
restart). Persistence never depends on a reply.

The exchanges and queues are declared with the same `Topology.declare` every service uses, over a
short blocking connection in a worker thread, once per (re)connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aio_pika
import aio_pika.abc
import aio_pika.exceptions
import pika
import pika.exceptions
from pydantic import ValidationError
from yarl import URL

from common.messages import QueryResult, RedactedQuery
from common.rabbit.connection import JSON, Backoff, connection_parameters
from common.topology import QUERY_ACCEPTED, Topology
from pii_filter.metrics import QUEUE_CONSUMERS, QUEUE_MESSAGES

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5.0
CONSUMER_CHECK_INTERVAL_S = 2.0

# what a broken or closing connection raises from aio-pika / aiormq / the socket
_CONNECTION_ERRORS = (aio_pika.exceptions.AMQPError, ConnectionError, OSError, RuntimeError)


class BrokerUnavailable(Exception):
    """The query could not be handed to RabbitMQ (not connected, refused or unroutable)."""


class PublishUnconfirmed(BrokerUnavailable):
    """The query was sent but the connection failed before the broker confirmed it: it may be queued."""


class GatewayBroker:
    """Publishes redacted queries with confirms and resolves replies into the requests' futures."""

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
        self._stop = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None
        self._waiting: dict[str, asyncio.Future[QueryResult]] = {}
        self.consumer_counts: dict[str, int] = {}
        self.message_counts: dict[str, int] = {}  # ready (not yet delivered) messages of each work queue

    # -- lifecycle (the app's lifespan) --------------------------------------------------------------

    async def start(self) -> None:
        self._stop = asyncio.Event()  # bound to the loop that serves the app
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="gateway-broker")

    async def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout)

    @property
    def connected(self) -> bool:
        connection = self._connection
        return bool(connection is not None and not connection.is_closed and self._exchange is not None)

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

    # -- one query ------------------------------------------------------------------------------------

    def expect_reply(self, query_id: str) -> asyncio.Future[QueryResult]:
        """Register interest in the reply before publishing, so a fast reply is never missed."""
        future: asyncio.Future[QueryResult] = asyncio.get_running_loop().create_future()
        self._waiting[query_id] = future
        return future

    def forget(self, query_id: str) -> None:
        self._waiting.pop(query_id, None)

    async def publish_query(self, query: RedactedQuery) -> None:
        """Publish to the events exchange and wait for the broker's confirm."""
        loop = self._loop
        if loop is not None and loop is not asyncio.get_running_loop():
            # a request served on another event loop than the connection's (test harnesses do this)
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._publish(query), loop))
            return
        await self._publish(query)

    async def _publish(self, query: RedactedQuery) -> None:
        exchange = self._exchange
        if exchange is None or not self.connected:
            raise BrokerUnavailable("not connected to the message broker")
        key = str(query.query_id)
        # the properties every service sets (common.rabbit.connection.properties_for), in aio-pika's terms
        message = aio_pika.Message(
            body=query.model_dump_json().encode(),
            content_type=JSON,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=key,
            correlation_id=key,
            reply_to=self.reply_queue,
            type=type(query).__name__,
            headers={"schema_version": query.schema_version},
        )
        try:
            await exchange.publish(message, QUERY_ACCEPTED, mandatory=True, timeout=PUBLISH_TIMEOUT_S)
        except aio_pika.exceptions.DeliveryError as exc:  # nacked, or returned: no queue took it
            raise BrokerUnavailable(f"query not accepted by the broker: {exc.__class__.__name__}") from exc
        except aio_pika.exceptions.ChannelInvalidStateError as exc:  # closed before anything was sent
            raise BrokerUnavailable("not connected to the message broker") from exc
        except (TimeoutError, *_CONNECTION_ERRORS) as exc:  # sent, never confirmed: the broker may have it
            raise PublishUnconfirmed(f"publish not confirmed: {exc.__class__.__name__}") from exc

    async def _on_reply(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        future = self._waiting.pop(message.correlation_id or "", None)
        if future is None or future.done():
            return  # the request timed out, or this is the second reply: nothing to parse
        try:
            result = QueryResult.model_validate_json(message.body)
        except ValidationError:
            log.warning("unparseable reply ignored")
            return
        owner = future.get_loop()
        if owner is asyncio.get_running_loop():
            _resolve(future, result)
        else:  # the request waits on another event loop
            owner.call_soon_threadsafe(_resolve, future, result)

    # -- connection -----------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self._serve()
            except asyncio.CancelledError:
                raise
            except (*_CONNECTION_ERRORS, TimeoutError, pika.exceptions.AMQPError) as exc:
                log.warning("broker connection lost: %s", exc.__class__.__name__)
            except Exception:  # reconnect whatever broke the connection
                log.exception("broker connection failed unexpectedly; reconnecting")
            finally:
                self._exchange = None
                self._connection = None
                self.consumer_counts, self.message_counts = {}, {}
            if not self._stop.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self._backoff.next_delay())

    async def _serve(self) -> None:
        await asyncio.to_thread(self._declare_topology)
        url = URL(self.amqp_url).update_query(heartbeat=self.heartbeat_s)
        connection = await aio_pika.connect(
            url,
            timeout=CONNECT_TIMEOUT_S,
            client_properties={"connection_name": f"pii_filter-{self.instance_id}"},
        )
        try:
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            replies = await channel.declare_queue(
                self.reply_queue, durable=False, arguments={"x-expires": 60_000}
            )
            await replies.consume(self._on_reply, no_ack=True)
            checks = await connection.channel(publisher_confirms=False)  # for the passive declares
            exchange = await channel.get_exchange(self.topology.events, ensure=False)
            self._connection, self._exchange = connection, exchange
            self._backoff.reset()
            log.info("gateway connected to the broker; replies on %s", self.reply_queue)
            lost = asyncio.Event()
            connection.close_callbacks.add(lambda *_: lost.set())
            while not (self._stop.is_set() or lost.is_set()):
                checks = await self._refresh_consumer_counts(connection, checks)
                await _first_of(self._stop, lost, timeout=CONSUMER_CHECK_INTERVAL_S)
            if lost.is_set() and not self._stop.is_set():
                raise ConnectionError("the broker closed the connection")
        finally:
            self._exchange = None
            with contextlib.suppress(*_CONNECTION_ERRORS, TimeoutError):
                await connection.close()

    def _declare_topology(self) -> None:
        """Every exchange and queue, as the workers declare them (blocking pika, in a worker thread)."""
        params = connection_parameters(self.amqp_url, name=f"pii_filter-{self.instance_id}-setup")
        with contextlib.closing(pika.BlockingConnection(params)) as connection:
            self.topology.declare(connection.channel())

    async def _refresh_consumer_counts(
        self, connection: aio_pika.abc.AbstractConnection, channel: aio_pika.abc.AbstractChannel
    ) -> aio_pika.abc.AbstractChannel:
        """Consumers and messages of every work queue; returns the channel to use next time.

        A queue deleted under us counts as having no consumer (so /ready says 503); the broker closes
        the channel of a failed passive declare, and a new one is opened, not a new connection.
        """
        counts: dict[str, int] = {}
        messages: dict[str, int] = {}
        for queue in self.topology.bindings():
            if channel.is_closed:
                channel = await connection.channel(publisher_confirms=False)
            try:
                declared: Any = (await channel.declare_queue(queue, passive=True)).declaration_result
            except aio_pika.exceptions.ChannelNotFoundEntity:
                counts[queue] = 0
                continue
            counts[queue] = declared.consumer_count
            messages[queue] = declared.message_count
            QUEUE_CONSUMERS.labels(queue=queue).set(declared.consumer_count)
            QUEUE_MESSAGES.labels(queue=queue).set(declared.message_count)
        self.consumer_counts, self.message_counts = counts, messages
        return channel


async def _first_of(*events: asyncio.Event, timeout: float) -> None:
    """Wait until one of `events` is set, or `timeout` seconds."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _resolve(future: asyncio.Future[QueryResult], result: QueryResult) -> None:
    if not future.done():  # the request may have given up in the meantime
        future.set_result(result)
