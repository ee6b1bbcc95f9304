"""Scenario 7: SIGTERM each worker in the middle of a burst: exit 0 within 25 s, nothing lost."""

from __future__ import annotations

import signal
import time

import pytest

from tests.support.faults import WORKERS, Burst, FaultStack, Figures, LogCursor, Tally, statuses, table_counts

pytestmark = [pytest.mark.faults, pytest.mark.e2e, pytest.mark.integration]

QUERIES = 100
EXIT_WITHIN_S = 25.0


@pytest.mark.parametrize("service", WORKERS)
def test_sigterm_mid_burst_exits_cleanly_and_loses_nothing(stack: FaultStack, figures: Figures, service: str):
    rows_before, _ = table_counts(stack.database_url)
    pids = stack.pids()
    log = LogCursor(stack.log(service))
    burst = Burst(stack.gateway_url, QUERIES).start()
    burst.wait_done(QUERIES // 4)
    process = stack.local.processes[service]
    sent_at = time.monotonic()
    done_at_signal = burst.done
    code = stack.local.stop(service, sig=signal.SIGTERM, timeout=EXIT_WITHIN_S)
    exit_s = time.monotonic() - sent_at
    restarted_at = time.monotonic()
    stack.start(service)
    tally = Tally(burst.join())
    counts = tally.counts()
    settle_s = stack.settle(tally.accepted_ids)
    rows_after, distinct_after = table_counts(stack.database_url)
    found = statuses(stack.database_url, tally.accepted_ids)

    assert code == 0, f"{service} exited with {code} (None: still running after {EXIT_WITHIN_S} s)"
    assert exit_s < EXIT_WITHIN_S
    assert process.pid == pids[service] and stack.local.processes[service].pid != process.pid
    assert 0 < done_at_signal < QUERIES
    assert log.count(f"{service} stopped") == 1
    assert counts["unexpected"] == 0 and counts["rejected"] == 0, tally.describe_unexpected() or counts
    assert tally.accepted == QUERIES
    assert set(found) == tally.accepted_ids and set(found.values()) == {"answered"}  # 0 lost
    assert rows_after - rows_before == QUERIES and rows_after == distinct_after  # 0 duplicates
    assert stack.dead_letters() == 0
    stack.assert_unchanged(pids, except_=(service,))

    in_flight = [r for r in log.records() if "still in flight" in str(r.get("message"))]
    figures.record(
        f"7 SIGTERM {service} during burst",
        queries=QUERIES, accepted=tally.accepted, **counts, exit_code=code, exit_s=round(exit_s, 1),
        left_in_flight=len(in_flight), done_at_signal=done_at_signal,
        lost=len(tally.accepted_ids - set(found)), duplicates=rows_after - distinct_after,
        recovery_s=round(time.monotonic() - restarted_at, 1), settle_s=round(settle_s, 1),
        max_latency_s=round(max(o.seconds for o in tally.outcomes), 1),
    )
