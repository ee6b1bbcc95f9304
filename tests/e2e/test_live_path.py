"""End to end: POST /query through the four services as processes; answer, citations, row, no leaks."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.broker import Tap, wait_until
from tests.support.database import stored_row
from tests.support.stack import ServiceStack

pytestmark = pytest.mark.e2e


@pytest.fixture
def tap(stack: ServiceStack) -> Iterator[Tap]:
    t = Tap(stack.amqp_url, stack.namespace)
    yield t
    t.close()


def database_text(database_url: str) -> str:
    """Every row of every table in the public schema, as text."""
    out = []
    with psycopg.connect(database_url) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        ]
        for table in tables:
            out.extend(r[0] for r in conn.execute(f'SELECT t::text FROM "{table}" t').fetchall())
    return "\n".join(out)


RAW_NAME = ("Ramesh", "Iyer")
RAW_PHONE = "9876501234"
RAW_EMAIL = "ramesh.iyer@example.org"


def test_question_with_personal_data_is_answered_persisted_and_nothing_leaks(stack: ServiceStack, tap: Tap):
    question = (
        f"My name is {RAW_NAME[0]} {RAW_NAME[1]}, you can reach me on {RAW_PHONE} or {RAW_EMAIL}. "
        "I bought a fridge for Rs 45,000 from Vijay Sales in Pune and it stopped working after two weeks. "
        "The seller refuses to refund or replace it. What can I do?"
    )
    response = stack.http.post("/query", json={"question": question})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answered"] is True and body["answer"].strip()
    assert body["citations"] and all(c["source"] for c in body["citations"])
    assert {"PERSON", "EMAIL", "PHONE"} <= set(body["pii_found"])
    for raw in (*RAW_NAME, RAW_PHONE, RAW_EMAIL):
        assert raw not in body["redacted_question"]
    assert "Rs 45,000" in body["redacted_question"] and "Vijay Sales" in body["redacted_question"]

    # the answer is sent as soon as it exists; the row follows within moments (psql_worker)
    wait_until(
        lambda: stored_row(stack.database_url, body["query_id"])["status"] != "pending",
        timeout=10,
        message="the result persisted",
    )
    persisted = stored_row(stack.database_url, body["query_id"])
    assert persisted is not None and persisted["status"] == "answered"
    assert persisted["redacted_question"] == body["redacted_question"]
    record = stack.http.get(f"/queries/{body['query_id']}").json()
    assert record["status"] == "answered" and record["query_id"] == body["query_id"]

    messages = b"\n".join(tap.drain()).decode()
    assert body["query_id"] in messages  # the tap did see this query's messages
    haystacks = {"postgres": database_text(stack.database_url), "messages": messages, "logs": stack.logs()}
    for where, text in haystacks.items():
        for raw in (*RAW_NAME, RAW_PHONE, RAW_EMAIL):
            assert raw not in text, f"{raw!r} leaked into {where}"


def test_which_commission_for_45_lakh_claim_gets_a_cited_answer(stack: ServiceStack):
    response = stack.http.post(
        "/query", json={"question": "Which commission do I approach for a Rs 45 lakh claim?"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answered"] is True
    assert "District Commission" in body["answer"]
    assert body["citations"]
    assert all(json.dumps(c) for c in body["citations"])


def test_off_topic_question_is_not_answered_from_thin_air(stack: ServiceStack):
    response = stack.http.post("/query", json={"question": "What is a good recipe for chocolate cake?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answered"] is False
    assert "1915" in body["answer"]


def test_every_service_logs_the_same_query_id(stack: ServiceStack):
    response = stack.http.post(
        "/query", json={"question": "How long do I have to file a consumer complaint?"}
    )
    query_id = response.json()["query_id"]

    def services_that_logged() -> set[str]:
        seen = set()
        for path in stack.log_dir.glob("*.log"):
            for line in path.read_text(errors="replace").splitlines():
                with contextlib.suppress(ValueError):
                    entry = json.loads(line)
                    if entry.get("query_id") == query_id:
                        seen.add(entry.get("service"))
        return seen

    wait_until(
        lambda: services_that_logged() >= {"pii_filter", "rag_core", "llm_connector", "psql_worker"},
        timeout=10,
        message="a log line with the query id from every service",
    )


def test_canary_burst_leaves_no_identifier_anywhere(stack: ServiceStack, tap: Tap, knowledge_index):
    """Issue 4's proof: unique fake identifiers in a burst of queries; none of them is found anywhere."""
    from concurrent.futures import ThreadPoolExecutor

    from bench.pii_dataset import generate

    examples = [e for e in generate(count=60, seed=20261126, split="heldout") if e.identifiers][:40]
    assert len(examples) >= 30

    def ask(text: str) -> int:
        return stack.http.post("/query", json={"question": text[:2000]}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(ask, [e.text for e in examples]))
    assert statuses.count(200) == len(examples), statuses

    # personal values of every type, as written; name parts too short to be specific are skipped
    canaries = {i.value for e in examples for i in e.identifiers if len(i.value) >= 6}
    assert len(canaries) >= 60
    index_bytes = b"".join(p.read_bytes() for p in knowledge_index.rglob("*") if p.is_file())
    haystacks = {
        "postgres": database_text(stack.database_url),
        "messages": b"\n".join(tap.drain()).decode(),
        "logs": stack.logs(),
        "index": index_bytes.decode("latin-1"),
    }
    leaks = [(value, where) for value in canaries for where, text in haystacks.items() if value in text]
    assert leaks == []


def test_the_gateway_process_does_not_load_torch(stack: ServiceStack):
    """As in its image: spaCy's small pipeline runs without it, and torch costs hundreds of MB."""
    gateway = stack.local.processes["pii_filter"]
    loaded = Path(f"/proc/{gateway.pid}/maps").read_text()
    assert "/spacy/" in loaded  # the map does list the gateway's compiled libraries
    assert "libtorch" not in loaded
