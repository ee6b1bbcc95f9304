"""The gateway's link to RabbitMQ, on the event loop: publishes queries and hands replies to the requests.

The AMQP connection (pika's asyncio adapter, common/rabbit/aio.py) runs on the same asyncio loop as
the HTTP server, so a query goes out and its reply comes back without passing through another thread.
Replies arrive on a per-instance queue (`reply_to`) keyed by the query id: first from the stage that
ended the query, again from psql_worker once the result is stored (the first one wins; the second
covers a reply lost in a broker restart). Persistence never depends on a reply. A streamed query's
progress pieces (QueryProgress, at most once) arrive on the same queue and go to its listener; when
its person leaves, a QueryCancelled goes out to every stage instance that listens.

On each (re)connection the gateway declares the topology with the same calls every worker makes
(`Topology.declarations()`), then its reply queue, and checks every work queue's consumers every
CONSUMER_CHECK_INTERVAL_S for /ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import pika.exceptions
from pika.adapters.asyncio_connection import AsyncioConnection
from pydantic import ValidationError

from common.messages import QueryCancelled, QueryProgress, QueryResult, RedactedQuery
from common.rabbit.aio import AsyncChannel, PublishLost, PublishRefused, connect
from common.rabbit.connection import Backoff, node_parameters, properties_for
from common.topology import QUERY_ACCEPTED, QUERY_CANCELLED, Topology
from pii_filter.metrics import QUEUE_CONSUMERS, QUEUE_MESSAGES

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5.0
CONSUMER_CHECK_INTERVAL_S = 2.0

# what a broken or closing connection raises
_CONNECTION_ERRORS = (pika.exceptions.AMQPError, ConnectionError, OSError, TimeoutError)


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
        self._reply_generation = 0  # > 0 once a reply queue was lost with its cluster node
        self._backoff = Backoff(maximum=reconnect_max_delay_s)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connection: AsyncioConnection | None = None
        self._channel: AsyncChannel | None = None  # declares, consumes the replies, publishes
        self._waiting: dict[str, asyncio.Future[QueryResult]] = {}
        self._listening: dict[str, tuple[Callable[[QueryProgress], None], Callable[[], None]]] = {}
        self.consumer_counts: dict[str, int] = {}
        self.message_counts: dict[str, int] = {}  # ready (not yet delivered) messages of each work queue

    # -- lifecycle (the app's lifespan) --------------------------------------------------------------

    async def start(self) -> None:
        self._stop = asyncio.Event()  # bound to the loop that serves the app
        self._task = asyncio.create_task(self._run(), name="gateway-broker")

    async def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout)

    @property
    def connected(self) -> bool:
        connection, channel = self._connection, self._channel
        return bool(connection is not None and connection.is_open and channel is not None and channel.is_open)

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

    def listen(
        self, query_id: str, on_progress: Callable[[QueryProgress], None], on_lost: Callable[[], None]
    ) -> None:
        """Hand the query's progress pieces to `on_progress` (on the event loop) until `forget`; `on_lost`
        when the connection breaks (pieces were lost with it: the stream cannot go on as it was)."""
        self._listening[query_id] = (on_progress, on_lost)

    def forget(self, query_id: str) -> None:
        self._waiting.pop(query_id, None)
        self._listening.pop(query_id, None)

    def cancel(self, query_id: str) -> None:
        """Tell the stages that nobody waits for this query any more (at most once: no confirm awaited)."""
        channel = self._channel
        if channel is None or not self.connected:
            return
        message = QueryCancelled(query_id=query_id)
        try:
            confirmed = channel.publish(
                exchange=self.topology.events, routing_key=QUERY_CANCELLED,
                body=message.model_dump_json().encode(),
                properties=properties_for(message, message_id=query_id, persistent=False),
            )
        except pika.exceptions.AMQPError:
            return
        confirmed.add_done_callback(lambda f: f.cancelled() or f.exception())  # nobody awaits it

    async def publish_query(self, query: RedactedQuery) -> None:
        """Publish to the events exchange and wait for the broker's confirm."""
        channel = self._channel
        if channel is None or not self.connected:
            raise BrokerUnavailable("not connected to the message broker")
        key = str(query.query_id)
        try:
            confirmed = channel.publish(
                exchange=self.topology.events,
                routing_key=QUERY_ACCEPTED,
                body=query.model_dump_json().encode(),
                properties=properties_for(query, message_id=key, reply_to=self.reply_queue),
                mandatory=True,
            )
        except pika.exceptions.AMQPError as exc:  # closed before anything was sent
            raise BrokerUnavailable("not connected to the message broker") from exc
        try:
            await asyncio.wait_for(confirmed, PUBLISH_TIMEOUT_S)
        except PublishRefused as exc:  # nacked, or returned: no queue took it
            raise BrokerUnavailable(f"query not accepted by the broker: {exc}") from exc
        except (TimeoutError, PublishLost) as exc:  # sent, never confirmed: the broker may have it
            raise PublishUnconfirmed(f"publish not confirmed: {exc.__class__.__name__}") from exc

    def _on_reply(self, _channel: object, _method: object, properties: object, body: bytes) -> None:
        key = getattr(properties, "correlation_id", None) or ""
        if getattr(properties, "type", None) == QueryProgress.__name__:
            self._on_progress(key, body)
            return
        future = self._waiting.pop(key, None)
        if future is None or future.done():
            return  # the request timed out, or this is the second reply: nothing to parse
        try:
            result = QueryResult.model_validate_json(body)
        except ValidationError:
            log.warning("unparseable reply ignored")
            return
        future.set_result(result)

    def _on_progress(self, key: str, body: bytes) -> None:
        listener = self._listening.get(key)
        if listener is None:
            return  # not streamed, or its person has gone
        try:
            piece = QueryProgress.model_validate_json(body)
        except ValidationError:
            log.warning("unparseable progress piece ignored")
            return
        listener[0](piece)

    # -- connection -----------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self._serve()
            except asyncio.CancelledError:
                raise
            except _CONNECTION_ERRORS as exc:
                log.warning("broker connection lost: %s", exc.__class__.__name__)
            except Exception:  # reconnect whatever broke the connection
                log.exception("broker connection failed unexpectedly; reconnecting")
            finally:
                self._channel = None
                self._connection = None
                self.consumer_counts, self.message_counts = {}, {}
                for _on_progress, on_lost in list(self._listening.values()):
                    on_lost()
            if not self._stop.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self._backoff.next_delay())

    async def _serve(self) -> None:
        connection, closed = await self._connect()
        try:
            channel = await AsyncChannel.open(connection)
            for method, arguments in self.topology.declarations():
                await channel.call(method, **arguments)
            channel = await self._declare_reply_queue(connection, channel)
            await channel.call("basic_consume", queue=self.reply_queue, on_message_callback=self._on_reply,
                               auto_ack=True)
            await channel.confirm_deliveries()
            checks = await AsyncChannel.open(connection)  # for the passive declares
            self._connection, self._channel = connection, channel
            self._backoff.reset()
            log.info("gateway connected to the broker; replies on %s", self.reply_queue)
            while not (self._stop.is_set() or closed.done()):
                if not channel.is_open:
                    raise ConnectionError("the broker closed the gateway's channel")
                checks = await self._refresh_consumer_counts(connection, checks)
                await _sleep_unless(self._stop, closed, timeout=CONSUMER_CHECK_INTERVAL_S)
            if closed.done() and not self._stop.is_set():
                raise ConnectionError("the broker closed the connection")
        finally:
            self._channel = None
            if not (connection.is_closed or connection.is_closing):
                with contextlib.suppress(pika.exceptions.AMQPError):
                    connection.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(closed), CONNECT_TIMEOUT_S)

    async def _connect(self) -> tuple[AsyncioConnection, asyncio.Future[BaseException]]:
        """The first node of AMQP_URL (tried in a random order, as the workers do) that accepts."""
        nodes = node_parameters(
            self.amqp_url, name=f"pii_filter-{self.instance_id}", heartbeat=self.heartbeat_s
        )
        for attempt, params in enumerate(nodes, start=1):
            try:
                return await asyncio.wait_for(connect(params), CONNECT_TIMEOUT_S)
            except (pika.exceptions.AMQPError, OSError, TimeoutError) as exc:
                if attempt == len(nodes):
                    raise
                log.warning("broker node unreachable (%s): trying the next", exc.__class__.__name__)
        raise AssertionError("unreachable: node_parameters returns at least one node")

    async def _declare_reply_queue(
        self, connection: AsyncioConnection, channel: AsyncChannel
    ) -> AsyncChannel:
        """This instance's reply queue; a new one when the old one's cluster node is down (404 on declare).

        The old record is cleared only once the node has left, so waiting for it would keep the gateway
        disconnected; replies addressed to the old queue are lost and those queries fall back to their
        stored rows after the answer timeout.
        """
        method, arguments = self.topology.reply_queue_declaration(self._reply_instance)
        try:
            await channel.call(method, **arguments)
            return channel
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code != 404:
                raise
        self._reply_generation += 1
        self.reply_queue = self.topology.reply_queue(self._reply_instance)
        log.warning("reply queue unavailable on the cluster; replies now on %s", self.reply_queue)
        channel = await AsyncChannel.open(connection)
        method, arguments = self.topology.reply_queue_declaration(self._reply_instance)
        await channel.call(method, **arguments)
        return channel

    @property
    def _reply_instance(self) -> str:
        return f"{self.instance_id}-{self._reply_generation}" if self._reply_generation else self.instance_id

    async def _refresh_consumer_counts(
        self, connection: AsyncioConnection, checks: AsyncChannel
    ) -> AsyncChannel:
        """Consumers and messages of every work queue; returns the channel to use next time.

        A queue deleted under us counts as having no consumer (so /ready says 503); the broker closes
        the channel of a failed passive declare, and a new one is opened, not a new connection.
        """
        counts: dict[str, int] = {}
        messages: dict[str, int] = {}
        for queue in self.topology.bindings():
            if not checks.is_open:
                checks = await AsyncChannel.open(connection)
            try:
                declared = (await checks.call("queue_declare", queue=queue, passive=True)).method
            except pika.exceptions.ChannelClosedByBroker:  # 404: no such queue
                counts[queue] = 0
                continue
            counts[queue] = declared.consumer_count
            messages[queue] = declared.message_count
            QUEUE_CONSUMERS.labels(queue=queue).set(declared.consumer_count)
            QUEUE_MESSAGES.labels(queue=queue).set(declared.message_count)
        self.consumer_counts, self.message_counts = counts, messages
        return checks


async def _sleep_unless(stop: asyncio.Event, closed: asyncio.Future[Any], *, timeout: float) -> None:
    """Wait `timeout` seconds, or less if `stop` is set or the connection closes."""
    stopping: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([stopping, closed], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
