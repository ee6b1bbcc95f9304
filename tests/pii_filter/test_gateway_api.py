"""The gateway's HTTP contract against the real RabbitMQ, with stand-ins for the stages behind it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.broker import wait_until
from tests.support.gateway import ANSWER, PhoneRedaction, PhoneRedactor, gateway, running_stages

pytestmark = pytest.mark.integration

@pytest.fixture
def stages(amqp_url: str, namespace: str) -> Iterator[None]:
    with running_stages(amqp_url, namespace):
        yield


def _client(amqp_url: str, namespace: str, *, instance: str = "test", **overrides: object):
    # API keys are tested in tests/security
    return gateway(amqp_url, namespace, instance=instance, auth_disabled=True, **overrides)


@pytest.fixture
def client(amqp_url: str, namespace: str) -> Iterator[TestClient]:
    with _client(amqp_url, namespace, answer_timeout_s=2.0) as c:
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
    assert body["answer"] == ANSWER + "Call me on 9876543210 about my fridge refund"
    assert body["pii_found"] == ["PHONE"]
    assert body["answered"] is True and body["model"] == "stand-in-llm"
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


@pytest.mark.parametrize(
    ("question", "code", "hint"),
    [
        ("என் பெயர் முருகன், கடைக்காரர் பணம் திருப்பித் தரவில்லை", "unsupported_script", "Tamil"),
        ("আমার নাম সুমন, দোকান টাকা ফেরত দেয়নি", "unsupported_script", "Bengali"),
        ("9876543210 4111111111111111 234567890124 560034", "mostly_digits", "numbers"),
    ],
)
def test_text_the_filter_cannot_read_is_refused_before_anything_leaves(client, stages, question, code, hint):
    """Nothing unexamined leaves the gateway: a question mostly in an unread script or mostly digits
    gets 422 with a reason, and it never reaches the broker (no query id is issued)."""
    response = client.post("/query", json={"question": question})
    body = _assert_clear_error(response, 422, code)
    assert hint in body["message"]
    assert body.get("query_id") is None
    assert question not in response.text and "முருகன்" not in response.text


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
    with _client("amqp://guest:guest@127.0.0.1:1/%2F", namespace, wait_for_broker=False) as c:
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


class BatchRecordingRedactor(PhoneRedactor):
    """Slow enough that concurrent questions queue up; remembers the size of each batch."""

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    def redact(self, text: str) -> PhoneRedaction:
        time.sleep(0.02)
        return super().redact(text)

    def redact_many(self, texts: list[str]) -> list[PhoneRedaction]:
        self.batch_sizes.append(len(texts))
        time.sleep(0.05)
        return [super(BatchRecordingRedactor, self).redact(text) for text in texts]


def test_concurrent_questions_are_redacted_in_batches_and_each_gets_its_own_answer(
    amqp_url, namespace, stages
):
    from concurrent.futures import ThreadPoolExecutor

    redactor = BatchRecordingRedactor()
    # twelve at once from one test client
    with _client(amqp_url, namespace, instance="batch", redactor=redactor, max_concurrent_per_caller=0) as c:
        wait_until(lambda: c.get("/ready").status_code == 200, message="ready")
        phones = [f"98765{n:05d}" for n in range(12)]

        def ask(phone: str) -> tuple[str, dict]:
            return phone, c.post("/query", json={"question": f"Call {phone} about my refund"}).json()

        with ThreadPoolExecutor(len(phones)) as pool:
            answers = list(pool.map(ask, phones))
    for phone, body in answers:
        assert body["redacted_question"] == "Call <PHONE_1> about my refund"
        assert body["answer"] == f"{ANSWER}Call {phone} about my refund"  # its own number restored
    assert max(redactor.batch_sizes) > 1
    assert sum(redactor.batch_sizes) == len(phones)  # every question through a batch, none on the loop
