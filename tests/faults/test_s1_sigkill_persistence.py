"""Scenario 1: SIGKILL the persistence worker again and again during a burst of 500 queries."""

from __future__ import annotations

import signal
import time

import pytest

from tests.support.faults import Burst, FaultStack, Figures, LogCursor, Tally, statuses, table_counts

pytestmark = [pytest.mark.faults, pytest.mark.e2e, pytest.mark.integration]

QUERIES = 500
KILLS = 5


def test_repeated_sigkill_of_psql_worker_loses_and_duplicates_nothing(stack: FaultStack, figures: Figures):
    rows_before, _ = table_counts(stack.database_url)
    pids = stack.pids()
    log = LogCursor(stack.log("psql_worker"))
    burst = Burst(stack.gateway_url, QUERIES).start()
    done_at_kill = []
    for k in range(1, KILLS + 1):
        burst.wait_done(QUERIES * k // (KILLS + 2))  # spread the kills over the burst
        process = stack.local.processes["psql_worker"]
        process.send_signal(signal.SIGKILL)
        assert process.wait(10) == -signal.SIGKILL
        done_at_kill.append(burst.done)
        stack.start("psql_worker")  # a new process, as an orchestrator would start one
    last_restart = time.monotonic()
    tally = Tally(burst.join())

    assert tally.counts()["unexpected"] == 0, tally.describe_unexpected()
    assert all(0 < d < QUERIES for d in done_at_kill), f"kills did not land mid-burst: {done_at_kill}"
    settle_s = stack.settle(tally.accepted_ids)
    rows_after, distinct_after = table_counts(stack.database_url)
    found = statuses(stack.database_url, tally.accepted_ids)
    recovery_s = time.monotonic() - last_restart

    # nothing refused (the broker stayed up), nothing lost, nothing twice
    assert tally.accepted == QUERIES
    assert rows_after - rows_before == tally.accepted
    assert rows_after == distinct_after
    assert set(found) == tally.accepted_ids
    assert sorted(set(found.values())) == ["answered"]
    assert stack.dead_letters() == 0
    stack.assert_unchanged(pids, except_=("psql_worker",))
    assert stack.service_ready("psql_worker")

    absorbed = log.count("already stored") + log.count("already recorded")
    figures.record(
        "1 SIGKILL psql_worker x5 during burst",
        queries=QUERIES, accepted=tally.accepted, **tally.counts(),
        lost=len(tally.accepted_ids - set(found)), duplicates=rows_after - distinct_after,
        redeliveries_absorbed=absorbed, done_at_kill=done_at_kill,
        recovery_s=round(recovery_s, 1), settle_s=round(settle_s, 1),
        burst_s=round(burst.finished - burst.started, 1),
        max_latency_s=round(max(o.seconds for o in tally.outcomes), 1),
    )
