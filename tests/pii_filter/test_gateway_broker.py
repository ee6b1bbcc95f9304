"""The gateway's broker link against the real RabbitMQ: confirms, refusals, replies and reconnection."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable

import pika
import pytest

from common.messages import QueryResult, RedactedQuery
from common.topology import Topology
from pii_filter.broker import CONSUMER_CHECK_INTERVAL_S, BrokerUnavailable, GatewayBroker, PublishUnconfirmed
from tests.support.broker import close_connections_named

pytestmark = pytest.mark.timeout(120)


def _query() -> RedactedQuery:
    return RedactedQuery(query_id=uuid.uuid4(), redacted_question="Which commission hears a Rs 45 lakh claim")


async def _until(predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def _with_broker(amqp_url: str, namespace: str, body: Callable[[GatewayBroker], Awaitable[None]]) -> None:
    async def run() -> None:
        broker = GatewayBroker(amqp_url=amqp_url, topology=Topology(namespace), instance_id=f"gw-{namespace}",
                               reconnect_max_delay_s=0.5)
        await broker.start()
        try:
            await _until(lambda: broker.connected, "the gateway to connect")
            await body(broker)
        finally:
            await broker.stop()

    asyncio.run(run())


def _take_one(amqp_url: str, queue: str) -> tuple[pika.BasicProperties, bytes]:
    """The next message on `queue` (acked), via a plain pika connection."""
    with contextlib.closing(pika.BlockingConnection(pika.URLParameters(amqp_url))) as connection:
        channel = connection.channel()
        for _ in range(100):
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is not None:
                return properties, body
            connection.sleep(0.05)
    raise AssertionError(f"nothing arrived on {queue}")


def _reply(amqp_url: str, reply_to: str, result: QueryResult) -> None:
    with contextlib.closing(pika.BlockingConnection(pika.URLParameters(amqp_url))) as connection:
        connection.channel().basic_publish(
            "", reply_to, result.model_dump_json().encode(),
            pika.BasicProperties(correlation_id=str(result.query_id)),
        )


def test_a_query_is_confirmed_routed_and_its_reply_resolves_the_request(amqp_url, namespace):
    topology = Topology(namespace)

    async def body(broker: GatewayBroker) -> None:
        query = _query()
        reply = broker.expect_reply(str(query.query_id))
        await broker.publish_query(query)
        properties, raw = await asyncio.to_thread(_take_one, amqp_url, topology.rag_queries)
        assert RedactedQuery.model_validate_json(raw) == query
        assert properties.message_id == str(query.query_id) and properties.delivery_mode == 2
        assert properties.reply_to == broker.reply_queue
        result = QueryResult(query_id=query.query_id, status="answered", redacted_question="q", answer="a")
        await asyncio.to_thread(_reply, amqp_url, properties.reply_to, result)
        await asyncio.to_thread(_reply, amqp_url, properties.reply_to, result)  # the second is ignored
        assert (await asyncio.wait_for(reply, 10)).answer == "a"
        assert not broker._waiting

    _with_broker(amqp_url, namespace, body)


def test_an_unroutable_query_is_refused_not_left_unconfirmed(amqp_url, namespace):
    topology = Topology(namespace)

    async def body(broker: GatewayBroker) -> None:
        def delete_bound_queues() -> None:
            with contextlib.closing(pika.BlockingConnection(pika.URLParameters(amqp_url))) as connection:
                for queue in (topology.rag_queries, topology.psql_accepted):
                    connection.channel().queue_delete(queue)

        connection = broker._connection
        await asyncio.to_thread(delete_bound_queues)
        with pytest.raises(BrokerUnavailable) as refused:
            await broker.publish_query(_query())
        assert not isinstance(refused.value, PublishUnconfirmed)
        assert broker.connected  # a refusal is not a broken connection
        await asyncio.sleep(CONSUMER_CHECK_INTERVAL_S + 0.5)  # a consumer-count refresh misses the queues
        assert broker._connection is connection and broker.connected  # the same connection, still up
        assert broker.consumer_counts[topology.rag_queries] == 0 and not broker.ready()

    _with_broker(amqp_url, namespace, body)


def test_the_gateway_reconnects_after_the_broker_drops_it(amqp_url, namespace):
    topology = Topology(namespace)

    async def body(broker: GatewayBroker) -> None:
        closed = await asyncio.to_thread(close_connections_named, f"pii_filter-gw-{namespace}")
        assert closed == 1
        await _until(lambda: not broker.connected, "the gateway to notice the closed connection")
        with pytest.raises(BrokerUnavailable):
            await broker.publish_query(_query())
        await _until(lambda: broker.connected, "the gateway to reconnect")
        query = _query()
        reply = broker.expect_reply(str(query.query_id))
        await broker.publish_query(query)
        properties, _ = await asyncio.to_thread(_take_one, amqp_url, topology.rag_queries)
        result = QueryResult(query_id=query.query_id, status="answered", redacted_question="q", answer="b")
        await asyncio.to_thread(_reply, amqp_url, properties.reply_to, result)
        assert (await asyncio.wait_for(reply, 10)).answer == "b"

    _with_broker(amqp_url, namespace, body)


def test_not_connected_is_unavailable(namespace):
    async def run() -> None:
        broker = GatewayBroker(amqp_url="amqp://guest:guest@127.0.0.1:1/%2F", topology=Topology(namespace),
                               instance_id="nowhere", reconnect_max_delay_s=0.5)
        await broker.start()
        try:
            await asyncio.sleep(0.3)
            assert not broker.connected and not broker.ready()
            with pytest.raises(BrokerUnavailable) as refused:
                await broker.publish_query(_query())
            assert not isinstance(refused.value, PublishUnconfirmed)
        finally:
            await broker.stop()

    asyncio.run(run())
