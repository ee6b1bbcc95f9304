"""The stale-pending sweep against a fresh real database: lost queries end failed, nothing else moves."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from common.messages import QueryResult
from psql_worker.db import Database
from psql_worker.repository import QueryRepository, row_to_result
from psql_worker.stale_pending import CODE, STAGE, StalePendingSweeper, sweep_stale_pending
from tests.support.queries import accepted_query, answered_result

pytestmark = pytest.mark.integration


def _age(url: str, qid: uuid.UUID, seconds: int) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            "UPDATE queries SET created_at = now() - make_interval(secs => %s) WHERE query_id = %s",
            (seconds, qid),
        )


def test_only_old_pending_rows_are_failed(repository: QueryRepository, database: Database, migrated_url):
    lost, fresh, answered = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for qid in (lost, fresh, answered):
        repository.record_accepted(accepted_query(qid))
    repository.record_result(answered_result(answered))
    _age(migrated_url, lost, 3600)
    _age(migrated_url, answered, 3600)
    _age(migrated_url, fresh, 60)

    assert sweep_stale_pending(database, older_than_s=900) == 1

    row = repository.get(lost)
    assert row["status"] == "failed" and row["completed_at"] is not None
    assert (row["error_stage"], row["error_code"]) == (STAGE, CODE)
    result = row_to_result(row)  # what the gateway's GET /queries reads back
    assert result.error is not None and "ask again" in result.error.message
    assert repository.get(fresh)["status"] == "pending"
    assert repository.get(answered)["status"] == "answered"
    assert sweep_stale_pending(database, older_than_s=900) == 0, "a second sweep finds nothing"


def test_a_result_after_the_sweep_changes_nothing(repository: QueryRepository, database: Database,
                                                  migrated_url):
    qid = uuid.uuid4()
    repository.record_accepted(accepted_query(qid))
    _age(migrated_url, qid, 3600)
    assert sweep_stale_pending(database, older_than_s=900) == 1
    late = repository.record_result(answered_result(qid))
    assert late.changed is False and late.result.status == "failed"
    assert late.result.error is not None and late.result.error.code == CODE


def test_concurrent_sweeps_fail_each_row_once(repository: QueryRepository, database: Database, migrated_url):
    ids = [uuid.uuid4() for _ in range(20)]
    for qid in ids:
        repository.record_accepted(accepted_query(qid))
        _age(migrated_url, qid, 3600)
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: sweep_stale_pending(database, older_than_s=900), range(4)))
    assert sum(counts) == len(ids)
    assert {repository.get(q)["status"] for q in ids} == {"failed"}


def test_the_sweeper_thread_sweeps_until_stopped(repository: QueryRepository, database: Database,
                                                 migrated_url):
    stop = threading.Event()
    sweeper = StalePendingSweeper(database, older_than_s=900, interval_s=0.05, stop=stop)
    sweeper.start()
    try:
        qid = uuid.uuid4()
        repository.record_accepted(accepted_query(qid))
        _age(migrated_url, qid, 3600)
        deadline = time.monotonic() + 10
        while repository.get(qid)["status"] == "pending" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert repository.get(qid)["status"] == "failed"
    finally:
        stop.set()
        sweeper.join(timeout=5)
    assert not sweeper._thread.is_alive()


def test_a_failure_result_is_kept_as_it_was(repository: QueryRepository, database: Database, migrated_url):
    qid = uuid.uuid4()
    repository.record_accepted(accepted_query(qid))
    repository.record_result(
        QueryResult.failure(query_id=qid, stage="llm_connector", code="llm_timeout", message="too slow")
    )
    _age(migrated_url, qid, 3600)
    assert sweep_stale_pending(database, older_than_s=900) == 0
    assert repository.get(qid)["error_code"] == "llm_timeout"
