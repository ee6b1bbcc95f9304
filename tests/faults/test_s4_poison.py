"""Scenario 4: poison messages go to the dead-letter queue; everything else flows on."""

from __future__ import annotations

import contextlib
import time
import uuid

import pika
import pytest

from common.messages import RedactedQuery
from common.rabbit.connection import properties_for
from common.topology import CHUNKS_BATCH, DELIVERY_LIMIT, HANDLER_ATTEMPTS, QUERY_ACCEPTED
from tests.support.broker import wait_until
from tests.support.database import stored_row
from tests.support.faults import Burst, FaultStack, Figures, LogCursor, Tally, statuses, table_counts

pytestmark = [pytest.mark.faults, pytest.mark.e2e, pytest.mark.integration]

QUERIES = 80


def _publish(channel, exchange: str, routing_key: str, body: bytes, message_id: str | None) -> None:
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=2, message_id=message_id)
    channel.basic_publish(exchange, routing_key, body, properties, mandatory=True)


def _dead_letters(stack: FaultStack) -> list[tuple[str, dict, bytes]]:
    """Take every message out of the dead-letter queue: (queue it died in, headers, body)."""
    connection = pika.BlockingConnection(pika.URLParameters(stack.amqp_url))
    taken = []
    try:
        channel = connection.channel()
        while True:
            method, properties, body = channel.basic_get(stack.topology.dead_letter_queue, auto_ack=True)
            if method is None:
                return taken
            headers = properties.headers or {}
            death = (headers.get("x-death") or [{}])[0]
            taken.append((str(death.get("queue")), headers, body))
    finally:
        with contextlib.suppress(pika.exceptions.AMQPError):
            connection.close()


def test_poison_messages_are_dead_lettered_and_the_rest_flows_on(stack: FaultStack, figures: Figures):
    t = stack.topology
    rows_before, _ = table_counts(stack.database_url)
    pids = stack.pids()
    psql_log = LogCursor(stack.log("psql_worker"))
    not_json_id, unstorable_id = uuid.uuid4(), uuid.uuid4()
    unstorable = RedactedQuery(query_id=unstorable_id, redacted_question="q", top_k=2**40)  # > integer

    burst = Burst(stack.gateway_url, QUERIES, rate=10).start()
    burst.wait_done(10)
    injected_at = time.monotonic()
    connection = pika.BlockingConnection(pika.URLParameters(stack.amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    # 1. not even JSON, no query id, straight into rag_core's queue
    _publish(channel, "", t.rag_queries, b"\x00\xffnot json", None)
    # 2. JSON that is no RedactedQuery, on the live path with a query id: both consumers reject it,
    #    rag_core also reports a failure for that query id so the user would get a clear error
    _publish(channel, t.events, QUERY_ACCEPTED, b'{"query_id": "' + str(not_json_id).encode() + b'", "x": 1}',
             str(not_json_id))
    # 3. a valid message psql_worker cannot store (top_k overflows the column): redelivered, then dead
    channel.basic_publish("", t.psql_accepted, unstorable.model_dump_json().encode(),
                          properties_for(unstorable, message_id=str(unstorable_id)), mandatory=True)
    connection.close()

    wait_until(lambda: stack.dead_letters() == 4, timeout=60, interval=0.25, message="4 dead letters")
    dead_after_s = time.monotonic() - injected_at
    tally = Tally(burst.join())
    counts = tally.counts()
    settle_s = stack.settle(tally.accepted_ids | {not_json_id})
    rows_after, distinct_after = table_counts(stack.database_url)
    found = statuses(stack.database_url, tally.accepted_ids)
    dead = _dead_letters(stack)

    assert counts == {"answered": QUERIES, "failed": 0, "timeout": 0, "rejected": 0, "unconfirmed": 0,
                      "unexpected": 0}
    assert set(found) == tally.accepted_ids and set(found.values()) == {"answered"}
    # one row per accepted query, plus the failed row of the invalid live-path message
    assert rows_after - rows_before == QUERIES + 1 and rows_after == distinct_after
    failed = stored_row(stack.database_url, not_json_id)
    assert failed is not None and failed["status"] == "failed"
    assert (failed["error_stage"], failed["error_code"]) == ("rag_core", "invalid_message")
    assert stored_row(stack.database_url, unstorable_id) is None
    # exactly the poison, each from the queue that refused it
    assert sorted(q for q, _, _ in dead) == sorted([t.rag_queries, t.rag_queries, t.psql_accepted,
                                                     t.psql_accepted])
    by_body = {(q, body): headers for q, headers, body in dead}
    assert (t.rag_queries, b"\x00\xffnot json") in by_body
    unstorable_headers = by_body[(t.psql_accepted, unstorable.model_dump_json().encode())]
    # tried HANDLER_ATTEMPTS times, then rejected into the dead-letter queue
    assert unstorable_headers["x-death"][0]["reason"] == "rejected"
    assert psql_log.count("will be redelivered", query_id=unstorable_id) == HANDLER_ATTEMPTS - 1
    assert psql_log.count("failed on its last attempt", query_id=unstorable_id) == 1
    assert stack.dead_letters() == 0
    stack.assert_unchanged(pids)

    figures.record(
        "4 poison messages during burst",
        queries=QUERIES, accepted=tally.accepted, **counts, poison=4, dead_lettered=len(dead),
        lost=len(tally.accepted_ids - set(found)), duplicates=rows_after - distinct_after,
        dead_lettered_within_s=round(dead_after_s, 1), settle_s=round(settle_s, 1),
        unstorable_deliveries=HANDLER_ATTEMPTS,
    )


def test_a_message_no_consumer_ever_settles_is_dead_lettered_at_the_delivery_limit(stack: FaultStack):
    """The broker's backstop (a consumer that dies with the message every time): DELIVERY_LIMIT, then the DLQ.

    embedder.chunks has the same arguments as every work queue and no consumer in this stack, so the
    test plays the crashing consumer: it takes the message and gives it back unsettled, again and again.
    """
    queue = stack.topology.embedder_chunks
    connection = pika.BlockingConnection(pika.URLParameters(stack.amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        _publish(channel, stack.topology.events, CHUNKS_BATCH, b'{"crash": "every time"}', "crasher")
        deliveries = 0  # a consumer, not basic.get: the queue has a single active consumer
        for method, _props, _body in channel.consume(queue, inactivity_timeout=2.0):
            if method is None:
                wait_until(lambda: stack.dead_letters() == 1, timeout=10, message="the message dead-lettered")
                break
            deliveries += 1
            if deliveries > DELIVERY_LIMIT + 5:
                raise AssertionError(f"still deliverable after {deliveries} deliveries")
            channel.basic_nack(method.delivery_tag, requeue=True)
        channel.cancel()
    finally:
        connection.close()
    dead = _dead_letters(stack)
    assert deliveries == DELIVERY_LIMIT + 1
    assert [(q, body) for q, _, body in dead] == [(queue, b'{"crash": "every time"}')]
    assert dead[0][1]["x-death"][0]["reason"] == "delivery_limit"
    assert stack.dead_letters() == 0
