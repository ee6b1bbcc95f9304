"""Scenario 2: restart RabbitMQ in the middle of a burst."""

from __future__ import annotations

import time

import pytest

from tests.support.faults import (
    SERVICES,
    WORKERS,
    Burst,
    FaultStack,
    Figures,
    LogCursor,
    Tally,
    all_ids,
    ensure_broker_running,
    rabbitmqctl,
    statuses,
    table_counts,
)

pytestmark = [pytest.mark.faults, pytest.mark.e2e, pytest.mark.integration]

QUERIES = 480
RATE = 60.0  # per second, above what the stack answers, so queries are in the pipeline when the broker
# stops, requests keep arriving through the outage, and the burst continues after the restart
DOWN_S = 4.0  # the broker stays stopped this long (plus the time stop_app/start_app take)
PROBES = 6  # questions sent only while the broker is down: the burst's clients may all be waiting for
# answers then (on a slow machine every one of them is), so the outage gets its own askers


def test_broker_restart_mid_burst_every_accepted_query_persisted_once(stack: FaultStack, figures: Figures):
    rows_before, _ = table_counts(stack.database_url)
    ids_before = all_ids(stack.database_url)
    pids = stack.pids()
    logs = {s: LogCursor(stack.log(s)) for s in SERVICES}
    burst = Burst(stack.gateway_url, QUERIES, rate=RATE).start()
    burst.wait_done(60)
    not_ready: set[str] = set()
    try:
        stop_started = time.monotonic()
        rabbitmqctl("stop_app")
        stopped_at = time.monotonic()
        probes = Burst(stack.gateway_url, PROBES, concurrency=2, rate=PROBES / (DOWN_S - 1.0)).start()
        while time.monotonic() < stopped_at + DOWN_S:  # /ready must say so while disconnected
            not_ready.update(s for s in SERVICES if not stack.service_ready(s))
            time.sleep(0.2)
        done_in_outage = burst.done
        probed = probes.join(timeout=30)
        rabbitmqctl("start_app")
    finally:
        ensure_broker_running(stack.amqp_url)
    back_at = time.monotonic()
    stack.wait_ready(timeout=60)
    reconnected_s = time.monotonic() - back_at
    tally = Tally(burst.join() + probed)
    counts = tally.counts()

    assert counts["unexpected"] == 0, tally.describe_unexpected()
    assert not_ready == set(SERVICES), f"/ready stayed true while disconnected: {set(SERVICES) - not_ready}"
    assert counts["rejected"] > 0, "no request reached the gateway during the outage"
    assert all(o.kind in ("rejected", "unconfirmed") for o in probed), [(o.status, o.body) for o in probed]
    assert done_in_outage < QUERIES, "the burst did not continue after the restart"
    in_pipeline = tally.accepted_spanning(stop_started)
    # how many were in flight depends on the machine's speed; the fault must catch at least one
    assert in_pipeline >= 1, "no accepted query was in the pipeline when the broker stopped"
    settle_s = stack.settle(tally.accepted_ids)
    rows_after, distinct_after = table_counts(stack.database_url)
    new_ids = all_ids(stack.database_url) - ids_before
    found = statuses(stack.database_url, new_ids)
    unconfirmed = {o.query_id for o in tally.of("unconfirmed")}

    # every accepted query (each 2xx among them) persisted exactly once and final; a query the gateway
    # refused is never stored; one it could not confirm may be, but then it is final too
    assert tally.accepted_ids <= new_ids
    assert new_ids - tally.accepted_ids <= unconfirmed
    assert rows_after - rows_before == len(new_ids) and rows_after == distinct_after
    assert "pending" not in found.values()
    assert stack.dead_letters() == 0
    for outcome in tally.of("rejected"):
        assert outcome.body["message"].startswith("The service is temporarily unable to accept questions")
    for outcome in tally.of("unconfirmed"):
        assert f"GET /queries/{outcome.query_id}" in outcome.body["message"]
    stack.assert_unchanged(pids)  # every service reconnected by itself
    in_flight = {s: stack.probe(s)["in_flight"] for s in WORKERS}
    assert in_flight == dict.fromkeys(WORKERS, 0), f"work still counted in flight after settling: {in_flight}"
    reconnects = {s: logs[s].count("consuming") + logs[s].count("gateway connected") for s in SERVICES}
    assert all(n >= 1 for n in reconnects.values()), reconnects

    figures.record(
        "2 RabbitMQ restart during burst",
        queries=len(tally.outcomes), accepted=tally.accepted, **counts,
        accepted_in_pipeline_at_stop=in_pipeline,
        unconfirmed_stored=len(new_ids & unconfirmed),
        lost=len(tally.accepted_ids - new_ids), duplicates=rows_after - distinct_after,
        broker_stop_s=round(stopped_at - stop_started, 1), broker_down_s=round(back_at - stopped_at, 1),
        reconnect_s=round(reconnected_s, 1), settle_s=round(settle_s, 1),
        recovery_s=round(time.monotonic() - back_at, 1),
        max_latency_s=round(max(o.seconds for o in tally.outcomes), 1),
    )
