"""The live path on a three-node RabbitMQ cluster: quorum queues replicated on every node, the services
given all three nodes, and one node stopped in the middle of a burst of 500 queries.

Every accepted query ends answered or clearly failed, stored exactly once; none is lost.
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from deploy.local import PORTS, LocalStack, free_port
from tests.scale.rabbit_cluster import RabbitCluster
from tests.support.broker import wait_until
from tests.support.database import create_database, drop_database

pytestmark = [pytest.mark.scale, pytest.mark.e2e]

BURST = 500
CONCURRENCY = 16
STOP_AFTER = 150  # answers completed when the node goes down
QUESTIONS = (
    "My new phone stopped working within a week, can I get a refund?",
    "How do I file a consumer complaint online?",
    "What is the time limit for filing a consumer complaint?",
    "The seller refuses to replace my defective fridge; what can I do?",
)


@dataclass
class ClusterStack:
    cluster: RabbitCluster
    local: LocalStack
    namespace: str
    database_url: str

    def rows(self) -> list[dict]:
        with psycopg.connect(self.database_url, row_factory=psycopg.rows.dict_row) as conn:
            return conn.execute("SELECT query_id, status, redacted_question, answer, error_code FROM queries"
                                ).fetchall()


@pytest.fixture(scope="module")
def cluster_stack(scale_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterStack]:
    cluster = RabbitCluster()
    db_name = f"cr_cluster_{uuid.uuid4().hex[:10]}"
    database_url = create_database(db_name)
    namespace = f"cluster{uuid.uuid4().hex[:8]}"
    env = {"AMQP_URL": "", "NAMESPACE": namespace, "DATABASE_URL": database_url,
           "INDEX_DIR": str(scale_index),
           "LLM_PROVIDER": "extractive", "LOG_FORMAT": "json", "AUTH_DISABLED": "true", "RATE_LIMIT": "",
           "MAX_CONCURRENT_PER_CALLER": "0", "ANSWER_TIMEOUT_S": "20", "RECONNECT_MAX_DELAY_S": "2",
           # a query whose acceptance the broker never confirmed (the gateway said so, with its id) may
           # be stored pending with no message left to finish it: the sweep fails it, sooner than in AWS
           "STALE_PENDING_AFTER_S": "60", "STALE_PENDING_SWEEP_INTERVAL_S": "5"}
    local: LocalStack | None = None
    try:
        cluster.start()
        env["AMQP_URL"] = cluster.amqp_url
        local = LocalStack(env=env, log_dir=tmp_path_factory.mktemp("cluster-logs"),
                           ports={name: free_port() for name in PORTS})
        local.start_all(timeout=300)
        wait_until(lambda: httpx.get(f"{local.gateway_url}/ready", timeout=5).status_code == 200, timeout=60,
                   message="gateway ready on the cluster")
        yield ClusterStack(cluster, local, namespace, database_url)
    finally:
        if local is not None:
            local.stop_all()
        cluster.remove()
        drop_database(db_name)


def test_the_work_queues_are_quorum_queues_with_a_member_on_every_node(cluster_stack: ClusterStack):
    first = cluster_stack.cluster.nodes[0]
    rows = json.loads(cluster_stack.cluster.ctl(first, "list_queues", "name", "type", "members",
                                                "--formatter", "json", "-q"))
    work = [r for r in rows if r["name"].startswith(cluster_stack.namespace) and ".replies." not in r["name"]]
    assert len(work) >= 6, rows  # five work queues and the dead letters
    assert all(r["type"] == "quorum" and len(r["members"]) == 3 for r in work), work


@dataclass
class Outcome:
    marker: str
    status: int | None = None
    body: dict = field(default_factory=dict)
    done_at: float = 0.0


async def _burst(stack: ClusterStack) -> tuple[list[Outcome], str, float, float]:
    rng = random.Random(20261203)
    todo = list(range(BURST))
    outcomes: list[Outcome] = []
    stopped: list[tuple[str, float]] = []
    claimed: list[bool] = []
    ready_again: list[float] = []

    async def stop_busiest_node() -> None:
        # the node holding the gateway's reply queue (replies to it are refused while it goes down, and
        # the gateway must move), else the one leading most of this stack's quorum queues
        cluster = stack.cluster
        node = await asyncio.to_thread(cluster.home_of, f"{stack.namespace}.gateway.replies.")
        if node is None:
            current = await asyncio.to_thread(cluster.leaders, cluster.nodes[0])
            leaders = Counter(leader for name, leader in current.items() if name.startswith(stack.namespace))
            node = cluster.container_of(leaders.most_common(1)[0][0])
        stopped.append((node, time.monotonic()))
        await asyncio.to_thread(cluster.stop_node, node)
        async with httpx.AsyncClient(timeout=5) as probe:  # until every stage is consumed again
            while (await probe.get(f"{stack.local.gateway_url}/ready")).status_code != 200:
                await asyncio.sleep(0.25)
        ready_again.append(time.monotonic() - stopped[0][1])

    async def client(http: httpx.AsyncClient) -> None:
        while todo:
            n = todo.pop(0)
            marker = "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
            outcome = Outcome(marker)
            try:
                response = await http.post(f"{stack.local.gateway_url}/query", json={
                    "question": f"{QUESTIONS[n % len(QUESTIONS)]} Reference word {marker}."})
                outcome.status, outcome.body = response.status_code, response.json()
            except httpx.TransportError:
                pass
            outcome.done_at = time.monotonic()
            outcomes.append(outcome)
            if not claimed and sum(o.status == 200 for o in outcomes) >= STOP_AFTER:
                claimed.append(True)  # one client stops the node; the others keep asking
                await stop_busiest_node()

    async with httpx.AsyncClient(timeout=90) as http:
        await asyncio.gather(*(client(http) for _ in range(CONCURRENCY)))
    node, at = stopped[0]
    return outcomes, node, at, ready_again[0]


@pytest.mark.timeout(900)
def test_stopping_a_node_mid_burst_loses_nothing(cluster_stack: ClusterStack):
    started = time.monotonic()
    outcomes, node, stopped_at, ready_again_s = asyncio.run(_burst(cluster_stack))
    burst_s = time.monotonic() - started
    wait_until(lambda: all(r["status"] != "pending" for r in cluster_stack.rows()), timeout=180, interval=1,
               message="every stored query final")

    markers = {o.marker for o in outcomes}
    by_marker: dict[str, list[dict]] = {}
    for row in cluster_stack.rows():
        words = (row["redacted_question"] or "").rstrip(".").split()
        if words and words[-1] in markers:
            by_marker.setdefault(words[-1], []).append(row)
    answered = [o for o in outcomes if o.status == 200]
    failed = [o for o in outcomes if o.status not in (200, None)]
    cut_off = [o for o in outcomes if o.status is None]
    duplicates = [m for m, rows in by_marker.items() if len(rows) > 1]
    lost = [o for o in answered if [r["status"] for r in by_marker.get(o.marker, [])] != ["answered"]]
    # a failure that names its query stored it once; "acceptance_unconfirmed" says the broker may not have
    # it (the person is told to look it up before asking again), so it may also be stored not at all
    lost += [o for o in failed if o.body.get("query_id")
             and [str(r["query_id"]) for r in by_marker.get(o.marker, [])] not in (
                 [[o.body["query_id"]], []] if o.body.get("error") == "acceptance_unconfirmed"
                 else [[o.body["query_id"]]])]
    lost += [o for o in failed if not o.body.get("query_id") and o.marker in by_marker
             and by_marker[o.marker][0]["status"] == "pending"]
    after = sorted(o.done_at - stopped_at for o in answered if o.done_at > stopped_at)
    summary = {"burst_s": round(burst_s, 1), "stopped": node, "answered": len(answered),
               "failed_clearly": dict(Counter(str(o.body.get("error")) for o in failed)),
               "cut_off": len(cut_off), "rows": sum(len(r) for r in by_marker.values()),
               "swept_result_lost": sum(r[0]["error_code"] == "result_lost" for r in by_marker.values()),
               "unconfirmed_not_stored": sum(o.body.get("error") == "acceptance_unconfirmed"
                                             and o.marker not in by_marker for o in failed),
               "duplicates": len(duplicates), "lost": len(lost),
               "first_answer_after_stop_s": round(after[0], 2) if after else None,
               "ready_again_after_stop_s": round(ready_again_s, 1)}  # /ready: every stage consumed
    print("cluster burst:", json.dumps(summary))

    assert len(outcomes) == BURST and node
    assert cut_off == []  # the gateway itself stayed up: every request got an HTTP answer
    assert duplicates == [] and lost == []
    assert all(o.body.get("error") and o.body.get("message") for o in failed)  # clear, in words
    # a failure names the query when it may have been accepted, so the person can look it up
    assert all(o.body.get("query_id") for o in failed if o.body.get("error") in (
        "answer_timeout", "acceptance_unconfirmed"))
    # the sweep may only have failed what the gateway already called unconfirmed: nothing the broker
    # confirmed went missing on the way
    swept = {m for m, rows in by_marker.items() if rows[0]["error_code"] == "result_lost"}
    assert swept <= {o.marker for o in failed if o.body.get("error") == "acceptance_unconfirmed"}, summary
    assert len(answered) >= BURST * 0.8, summary
    assert ready_again_s < 60, summary
