"""The scaling signal: each stage's waiting messages per consumer, as a gauge and as CloudWatch EMF lines."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass, field

import pika
import pytest
from prometheus_client.parser import text_string_to_metric_families

from common.messages import RedactedQuery
from common.rabbit.connection import properties_for
from common.topology import Topology
from pii_filter.backlog import METRIC_NAME, BacklogSignal, backlog_per_consumer, emf_lines
from tests.support.broker import wait_until
from tests.support.gateway import gateway, metrics

TOPOLOGY = Topology("cr")


def test_backlog_per_consumer_of_each_stage():
    messages = {TOPOLOGY.rag_queries: 12, TOPOLOGY.llm_prompts: 3, TOPOLOGY.psql_accepted: 5,
                TOPOLOGY.psql_results: 7}
    consumers = {TOPOLOGY.rag_queries: 4, TOPOLOGY.llm_prompts: 0, TOPOLOGY.psql_accepted: 2,
                 TOPOLOGY.psql_results: 2}
    assert backlog_per_consumer(TOPOLOGY, messages=messages, consumers=consumers) == {
        "rag_core": 3.0,
        "llm_connector": 3.0,  # no consumer counts as one: a stalled stage still asks for tasks
        "psql_worker": 6.0,  # both of its queues, over the replicas that consume them
    }
    # a queue not polled yet gives no figure (a zero would tell the autoscaler to scale in)
    assert backlog_per_consumer(TOPOLOGY, messages={TOPOLOGY.rag_queries: 1}, consumers={}) == {
        "rag_core": 1.0}


def test_the_cloudwatch_records_follow_the_embedded_metric_format():
    lines = emf_lines({"rag_core": 2.5, "psql_worker": 0.0}, namespace="ConsumerRights", deployment="cr")
    records = [json.loads(line) for line in lines]
    assert len(records) == 2
    for record, (stage, value) in zip(records, [("rag_core", 2.5), ("psql_worker", 0.0)], strict=True):
        directive, = record["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "ConsumerRights"
        assert directive["Dimensions"] == [["Stage", "Deployment"]]
        assert directive["Metrics"] == [{"Name": METRIC_NAME, "Unit": "Count"}]
        assert isinstance(record["_aws"]["Timestamp"], int)
        assert (record["Stage"], record["Deployment"], record[METRIC_NAME]) == (stage, "cr", value)


@dataclass
class Counts:
    connected: bool = True
    consumer_counts: dict[str, int] = field(default_factory=dict)
    message_counts: dict[str, int] = field(default_factory=dict)


def test_records_are_written_only_with_a_namespace_and_a_figure():
    out = io.StringIO()
    counts = Counts(message_counts={TOPOLOGY.rag_queries: 4}, consumer_counts={TOPOLOGY.rag_queries: 2})
    BacklogSignal(broker=counts, topology=TOPOLOGY, out=out).emit({"rag_core": 2.0})
    assert out.getvalue() == ""  # no CloudWatch namespace configured (local use)
    signal = BacklogSignal(broker=counts, topology=TOPOLOGY, cloudwatch_namespace="ConsumerRights", out=out)
    signal.emit(signal.refresh())
    assert json.loads(out.getvalue())[METRIC_NAME] == 2.0
    counts.connected = False
    assert signal.refresh() == {}  # disconnected: the last figures are not repeated as if current


def _backlog(text: str) -> dict[str, float]:
    for family in text_string_to_metric_families(text):
        if family.name == "cr_stage_backlog_per_consumer":
            return {s.labels["stage"]: s.value for s in family.samples}
    return {}


@pytest.mark.integration
def test_the_gateway_exports_the_backlog_it_sees_on_the_broker(amqp_url, namespace):
    topology = Topology(namespace)
    with gateway(amqp_url, namespace) as client:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        try:
            channel = connection.channel()
            for _ in range(6):
                query = RedactedQuery(query_id=uuid.uuid4(), redacted_question="How?")
                channel.basic_publish("", topology.rag_queries, query.model_dump_json().encode(),
                                      properties_for(query, message_id=str(query.query_id)))
            wait_until(lambda: _backlog(metrics(client)).get("rag_core") == 6.0, timeout=15,
                       message="six waiting queries, no consumer")
            # two consumers each holding one unacknowledged message: four wait for two consumers
            channel.basic_qos(prefetch_count=1)
            for _ in range(2):
                channel.basic_consume(topology.rag_queries, lambda *args: None)
            connection.process_data_events(time_limit=0.5)
            wait_until(lambda: _backlog(metrics(client)).get("rag_core") == 2.0, timeout=15,
                       message="four waiting for two consumers")
        finally:
            connection.close()
