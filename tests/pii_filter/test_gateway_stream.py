"""POST /query as Server-Sent Events through the real broker: order, restoring, lost pieces, leaving, errors.

The gateway is the production app under uvicorn with its real broker link; a stand-in stage behind the
broker sends progress pieces through the worker runtime (as rag_core and llm_connector do).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from common.failure_events import report_failure
from common.failures import FailureCode, PermanentFailure, withdrawn
from common.messages import Citation, QueryProgress, QueryResult, RedactedQuery
from common.rabbit.worker import Progress, Publish, Reply, Subscription, Worker
from common.settings import ServiceSettings
from common.topology import QUERY_RESULT, Topology
from tests.support.broker import running, wait_until
from tests.support.database import stored_row
from tests.support.gateway import auth, persisting, served
from tests.support.sse import STREAM, all_events, answer_text, streamed

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

CITATION = Citation(source="guide.md", section="35", title="Complaints", page="", snippet="Where to file.")
# the answer in the pieces llm_connector would send; a placeholder is split over two of them
PIECES = ["You may file a complaint ", "with the District Commission; we will call <PHO", "NE_1> back [1]",
          "."]
PHONE = "9876543210"
QUESTION = f"The seller will not refund me, call me on {PHONE}"


class Stage:
    """Stands in for rag_core and llm_connector: citations, the answer in PIECES, then the result.

    "lose a piece" drops the second piece (at most once); "wait for cancel" stops after the first piece
    until the gateway's cancellation arrives, then fails as llm_connector does; "fail me" fails at once;
    "hold" waits for `release` before answering.
    """

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.release = threading.Event()

    def __call__(self, query: RedactedQuery, progress: Progress) -> list[Publish | Reply]:
        if "fail me" in query.redacted_question:
            raise PermanentFailure(FailureCode.LLM_ACCESS_DENIED, "The language model refused access.")
        if query.progress:
            progress.send(QueryProgress(query_id=query.query_id, citations=[CITATION]))
        if "hold" in query.redacted_question:
            self.release.wait(60)
        offset = 0
        for n, piece in enumerate(PIECES):
            lost = n == 1 and "lose a piece" in query.redacted_question
            if query.progress and not lost:
                progress.send(QueryProgress(query_id=query.query_id, delta=piece, offset=offset))
            offset += len(piece)
            if "wait for cancel" in query.redacted_question:
                deadline = time.monotonic() + 60
                while not progress.cancelled and time.monotonic() < deadline:
                    time.sleep(0.05)
                if progress.cancelled:
                    self.cancelled.set()
                    raise withdrawn()
        result = QueryResult(
            query_id=query.query_id, status="answered", answered=True, answer="".join(PIECES),
            redacted_question=query.redacted_question, pii_found=query.pii_found, model="stand-in-llm",
            provider="bedrock", citations=[CITATION], submitted_at=query.submitted_at,
        )
        return [Reply(result), Publish(result, QUERY_RESULT)]


@contextmanager
def stages(amqp_url: str, namespace: str, stage: Stage, database_url: str | None = None) -> Iterator[None]:
    topology = Topology(namespace)
    settings = ServiceSettings(amqp_url=amqp_url, namespace=namespace)
    subs = [Subscription(topology.rag_queries, RedactedQuery, stage, stage="llm_connector", progress=True)]
    with persisting(amqp_url, namespace, database_url) as persistence_subs:
        worker = Worker(settings=settings, subscriptions=subs + persistence_subs, name=f"stage-{namespace}",
                        on_failure=report_failure)
        with running(worker):
            yield


@pytest.fixture
def stage() -> Stage:
    return Stage()


@pytest.fixture
def gateway_url(amqp_url: str, namespace: str, stage: Stage) -> Iterator[str]:
    with stages(amqp_url, namespace, stage), served(amqp_url, namespace, stream_ping_s=0.2) as gateway:
        yield gateway.url


@pytest.fixture
def client(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, headers=auth(), timeout=30) as c:
        yield c


def test_events_come_in_order_and_done_is_the_json_answer(client: httpx.Client):
    events = all_events(client, {"question": QUESTION})
    names = [e.name for e in events]
    assert names[:5] == ["accepted", "stage", "citations", "stage", "delta"], names
    assert names[-1] == "done" and names.count("done") == 1 and "error" not in names
    assert set(names[4:-1]) == {"delta"} and len(names[4:-1]) >= 2  # the answer grew in steps
    accepted, done = events[0].data, events[-1].data
    assert [e.data for e in events[1:4:2]] == [{"stage": "retrieving"}, {"stage": "writing"}]
    assert accepted["query_id"] == done["query_id"] and accepted["pii_found"] == ["PHONE"]
    assert PHONE not in accepted["question"] and "<PHONE_1>" in accepted["question"]
    assert events[2].data == {"citations": [CITATION.model_dump()]}

    assert answer_text(events) == done["answer"] and PHONE in done["answer"]  # restored across the split
    assert all("<PHO" not in e.data.get("text", "") for e in events)

    json_answer = client.post("/query", json={"question": QUESTION}).json()
    same = ("answer", "answered", "citations", "redacted_question", "pii_found", "model")
    assert {k: done[k] for k in same} == {k: json_answer[k] for k in same}
    assert set(done) == set(json_answer)


def test_a_lost_piece_is_made_good_by_the_final_result(client: httpx.Client):
    events = all_events(client, {"question": f"lose a piece, {QUESTION}"})
    assert events[-1].name == "done"
    assert answer_text(events) == events[-1].data["answer"] == "".join(PIECES).replace("<PHONE_1>", PHONE)


def test_a_failing_stage_ends_the_stream_with_its_error(client: httpx.Client):
    events = all_events(client, {"question": "fail me please"})
    assert [e.name for e in events] == ["accepted", "stage", "error"]
    error = events[-1].data
    assert error == {"status": 502, "code": "llm_access_denied",
                     "message": "The language model refused access.", "query_id": events[0].data["query_id"]}


def test_quiet_streams_get_heartbeats(client: httpx.Client, stage: Stage):
    seen: list[str] = []
    with client.stream("POST", "/query", json={"question": "hold on"}, headers=STREAM) as response:
        for line in response.iter_lines():
            seen.append(line)
            if line.startswith(":"):  # an SSE comment: the heartbeat
                stage.release.set()
            if line.startswith("event: done"):
                break
    assert any(line.startswith(": ping") for line in seen)
    assert stage.release.is_set()


def test_bad_input_is_refused_before_the_stream_starts(client: httpx.Client):
    response = client.post("/query", json={"question": "x" * 5000}, headers=STREAM)
    assert response.status_code == 413 and response.json()["error"] == "question_too_long"


def test_leaving_mid_stream_cancels_the_work_and_the_query_is_stored_once(
    amqp_url: str, namespace: str, migrated_url: str, stage: Stage
):
    with stages(amqp_url, namespace, stage, database_url=migrated_url), \
            served(amqp_url, namespace, database_url=migrated_url) as gateway, \
            httpx.Client(base_url=gateway.url, headers=auth(), timeout=30) as client:
        with streamed(client, {"question": f"wait for cancel, {QUESTION}"}) as events:
            for event in events:
                if event.name == "accepted":
                    query_id = event.data["query_id"]
                if event.name == "delta":
                    break  # the person closes the page
        assert stage.cancelled.wait(30), "the stage never saw the cancellation"
        wait_until(lambda: (stored_row(migrated_url, query_id) or {}).get("status") == "failed", timeout=30,
                   message="the withdrawn query stored as failed")
        row = stored_row(migrated_url, query_id)
        assert row is not None and row["error_code"] == "cancelled"
        import psycopg

        with psycopg.connect(migrated_url) as conn:
            assert conn.execute("SELECT count(*) FROM queries").fetchone() == (1,)


def test_a_json_client_that_leaves_cancels_the_work_and_the_query_is_stored_once(
    amqp_url: str, namespace: str, migrated_url: str, stage: Stage
):
    with stages(amqp_url, namespace, stage, database_url=migrated_url), \
            served(amqp_url, namespace, database_url=migrated_url) as gateway, \
            httpx.Client(base_url=gateway.url, headers=auth(), timeout=3) as client:
        with pytest.raises(httpx.ReadTimeout):  # the client gives up and closes its connection
            client.post("/query", json={"question": f"wait for cancel, {QUESTION}"})
        assert stage.cancelled.wait(30), "the stage never saw the cancellation"
        import psycopg

        def stored() -> list[tuple[str, str | None]]:
            with psycopg.connect(migrated_url) as conn:
                return conn.execute("SELECT status, error_code FROM queries").fetchall()

        wait_until(lambda: stored() == [("failed", "cancelled")], timeout=30,
                   message="the withdrawn query stored once, as failed with `cancelled`")
