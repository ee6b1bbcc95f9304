"""Scenario 3: PostgreSQL stopped for 15 s in the middle of a burst."""

from __future__ import annotations

import time

import pytest

from tests.support.database import PG_ADMIN_URL
from tests.support.faults import (
    Burst,
    FaultStack,
    Figures,
    LogCursor,
    Tally,
    ensure_database_running,
    pg_ctl,
    statuses,
    table_counts,
)

pytestmark = [pytest.mark.faults, pytest.mark.e2e, pytest.mark.integration]

QUERIES = 200
RATE = 8.0
OUTAGE_S = 15.0


def test_database_outage_mid_burst_loses_and_duplicates_nothing(stack: FaultStack, figures: Figures):
    rows_before, _ = table_counts(stack.database_url)
    pids = stack.pids()
    log = LogCursor(stack.log("psql_worker"))
    burst = Burst(stack.gateway_url, QUERIES, rate=RATE).start()
    burst.wait_done(QUERIES // 8)
    ready_seen, alive_seen = set(), set()
    try:
        pg_ctl("stop")
        stopped_at = time.monotonic()
        while time.monotonic() < stopped_at + OUTAGE_S:
            ready_seen.add(stack.service_ready("psql_worker"))
            alive_seen.add(stack.service_alive("psql_worker"))
            time.sleep(0.5)
        pg_ctl("start")
    finally:
        ensure_database_running(PG_ADMIN_URL)
    back_at = time.monotonic()
    down_s = back_at - stopped_at
    tally = Tally(burst.join())
    counts = tally.counts()
    settle_s = stack.settle(tally.accepted_ids)
    recovery_s = time.monotonic() - back_at
    rows_after, distinct_after = table_counts(stack.database_url)
    found = statuses(stack.database_url, tally.accepted_ids)

    assert counts["unexpected"] == 0, tally.describe_unexpected()
    assert counts["rejected"] == 0  # the broker stayed up: every question was accepted
    assert tally.accepted == QUERIES
    assert set(found) == tally.accepted_ids  # 0 lost
    assert rows_after - rows_before == QUERIES and rows_after == distinct_after  # 0 duplicates
    assert sorted(set(found.values())) == ["answered"]
    assert stack.dead_letters() == 0
    assert False in ready_seen, "psql_worker /ready never reported the outage"
    assert alive_seen == {True}, "psql_worker /health failed during the outage (it would be replaced)"
    stack.assert_unchanged(pids)  # no service restarted
    assert log.count("database unavailable during") > 0  # the outage really hit the writes
    stack.wait_ready(timeout=30)

    figures.record(
        "3 PostgreSQL stopped 15 s during burst",
        queries=QUERIES, accepted=tally.accepted, **counts,
        lost=len(tally.accepted_ids - set(found)), duplicates=rows_after - distinct_after,
        db_down_s=round(down_s, 1), settle_s=round(settle_s, 1), recovery_s=round(recovery_s, 1),
        db_retries_logged=log.count("database unavailable during"),
        max_latency_s=round(max(o.seconds for o in tally.outcomes), 1),
    )

