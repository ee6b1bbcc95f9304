"""Repository idempotency and the retrying Database, against a fresh real database."""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest

from common.failures import FailureCode
from common.messages import Citation, QueryResult, StageError, TokenUsage
from common.records import row_to_result
from psql_worker.db import DB_RETRIES, Database, DatabaseUnavailableError
from psql_worker.repository import QueryRepository
from tests.support.queries import T0, accepted_query, answered_result

pytestmark = pytest.mark.integration


def _count(url: str, qid: uuid.UUID | None = None) -> int:
    with psycopg.connect(url) as conn:
        if qid is None:
            return conn.execute("SELECT count(*) FROM queries").fetchone()[0]
        return conn.execute("SELECT count(*) FROM queries WHERE query_id = %s", (qid,)).fetchone()[0]


def test_accepted_twice_is_one_pending_row(repository: QueryRepository, migrated_url):
    qid = uuid.uuid4()
    assert repository.record_accepted(accepted_query(qid)) is True
    assert repository.record_accepted(accepted_query(qid, redacted_question="changed")) is False
    row = repository.get(qid)
    assert _count(migrated_url) == 1
    assert row["status"] == "pending" and row["completed_at"] is None
    assert row["redacted_question"] == "My <PERSON> seller refuses a refund"
    assert row["top_k"] == 7 and row["pii_found"] == ["PERSON"] and row["answered"] is None


def test_result_finalises_a_pending_row_and_merges_fields(repository: QueryRepository, migrated_url):
    qid = uuid.uuid4()
    repository.record_accepted(accepted_query(qid))
    persisted = repository.record_result(answered_result(qid))
    assert persisted.changed is True
    merged = {"redact": 12.5, "retrieve": 40.0, "llm": 2100.0}
    assert persisted.result == answered_result(qid, timings_ms=merged)
    row = repository.get(qid)
    assert _count(migrated_url) == 1
    assert row["status"] == "answered" and row["top_k"] == 7
    assert row["input_tokens"] == 900 and row["output_tokens"] == 120
    assert str(row["cost_usd"]) == "0.00037500"


def test_second_result_never_changes_the_first(repository: QueryRepository, migrated_url):
    qid = uuid.uuid4()
    repository.record_accepted(accepted_query(qid))
    first = repository.record_result(answered_result(qid, answer="first"))
    again = repository.record_result(answered_result(qid, answer="first"))
    other = repository.record_result(
        QueryResult.failure(query_id=qid, stage="llm_connector", code="timeout", message="too slow")
    )
    assert first.changed and not again.changed and not other.changed
    assert again.result == first.result and other.result == first.result
    assert other.result.answer == "first" and other.result.error is None
    assert _count(migrated_url) == 1


def test_failure_is_stored_with_its_error(repository: QueryRepository):
    qid = uuid.uuid4()
    repository.record_accepted(accepted_query(qid))
    failure = QueryResult.failure(query_id=qid, stage="rag_core", code=FailureCode.INDEX_UNAVAILABLE,
                                  message="The knowledge base is not available.", query=accepted_query(qid))
    stored = repository.record_result(failure).result
    assert stored.status == "failed"
    assert stored.error == StageError(stage="rag_core", code=FailureCode.INDEX_UNAVAILABLE,
                                      message="The knowledge base is not available.")
    later = repository.record_result(answered_result(qid))
    assert not later.changed and later.result.status == "failed"


def test_accepted_after_result_keeps_the_final_status(repository: QueryRepository, migrated_url):
    qid = uuid.uuid4()
    bare = QueryResult.failure(query_id=qid, stage="llm_connector", code="throttled", message="busy")
    repository.record_result(bare)
    assert repository.record_accepted(accepted_query(qid)) is False
    assert repository.record_accepted(accepted_query(qid)) is False
    row = repository.get(qid)
    assert _count(migrated_url) == 1
    assert row["status"] == "failed" and row["error_code"] == "throttled"
    assert row["completed_at"] is not None
    # what only the accepted event knows was filled in
    assert row["top_k"] == 7 and row["submitted_at"] == T0 and row["pii_found"] == ["PERSON"]
    assert row["redacted_question"] == "My <PERSON> seller refuses a refund"


def test_who_asked_is_stored_whichever_event_comes_first(repository: QueryRepository):
    accepted_first, result_first = uuid.uuid4(), uuid.uuid4()
    repository.record_accepted(accepted_query(accepted_first, owner="key:0123456789ab"))
    repository.record_result(answered_result(accepted_first))
    assert repository.get(accepted_first)["owner"] == "key:0123456789ab"
    repository.record_result(answered_result(result_first))
    assert repository.get(result_first)["owner"] == ""  # the result does not know who asked
    repository.record_accepted(accepted_query(result_first, owner="key:ba9876543210"))
    assert repository.get(result_first)["owner"] == "key:ba9876543210"
    # a redelivered accepted event, even one claiming another owner, changes nothing
    repository.record_accepted(accepted_query(accepted_first, owner="key:ffffffffffff"))
    repository.record_accepted(accepted_query(result_first, owner="key:ffffffffffff"))
    assert repository.get(accepted_first)["owner"] == "key:0123456789ab"
    assert repository.get(result_first)["owner"] == "key:ba9876543210"


def test_concurrent_results_for_one_query_store_exactly_one(repository: QueryRepository, migrated_url):
    qid = uuid.uuid4()
    barrier = threading.Barrier(8)
    outcomes = []

    def deliver(n: int) -> None:
        barrier.wait()
        outcomes.append(repository.record_result(answered_result(qid, answer=f"answer {n}")))

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 8
    assert sum(o.changed for o in outcomes) == 1
    winner = next(o.result for o in outcomes if o.changed)
    assert all(o.result == winner for o in outcomes)
    assert _count(migrated_url) == 1


def test_nul_characters_and_non_finite_numbers_do_not_block_storage(repository: QueryRepository):
    qid = uuid.uuid4()
    accepted = accepted_query(qid, redacted_question="bad\x00byte", timings_ms={"x": float("nan")})
    repository.record_accepted(accepted)
    result = answered_result(qid, answer="ans\x00wer", citations=[
        Citation(source="s\x00", section="1", title="t", page="2", snippet="snip\x00pet")
    ], usage=TokenUsage(cost_usd=float("inf")))
    stored = repository.record_result(result).result
    assert stored.redacted_question == "badbyte" and stored.answer == "answer"
    assert stored.citations[0].snippet == "snippet" and stored.citations[0].source == "s"
    assert stored.usage.cost_usd == 0.0


def test_row_round_trips_to_the_same_result(repository: QueryRepository):
    qid = uuid.uuid4()
    result = answered_result(qid)
    repository.record_result(result)
    assert row_to_result(repository.get(qid)) == result


def test_pending_row_has_no_result(repository: QueryRepository):
    qid = uuid.uuid4()
    repository.record_accepted(accepted_query(qid))
    with pytest.raises(ValueError, match="pending"):
        row_to_result(repository.get(qid))


# --- the retrying database -----------------------------------------------------------------------


def test_operational_errors_are_retried_until_the_work_succeeds(database: Database):
    before = DB_RETRIES._value.get()
    calls = []

    def work(conn):
        calls.append(1)
        if len(calls) < 3:
            raise psycopg.OperationalError("connection lost")
        return conn.execute("SELECT 41 + 1").fetchone()[0]

    assert database.run(work, what="test") == 42
    assert len(calls) == 3
    assert DB_RETRIES._value.get() - before == 2
    assert database.health()["database_connected"] is True


def test_other_errors_are_not_retried(database: Database):
    calls = []

    def work(conn):
        calls.append(1)
        conn.execute("SELECT * FROM no_such_table")

    with pytest.raises(psycopg.errors.UndefinedTable):
        database.run(work, what="test")
    assert len(calls) == 1


def test_retrying_stops_when_the_worker_stops(database: Database, stop: threading.Event):
    def work(conn):
        raise psycopg.OperationalError("still down")

    threading.Timer(0.5, stop.set).start()
    with pytest.raises(DatabaseUnavailableError):
        database.run(work, what="test")
    # queued messages fail fast instead of each waiting for a connection while shutting down
    calls = []
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError):
        database.run(lambda conn: calls.append(1), what="test")
    assert calls == [] and time.monotonic() - started < 0.5


def test_health_reports_an_unreachable_database():
    stop = threading.Event()
    db = Database.connect("postgresql://postgres@127.0.0.1:1/none", size=1, stop=stop, name="psql-test-down")
    db.health_timeout_s = 0.5
    try:
        state = db.health()
        assert state["ok"] is False and state["database_connected"] is False
        assert state["database_error"] == "PoolTimeout"
    finally:
        db.close()
