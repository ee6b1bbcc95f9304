"""The gateway's read side of the queries table, against a fresh real database."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from common.messages import Citation, QueryResult, RedactedQuery, TokenUsage
from pii_filter.records import QueryRecords, RecordsUnavailable
from psql_worker.db import Database
from psql_worker.migrate import apply_migrations
from psql_worker.repository import QueryRepository
from tests.support.database import PG_ADMIN_URL

pytestmark = pytest.mark.integration

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)

KEYS = {"query_id", "status", "redacted_question", "pii_found", "answer", "answered", "citations", "model",
        "provider", "timings_ms", "error", "submitted_at", "completed_at"}


@pytest.fixture
def writer(database_url: str) -> Iterator[QueryRepository]:
    """The persistence worker's repository, to write rows the way production does."""
    apply_migrations(database_url)
    stop = threading.Event()
    db = Database.connect(database_url, size=2, stop=stop, name="records-test-writer")
    yield QueryRepository(db)
    stop.set()
    db.close()


@pytest.fixture
def records(database_url: str) -> Iterator[QueryRecords]:
    r = QueryRecords(database_url=database_url, pool_size=2)
    yield r
    r.close()


def _result(qid: uuid.UUID, *, cost: float, completed_at: datetime, **kw) -> QueryResult:
    return QueryResult(
        query_id=qid, status="answered", redacted_question="refund for <PERSON>?", answer="Yes [1].",
        answered=True, model="m", provider="bedrock", pii_found=["PERSON"],
        citations=[Citation(source="cpa.pdf", section="2(9)", title="consumer rights", page="4",
                            snippet="s")],
        usage=TokenUsage(input_tokens=10, output_tokens=5, cost_usd=cost), submitted_at=T0,
        completed_at=completed_at, timings_ms={"llm": 800.0}, **kw,
    )


def test_pending_answered_and_failed_records(writer, records):
    pending, answered, failed = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    writer.record_accepted(RedactedQuery(query_id=pending, redacted_question="q <PHONE>", pii_found=["PHONE"],
                                         submitted_at=T0))
    writer.record_result(_result(answered, cost=0.001, completed_at=T0 + timedelta(seconds=2)))
    writer.record_result(QueryResult.failure(query_id=failed, stage="llm_connector", code="budget_exceeded",
                                             message="The daily budget is used up."))

    p, a, f = (_api(records, qid) for qid in (pending, answered, failed))
    assert set(p) == KEYS
    assert p["status"] == "pending" and p["query_id"] == str(pending)
    assert p["redacted_question"] == "q <PHONE>" and p["pii_found"] == ["PHONE"]
    assert p["answer"] is None and p["answered"] is None and p["error"] is None
    assert datetime.fromisoformat(p["submitted_at"]) == T0 and p["completed_at"] is None

    assert a["status"] == "answered" and a["answer"] == "Yes [1]." and a["answered"] is True
    assert a["citations"] == [{"source": "cpa.pdf", "section": "2(9)", "title": "consumer rights",
                               "page": "4", "snippet": "s"}]
    assert a["model"] == "m" and a["provider"] == "bedrock" and a["timings_ms"] == {"llm": 800.0}
    assert datetime.fromisoformat(a["completed_at"]) == T0 + timedelta(seconds=2)

    assert f["status"] == "failed"
    assert f["error"] == {"stage": "llm_connector", "code": "budget_exceeded",
                          "message": "The daily budget is used up."}
    for record in (p, a, f):
        json.dumps(record)  # JSON-ready as it is
    stored = records.get(answered)
    assert stored.result() == _result(answered, cost=0.001, completed_at=T0 + timedelta(seconds=2))


def _api(records: QueryRecords, qid: uuid.UUID) -> dict:
    """The record as GET /queries/{id} returns it."""
    return records.get(qid).record().model_dump(mode="json")


def test_unknown_query_is_none(writer, records):
    assert records.get(uuid.uuid4()) is None


def test_spend_sums_cost_of_queries_completed_since(writer, records):
    day = datetime(2025, 3, 2, tzinfo=UTC)
    writer.record_result(_result(uuid.uuid4(), cost=0.25, completed_at=day - timedelta(seconds=1)))
    writer.record_result(_result(uuid.uuid4(), cost=0.125, completed_at=day))
    writer.record_result(_result(uuid.uuid4(), cost=0.5, completed_at=day + timedelta(hours=5)))
    writer.record_accepted(RedactedQuery(query_id=uuid.uuid4(), redacted_question="pending"))
    assert records.spend_usd(day) == pytest.approx(0.625)
    assert records.spend_usd(day - timedelta(days=30)) == pytest.approx(0.875)
    assert records.spend_usd(day + timedelta(days=1)) == 0.0
    with pytest.raises(ValueError, match="timezone"):
        records.spend_usd(datetime(2025, 3, 2))


def test_unmigrated_database_is_unavailable(records):
    with pytest.raises(RecordsUnavailable):
        records.get(uuid.uuid4())
    with pytest.raises(RecordsUnavailable):
        records.spend_usd(T0)


def test_unreachable_database_is_unavailable_without_failing_start_up():
    records = QueryRecords(database_url="postgresql://postgres@127.0.0.1:1/none", pool_size=1, timeout_s=0.5)
    started = time.monotonic()
    try:
        with pytest.raises(RecordsUnavailable):
            records.get(uuid.uuid4())
        assert time.monotonic() - started < 5
    finally:
        records.close()
    with pytest.raises(RecordsUnavailable):  # closed for good
        records.get(uuid.uuid4())


def test_records_come_back_after_an_outage(writer, records, database_url):
    qid = uuid.uuid4()
    writer.record_accepted(RedactedQuery(query_id=qid, redacted_question="q"))
    assert records.get(qid).status == "pending"
    dbname = database_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        try:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND application_name = 'gateway-records'", (dbname,))
            with pytest.raises(RecordsUnavailable):
                records.get(qid)
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
    deadline = time.monotonic() + 20
    while True:
        try:
            assert records.get(qid).status == "pending"
            break
        except RecordsUnavailable:
            assert time.monotonic() < deadline, "records did not reconnect"
            time.sleep(0.2)
