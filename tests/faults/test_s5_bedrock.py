"""Scenarios 5 and 6: llm_connector on Bedrock (a fake endpoint over real HTTP).

5. Throttling then success goes through botocore's retries; a Bedrock that keeps failing gives the
   user a clear error, the query is persisted as failed, and the prompt is not redelivered.
6. Answers that take 3x the heartbeat interval: the connection stays up and every ack succeeds.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest

from llm_connector.settings import DEFAULT_MODEL_ID
from tests.support.database import stored_row
from tests.support.fake_bedrock import FakeBedrock, Recorded, error, ok
from tests.support.faults import (
    Burst,
    FaultStack,
    Figures,
    LogCursor,
    Tally,
    amqp_connection_of,
    statuses,
    table_counts,
)

pytestmark = [pytest.mark.faults, pytest.mark.e2e, pytest.mark.integration]

MAX_ATTEMPTS = 3
HEARTBEAT_S = 2
SLOW_S = 3 * HEARTBEAT_S + 0.5
USAGE = {"input_tokens": 900, "output_tokens": 60}
UNAVAILABLE = "The answering service is temporarily unavailable. Please try again in a few minutes."


@pytest.fixture(scope="module")
def fake_bedrock() -> Iterator[FakeBedrock]:
    fake = FakeBedrock(lambda _n, _request: ok("Unset [1].", **USAGE)).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def bedrock_stack(fault_stack: FaultStack, fake_bedrock: FakeBedrock) -> Iterator[FaultStack]:
    """The shared stack with llm_connector replaced by one on Bedrock (fake endpoint, 2 s heartbeat)."""
    local = fault_stack.local
    extractive_env = dict(local.env)
    assert local.stop("llm_connector") == 0
    local.env = {
        **extractive_env,
        "LLM_PROVIDER": "bedrock",
        "BEDROCK_ENDPOINT_URL": fake_bedrock.url,
        "BEDROCK_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "AWS_ACCESS_KEY_ID": "fault-test-key-id",
        "AWS_SECRET_ACCESS_KEY": "fault-test-secret",
        "AWS_SESSION_TOKEN": "",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AMQP_HEARTBEAT_S": str(HEARTBEAT_S),
        # every scenario here is about the Bedrock call itself: the bursts repeat the same questions
        # from one scenario to the next, which the answer cache would answer without calling it
        "ANSWER_CACHE_TTL_S": "0",
    }
    try:
        fault_stack.start("llm_connector")
        fault_stack.wait_ready(timeout=60)
        yield fault_stack
    finally:
        code = local.stop("llm_connector")
        local.env = extractive_env
        fault_stack.start("llm_connector")
    assert code == 0, f"llm_connector on Bedrock exited with {code} on SIGTERM"


def _prompt_key(prompt: str) -> str:
    """The '(case N)' marker each burst question carries: one key per query."""
    start = prompt.rfind("(case ")
    return prompt[start:prompt.index(")", start) + 1] if start >= 0 else prompt


def test_throttled_then_answered_via_retries(bedrock_stack: FaultStack, fake_bedrock: FakeBedrock,
                                             figures: Figures, stack: FaultStack):
    queries = 20
    seen: Counter[str] = Counter()

    def throttle_first_call_of_each_query(_n: int, request: Recorded):
        key = _prompt_key(request.prompt)
        seen[key] += 1
        return error(429, "ThrottlingException") if seen[key] == 1 else ok("Ask for a refund [1].", **USAGE)

    fake_bedrock.reset(throttle_first_call_of_each_query)
    rows_before, _ = table_counts(stack.database_url)
    tally = Tally(Burst(stack.gateway_url, queries, concurrency=8).start().join())
    counts = tally.counts()
    # a 200 comes from llm_connector's reply; psql_worker stores the row beside it, milliseconds later
    settle_s = stack.settle(tally.accepted_ids)
    found = statuses(stack.database_url, tally.accepted_ids)

    assert counts["answered"] == queries, tally.describe_unexpected() or counts
    assert all(o.body["model"] == DEFAULT_MODEL_ID and "refund" in o.body["answer"] for o in tally.outcomes)
    assert len(fake_bedrock.calls) == 2 * queries and set(seen.values()) == {2}  # one retry each, no more
    assert set(found.values()) == {"answered"} and len(found) == queries
    assert table_counts(stack.database_url)[0] - rows_before == queries
    assert stored_row(stack.database_url, next(iter(tally.accepted_ids)))["provider"] == "bedrock"
    assert stack.dead_letters() == 0
    figures.record("5a Bedrock throttled once per query, then 200", queries=queries, **counts,
                   bedrock_calls=len(fake_bedrock.calls), lost=queries - len(found), duplicates=0,
                   settle_s=round(settle_s, 1),
                   max_latency_s=round(max(o.seconds for o in tally.outcomes), 1))


def test_persistent_bedrock_failure_is_a_clear_error_persisted_as_failed(
    bedrock_stack: FaultStack, fake_bedrock: FakeBedrock, figures: Figures, stack: FaultStack
):
    queries = 10
    fake_bedrock.reset(lambda _n, _request: error(503, "ServiceUnavailableException"))
    rows_before, _ = table_counts(stack.database_url)
    tally = Tally(Burst(stack.gateway_url, queries, concurrency=8).start().join())
    counts = tally.counts()
    settle_s = stack.settle(tally.accepted_ids)
    time.sleep(3)  # a redelivery loop would call Bedrock again by now
    found = statuses(stack.database_url, tally.accepted_ids)

    assert counts["failed"] == queries, tally.describe_unexpected() or counts
    for outcome in tally.outcomes:
        assert outcome.status == 503
        assert outcome.body["error"] == "llm_unavailable" and outcome.body["message"] == UNAVAILABLE
    assert len(fake_bedrock.calls) == MAX_ATTEMPTS * queries  # botocore's attempts, no redelivery
    assert set(found.values()) == {"failed"} and len(found) == queries
    assert table_counts(stack.database_url)[0] - rows_before == queries
    failed = stored_row(stack.database_url, tally.outcomes[0].query_id)
    assert (failed["error_stage"], failed["error_code"], failed["error_message"]) == (
        "llm_connector", "llm_unavailable", UNAVAILABLE)
    assert stack.dead_letters() == 0
    figures.record("5b Bedrock 503 on every call", queries=queries, **counts,
                   bedrock_calls=len(fake_bedrock.calls), persisted_failed=len(found), lost=0,
                   duplicates=0, settle_s=round(settle_s, 1))


def test_work_three_heartbeats_long_keeps_the_connection_and_acks(
    bedrock_stack: FaultStack, fake_bedrock: FakeBedrock, figures: Figures, stack: FaultStack
):
    queries = 8  # llm_connector's WORKER_THREADS: all slow at once
    fake_bedrock.reset(lambda _n, _request: ok("Two years [1].", delay_s=SLOW_S, **USAGE))
    pid = stack.local.processes["llm_connector"].pid
    before = amqp_connection_of(pid)
    assert before is not None and before[1] == HEARTBEAT_S  # the broker agreed to the short heartbeat
    log = LogCursor(stack.log("llm_connector"))
    rows_before, _ = table_counts(stack.database_url)
    tally = Tally(Burst(stack.gateway_url, queries, concurrency=queries).start().join())
    counts = tally.counts()

    assert counts["answered"] == queries, tally.describe_unexpected() or counts
    assert min(o.seconds for o in tally.outcomes) >= SLOW_S
    assert amqp_connection_of(pid) == before  # the same connection, still open
    assert log.count("broker connection lost") == 0 and log.count("consuming") == 0
    assert len(fake_bedrock.calls) == queries  # no redelivery: every ack reached the broker
    stack.settle(tally.accepted_ids)
    assert table_counts(stack.database_url)[0] - rows_before == queries
    figures.record("6 answers taking 3.25x the 2 s heartbeat", queries=queries, **counts,
                   bedrock_calls=len(fake_bedrock.calls), connection_drops=0, lost=0, duplicates=0,
                   min_latency_s=round(min(o.seconds for o in tally.outcomes), 1))

