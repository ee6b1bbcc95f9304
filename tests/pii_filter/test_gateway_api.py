"""The gateway's HTTP contract against the real RabbitMQ, with in-test stand-ins for the workers."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from common.failure_events import report_failure
from common.failures import FailureCode, PermanentFailure
from common.messages import Citation, QueryResult, RedactedQuery
from common.rabbit.worker import Publish, Reply, Subscription, Worker
from common.settings import ServiceSettings
from common.topology import QUERY_RESULT, Topology
from pii_filter.app import create_app
from pii_filter.broker import GatewayBroker
from pii_filter.settings import GatewaySettings
from tests.support.broker import wait_until

pytestmark = pytest.mark.integration

PHONE = re.compile(r"\b\d{10}\b")


@dataclass
class FakeRedaction:
    """Replaces 10-digit numbers by <PHONE_n>; enough to test the flow, not the detection."""

    redacted: str
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def entity_types(self) -> list[str]:
        return ["PHONE"] if self.mapping else []

    def restore(self, text: str) -> str:
        for placeholder, value in self.mapping.items():
            text = text.replace(placeholder, value)
        return text


class FakeRedactor:
    def redact(self, text: str) -> FakeRedaction:
        mapping: dict[str, str] = {}

        def swap(match: re.Match[str]) -> str:
            placeholder = f"<PHONE_{len(mapping) + 1}>"
            mapping[placeholder] = match.group(0)
            return placeholder

        return FakeRedaction(PHONE.sub(swap, text), mapping)

    def redact_many(self, texts: list[str]) -> list[FakeRedaction]:
        return [self.redact(text) for text in texts]


def _answer_stage(query: RedactedQuery) -> list[Publish]:
    """Stands in for rag_core + llm_connector: echoes the redacted question as the answer."""
    if "fail me" in query.redacted_question:
        raise PermanentFailure(FailureCode.LLM_ACCESS_DENIED, "The language model refused access.")
    if "slow" in query.redacted_question:
        time.sleep(3)
    result = QueryResult(
        query_id=query.query_id,
        status="answered",
        answered=True,
        model="echo",
        answer=f"You asked: {query.redacted_question}",
        redacted_question=query.redacted_question,
        citations=[Citation(source="guide.md", section="35", title="Complaints", page="", snippet="...")],
        timings_ms={"retrieve": 1.0, "llm": 2.0},
    )
    return [Publish(result, QUERY_RESULT)]


def _persist_stage(result: QueryResult) -> list[Reply]:
    """Stands in for psql_worker: replies to the gateway."""
    return [Reply(result)]


@pytest.fixture
def stages(amqp_url: str, namespace: str) -> Iterator[None]:
    topology = Topology(namespace)
    settings = ServiceSettings(amqp_url=amqp_url, namespace=namespace)
    subs = [
        Subscription(topology.rag_queries, RedactedQuery, _answer_stage, stage="rag_core"),
        Subscription(topology.psql_results, QueryResult, _persist_stage, stage="psql_worker"),
        Subscription(topology.psql_accepted, RedactedQuery, lambda q: [], stage="psql_worker"),
        Subscription(topology.llm_prompts, RedactedQuery, lambda q: [], stage="llm_connector"),
    ]
    worker = Worker(settings=settings, subscriptions=subs, name=f"stages-{namespace}",
                    on_failure=report_failure)
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False}, daemon=True)
    thread.start()
    wait_until(lambda: worker.readiness()["ok"], message="stand-in stages consuming")
    yield
    worker.stop()
    thread.join(10)


def _client(amqp_url: str, namespace: str, **overrides: object) -> TestClient:
    overrides = {"auth_disabled": True, **overrides}  # API keys are tested in tests/security
    settings = GatewaySettings(amqp_url=amqp_url, namespace=namespace, **overrides)  # type: ignore[arg-type]
    broker = GatewayBroker(
        amqp_url=settings.amqp_url, topology=settings.topology, instance_id="test", reconnect_max_delay_s=1
    )
    app = create_app(settings=settings, redactor=FakeRedactor(), broker=broker, records=None)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(amqp_url: str, namespace: str) -> Iterator[TestClient]:
    with _client(amqp_url, namespace, answer_timeout_s=2.0) as c:
        wait_until(lambda: c.get("/ready").status_code in (200, 503) and c.app.state is not None)
        wait_until(lambda: _connected(c), message="gateway connected")
        yield c


def _connected(c: TestClient) -> bool:
    return bool(c.get("/ready").json()["broker_connected"])


def _assert_clear_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    if code:
        assert body["error"] == code
    return body


def test_answer_goes_through_the_broker_and_placeholders_are_restored(client, stages):
    wait_until(lambda: client.get("/ready").status_code == 200, message="ready")
    response = client.post("/query", json={"question": "Call me on 9876543210 about my fridge refund"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["redacted_question"] == "Call me on <PHONE_1> about my fridge refund"
    assert body["answer"] == "You asked: Call me on 9876543210 about my fridge refund"
    assert body["pii_found"] == ["PHONE"]
    assert body["answered"] is True and body["model"] == "echo"
    assert body["citations"][0]["section"] == "35"
    assert {"redact", "retrieve", "llm", "total"} <= set(body["timings_ms"])


def test_failed_stage_gives_a_clear_error_with_the_query_id(client, stages):
    response = client.post("/query", json={"question": "fail me please"})
    body = _assert_clear_error(response, 502, "llm_access_denied")
    assert body["query_id"] and "refused" in body["message"]


def test_timeout_gives_504_with_query_id(client, stages):
    body = _assert_clear_error(client.post("/query", json={"question": "slow one"}), 504, "answer_timeout")
    assert body["query_id"] in body["message"]


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"question": ""}, 422),
        ({"question": "   \n\t "}, 422),
        ({}, 422),
        ({"question": 42}, 422),
        ({"question": "ok", "extra": 1}, 422),
        ({"question": "ok", "top_k": 0}, 422),
        ({"question": "ok", "top_k": 11}, 422),
        ({"question": "ok", "top_k": "many"}, 422),
        (["question"], 422),
    ],
)
def test_bad_input_gets_a_clear_error(client, payload, status):
    _assert_clear_error(client.post("/query", json=payload), status)


def test_empty_question_message_is_readable(client):
    body = _assert_clear_error(client.post("/query", json={"question": "  "}), 422, "invalid_request")
    assert "empty" in body["message"]


def test_too_long_question_names_the_limit(client):
    body = _assert_clear_error(client.post("/query", json={"question": "a" * 2001}), 413, "question_too_long")
    assert "2000" in body["message"]


def test_malformed_json_is_422(client):
    response = client.post(
        "/query", content=b'{"question": "x"', headers={"content-type": "application/json"}
    )
    body = _assert_clear_error(response, 422, "invalid_request")
    assert "JSON" in body["message"]


def test_validation_errors_do_not_echo_the_input(client):
    secret = "9876543210 is my number"
    response = client.post("/query", json={"question": secret, "bogus": secret})
    assert secret not in response.text


def test_broker_unreachable_is_503(namespace):
    with _client("amqp://guest:guest@127.0.0.1:1/%2F", namespace) as c:
        body = _assert_clear_error(c.post("/query", json={"question": "hello"}), 503, "broker_unavailable")
        assert "try again" in body["message"]
        assert c.get("/ready").status_code == 503
        assert c.get("/health").status_code == 200


def test_not_ready_without_consumers(client):
    response = client.get("/ready")
    assert response.status_code == 503 and response.json()["broker_connected"] is True
    # public: by service, never the queue names
    assert response.json()["consumers"] == {"rag_core": 0, "llm_connector": 0, "psql_worker": 0}


def test_ready_counts_each_stage(client, stages):
    wait_until(lambda: client.get("/ready").status_code == 200, message="ready")
    assert client.get("/ready").json()["consumers"] == {"rag_core": 1, "llm_connector": 1, "psql_worker": 1}


def test_unknown_query_id_format_is_422_and_records_unavailable_is_503(client):
    _assert_clear_error(client.get("/queries/not-a-uuid"), 422)
    _assert_clear_error(client.get("/queries/00000000-0000-0000-0000-000000000000"), 503)


def test_unknown_route_is_json_404(client):
    _assert_clear_error(client.get("/nope"), 404)


def test_openapi_and_docs_are_served_and_metrics_are_not_on_the_public_port(client):
    assert client.get("/openapi.json").json()["paths"]["/query"]
    assert client.get("/docs").status_code == 200
    for path in ("/metrics", "/metrics/"):
        _assert_clear_error(client.get(path), 404)


class BatchRecordingRedactor(FakeRedactor):
    """Slow enough that concurrent questions queue up; remembers the size of each batch."""

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    def redact(self, text: str) -> FakeRedaction:
        time.sleep(0.02)
        return super().redact(text)

    def redact_many(self, texts: list[str]) -> list[FakeRedaction]:
        self.batch_sizes.append(len(texts))
        time.sleep(0.05)
        return [super(BatchRecordingRedactor, self).redact(text) for text in texts]


def test_concurrent_questions_are_redacted_in_batches_and_each_gets_its_own_answer(
    amqp_url, namespace, stages
):
    from concurrent.futures import ThreadPoolExecutor

    settings = GatewaySettings(amqp_url=amqp_url, namespace=namespace, auth_disabled=True,
                               max_concurrent_per_caller=0)  # twelve at once from one test client
    broker = GatewayBroker(amqp_url=amqp_url, topology=settings.topology, instance_id="batch",
                           reconnect_max_delay_s=1)
    redactor = BatchRecordingRedactor()
    app = create_app(settings=settings, redactor=redactor, broker=broker, records=None)
    with TestClient(app, raise_server_exceptions=False) as c:
        wait_until(lambda: c.get("/ready").status_code == 200, message="ready")
        phones = [f"98765{n:05d}" for n in range(12)]

        def ask(phone: str) -> tuple[str, dict]:
            return phone, c.post("/query", json={"question": f"Call {phone} about my refund"}).json()

        with ThreadPoolExecutor(len(phones)) as pool:
            answers = list(pool.map(ask, phones))
    for phone, body in answers:
        assert body["redacted_question"] == "Call <PHONE_1> about my refund"
        assert body["answer"] == f"You asked: Call {phone} about my refund"  # its own number restored
    assert max(redactor.batch_sizes) > 1
    assert sum(redactor.batch_sizes) == len(phones)  # every question through a batch, none on the loop
