"""Streamed answers on a RabbitMQ of this test's own (a container, never the shared broker): the four
services as processes, llm_connector on Bedrock's ConverseStream (the fake endpoint's real frames).

- canaries: personal data in streamed questions is found nowhere: not in any message the broker routed
  (the firehose sees replies and progress pieces too), the logs or PostgreSQL;
- a broker restart mid-stream ends the stream in a clear `error`, and the query is still stored, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.e2e.test_live_path import database_text
from tests.support.broker import wait_until
from tests.support.database import stored_row
from tests.support.fake_bedrock import FakeBedrock, Recorded, StreamReply, streamed
from tests.support.own_rabbit import Firehose, OwnRabbit, own_rabbit
from tests.support.sse import all_events, answer_text
from tests.support.sse import streamed as stream_of
from tests.support.stack import ServiceStack, isolated_services

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
IN_PROMPT = re.compile(r"&lt;([A-Z][A-Z_]*_\d+)&gt;")  # rag_core escapes the question's markup


def answer_for(_n: int, request: Recorded) -> StreamReply:
    """Repeats the question's placeholders (each split over two pieces) and cites [1]; "(slow)" questions
    get a long answer written slowly, for a broker restart to happen in the middle of it."""
    question = request.prompt.rsplit("<question>", 1)[-1].split("</question>", 1)[0]
    if "(slow)" in question:
        return streamed([f"word{i} " for i in range(600)] + ["[1]."], delay_s=0.02)
    pieces = ["Here is what the Act says [1]. We noted "]
    for name in dict.fromkeys(IN_PROMPT.findall(question)):
        placeholder = f"<{name}>"
        half = len(placeholder) // 2
        pieces += [placeholder[:half], placeholder[half:] + ", "]
    return streamed([*pieces, "and you may file a complaint."])


@pytest.fixture(scope="module")
def broker() -> Iterator[OwnRabbit]:
    with own_rabbit() as rabbit:
        yield rabbit


@pytest.fixture(scope="module")
def fake_bedrock() -> Iterator[FakeBedrock]:
    fake = FakeBedrock(answer_for).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def stack(broker: OwnRabbit, fake_bedrock: FakeBedrock, knowledge_index: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceStack]:
    env = {
        "AMQP_URL": broker.amqp_url, "INDEX_DIR": str(knowledge_index), "LOG_FORMAT": "json",
        "AUTH_DISABLED": "true", "RATE_LIMIT": "1000/second", "MAX_CONCURRENT_PER_CALLER": "0",
        "LLM_PROVIDER": "bedrock", "BEDROCK_ENDPOINT_URL": fake_bedrock.url, "ANSWER_CACHE_TTL_S": "0",
        "AWS_ACCESS_KEY_ID": "stream-test-key-id", "AWS_SECRET_ACCESS_KEY": "stream-test-secret",
        "AWS_SESSION_TOKEN": "", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true", "RECONNECT_MAX_DELAY_S": "2", "ANSWER_TIMEOUT_S": "60",
    }
    with isolated_services(env=env, prefix="sse", log_dir=tmp_path_factory.mktemp("logs")) as services:
        services.amqp_url = broker.amqp_url
        services.wait_gateway_ready(timeout=60)
        yield services


def test_canaries_in_streamed_questions_appear_nowhere_but_in_the_answer(
    stack: ServiceStack, broker: OwnRabbit
):
    from bench.pii_dataset import generate

    examples = [e for e in generate(count=40, seed=20261202, split="heldout") if e.identifiers][:12]
    firehose = Firehose(broker)
    try:
        streams = [all_events(stack.http, {"question": e.text[:2000]}) for e in examples]
        routed = firehose.drain()
    finally:
        firehose.close()
    assert all(events[-1].name == "done" for events in streams), [events[-1] for events in streams]
    # the placeholders came back as the person's own values, also where a piece split them
    restored = [events for events in streams if events[0].data["pii_found"]]
    assert restored and all(answer_text(events) == events[-1].data["answer"] for events in streams)
    assert any(not PLACEHOLDER.search(events[-1].data["answer"]) for events in restored)

    canaries = {i.value for e in examples for i in e.identifiers if len(i.value) >= 6}
    assert len(canaries) >= 15
    bodies = b"\n".join(body for _key, body in routed).decode(errors="replace")
    assert '"delta"' in bodies and '"citations"' in bodies  # the progress pieces were routed and seen
    assert "publish." in {key for key, _ in routed}  # the default exchange: replies and progress pieces
    haystacks = {"broker": bodies, "logs": stack.logs(), "postgres": database_text(stack.database_url)}
    leaks = [(value, where) for value in canaries for where, text in haystacks.items() if value in text]
    assert leaks == []


def test_a_broker_restart_mid_stream_ends_in_a_clear_error_and_the_query_is_stored_once(
    stack: ServiceStack, broker: OwnRabbit
):
    events = []
    question = "(slow) How long do I have to file a consumer complaint?"
    with stream_of(stack.http, {"question": question}) as live:
        for event in live:
            events.append(event)
            if event.name == "delta" and [e.name for e in events].count("delta") == 1:
                broker.restart()  # the gateway's connection and its reply queue go with it
            if event.name in ("done", "error"):
                break
    query_id = events[0].data["query_id"]
    assert events[-1].name == "error", [e.name for e in events]
    assert events[-1].data["status"] == 503 and events[-1].data["code"] == "stream_interrupted"
    assert events[-1].data["query_id"] == query_id and f"/queries/{query_id}" in events[-1].data["message"]
    assert [e.name for e in events].count("error") == 1 and "done" not in [e.name for e in events]

    # the prompt was requeued by the broker and answered again; the first final result is the one stored
    wait_until(lambda: (stored_row(stack.database_url, query_id) or {}).get("status") == "answered",
               timeout=180, message="the interrupted query answered and stored")
    with psycopg.connect(stack.database_url) as conn:
        rows = conn.execute("SELECT count(*) FROM queries WHERE query_id = %s", (query_id,)).fetchone()
    assert rows == (1,)
    record = stack.http.get(f"/queries/{query_id}").json()
    assert record["status"] == "answered" and record["answer"].endswith("[1].")
