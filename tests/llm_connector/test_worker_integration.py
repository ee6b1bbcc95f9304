"""llm_connector in the real Worker against the real RabbitMQ: one prompt in, exactly one result out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import boto3
import pytest

from common.messages import QueryResult
from common.rabbit.worker import Worker
from common.topology import PROMPT_BUILT, Topology
from llm_connector.provider import LlmProvider, build_provider
from llm_connector.service import build_worker
from llm_connector.settings import LlmSettings
from tests.support.broker import publish_event, queue_depth, running, wait_until
from tests.support.fake_bedrock import FakeBedrock, error
from tests.support.prompts import E_FILING, LIMITATION, grounded

pytestmark = pytest.mark.integration


def _run_worker(settings: LlmSettings, provider: LlmProvider) -> Iterator[Worker]:
    worker = build_worker(settings, provider=provider, name=f"llm-connector-test-{settings.namespace}")
    with running(worker, timeout=15):
        yield worker


def _take_results(channel, amqp_url: str, namespace: str, timeout: float = 30) -> list[QueryResult]:
    """Wait for one result, then make sure no second one follows."""
    queue = Topology(namespace).psql_results
    wait_until(lambda: queue_depth(amqp_url, queue) >= 1, timeout=timeout, message="a QueryResult")
    time.sleep(1.0)
    results = []
    while True:
        method, _props, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return results
        results.append(QueryResult.model_validate_json(body))


@pytest.fixture
def extractive_worker(amqp_url, namespace) -> Iterator[Worker]:
    settings = LlmSettings(amqp_url=amqp_url, namespace=namespace, llm_provider="extractive", health_port=0)
    yield from _run_worker(settings, build_provider(settings))


@pytest.fixture
def failing_bedrock() -> Iterator[FakeBedrock]:
    fake = FakeBedrock(lambda _n, _request: error(503, "ServiceUnavailableException")).start()
    yield fake
    fake.stop()


@pytest.fixture
def bedrock_worker(amqp_url, namespace, failing_bedrock) -> Iterator[Worker]:
    settings = LlmSettings(
        amqp_url=amqp_url,
        namespace=namespace,
        llm_provider="bedrock",
        health_port=0,
        bedrock_endpoint_url=failing_bedrock.url,
        bedrock_max_attempts=3,
    )
    session = boto3.session.Session(aws_access_key_id="test-key-id", aws_secret_access_key="test-secret")
    yield from _run_worker(settings, build_provider(settings, session=session))


def test_extractive_worker_publishes_exactly_one_answer(extractive_worker, channel, namespace, amqp_url):
    prompt = grounded(
        "Within how many years must a complaint be filed?",
        [LIMITATION, E_FILING],
        pii_found=["PERSON"],
        query_timings={"pii_filter": 5.0},
        prompt_timings={"retrieval": 30.0},
    )
    publish_event(channel, namespace, prompt, PROMPT_BUILT)
    [result] = _take_results(channel, amqp_url, namespace)
    assert result.query_id == prompt.query_id and result.status == "answered" and result.answered
    assert result.provider == "extractive" and result.citations[0].section == "69"
    assert "[1]" in result.answer and result.pii_found == ["PERSON"]
    assert {"pii_filter", "retrieval", "llm"} <= set(result.timings_ms)
    wait_until(lambda: extractive_worker.readiness()["in_flight"] == 0, message="acked")
    assert queue_depth(amqp_url, Topology(namespace).llm_prompts) == 0


def test_persistently_failing_bedrock_gives_one_failure_and_no_redelivery(
    bedrock_worker, failing_bedrock, channel, namespace, amqp_url
):
    prompt = grounded("Within how many years must a complaint be filed?", [LIMITATION])
    publish_event(channel, namespace, prompt, PROMPT_BUILT)
    [result] = _take_results(channel, amqp_url, namespace)
    assert result.query_id == prompt.query_id and result.status == "failed" and not result.answered
    assert result.error is not None
    assert (result.error.stage, result.error.code) == ("llm_connector", "llm_unavailable")
    assert (
        result.error.message
        == "The answering service is temporarily unavailable. Please try again in a few minutes."
    )
    assert result.redacted_question == prompt.query.redacted_question
    # one delivery, botocore's three attempts, no redelivery loop, nothing left behind
    assert len(failing_bedrock.requests) == 3
    wait_until(lambda: bedrock_worker.readiness()["in_flight"] == 0, message="acked")
    bedrock_worker.stop()  # an unacked prompt would now return to its queue
    wait_until(lambda: not bedrock_worker.readiness()["broker_connected"], message="worker disconnected")
    topology = Topology(namespace)
    for queue in (topology.llm_prompts, topology.psql_results, topology.dead_letter_queue):
        assert queue_depth(amqp_url, queue) == 0, queue
