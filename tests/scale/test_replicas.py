"""Two gateways and two of each worker as processes on one broker, database and Redis.

The answer cache and the rate limits are shared through Redis (which holds no personal data), a caller
over its limit is refused by both gateways alike, and a burst of 1,000 queries with one replica of every
service killed along the way loses nothing and stores nothing twice.
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import time
from dataclasses import dataclass, field

import httpx
import pytest

from tests.support.broker import wait_until
from tests.support.redis_server import REDIS_URL, dump_under
from tests.support.replicas import RATE_LIMIT_PER_MINUTE, Replicas, api_key

pytestmark = [pytest.mark.scale, pytest.mark.e2e]

BURST = 1_000
CONCURRENCY = 24
BURST_KEYS = 20
# (answers completed, replica, service): one replica of each service, SIGKILLed mid-burst
KILLS = ((150, "a", "rag_core"), (300, "b", "llm_connector"), (450, "a", "psql_worker"),
         (600, "a", "pii_filter"))
QUESTIONS = (
    "My new phone stopped working within a week, can I get a refund?",
    "The seller refuses to replace my defective fridge; what can I do?",
    "How do I file a consumer complaint online?",
    "What is the time limit for filing a consumer complaint?",
    "The builder has delayed possession of my flat by two years. What are my rights?",
    "Which commission should I approach for a claim of twelve lakh rupees?",
)


def _auth(n: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key(n)}"}


def test_the_answer_cache_is_shared_and_redis_holds_no_personal_data(replicas: Replicas):
    from bench.pii_dataset import generate

    a, b = replicas.gateways["a"], replicas.gateways["b"]
    question = "Can a shop refuse to refund a defective pressure cooker?"
    first = httpx.post(f"{a}/query", json={"question": question}, headers=_auth(20), timeout=60)
    again = httpx.post(f"{b}/query", json={"question": question.upper()}, headers=_auth(20), timeout=60)
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert "answer_cache" not in first.json()["timings_ms"]
    assert "answer_cache" in again.json()["timings_ms"]  # the other replica's answer, from Redis
    assert again.json()["answer"] == first.json()["answer"]

    examples = [e for e in generate(count=60, seed=20261202, split="heldout") if e.identifiers][:30]
    for i, example in enumerate(examples):
        for _ in range(2):  # twice each: a repeat with personal data is never served from the cache
            url = (a, b)[i % 2]
            response = httpx.post(f"{url}/query", json={"question": example.text[:2000]},
                                  headers=_auth(20 + i % 2), timeout=60)
            assert response.status_code == 200, response.text
            assert "answer_cache" not in response.json()["timings_ms"]
    canaries = {i.value for e in examples for i in e.identifiers if len(i.value) >= 6}
    assert len(canaries) >= 40
    stored = dump_under(REDIS_URL, f"{replicas.namespace}:")
    assert f"{replicas.namespace}:answers:" in stored and f"{replicas.namespace}:limits" in stored
    assert [value for value in canaries if value in stored] == []


def test_a_caller_over_its_limit_is_refused_by_both_gateways_alike(replicas: Replicas):
    a, b = replicas.gateways["a"], replicas.gateways["b"]
    key = _auth(23)
    statuses = [httpx.post(f"{(a, b)[i % 2]}/query", json={"question": QUESTIONS[i % len(QUESTIONS)]},
                           headers=key, timeout=60).status_code for i in range(RATE_LIMIT_PER_MINUTE)]
    assert statuses == [200] * RATE_LIMIT_PER_MINUTE  # half through each gateway: one window counts both
    refused = [httpx.post(f"{url}/query", json={"question": QUESTIONS[0]}, headers=key, timeout=60)
               for url in (a, b)]
    assert [r.status_code for r in refused] == [429, 429]
    assert len({r.json()["message"].split(" Please")[0] for r in refused}) == 1
    assert all(1 <= int(r.headers["retry-after"]) <= 60 for r in refused)
    # the others are not affected, on either gateway
    assert [httpx.post(f"{u}/query", json={"question": QUESTIONS[1]}, headers=_auth(22), timeout=60
                       ).status_code for u in (a, b)] == [200, 200]


@dataclass
class Outcome:
    marker: str
    gateway: str
    status: int | None = None  # None: the connection failed (the gateway was killed)
    body: dict = field(default_factory=dict)
    done_at: float = 0.0


def _marker(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


async def _burst(replicas: Replicas) -> tuple[list[Outcome], dict[str, float]]:
    rng = random.Random(20261202)
    alive = dict(replicas.gateways)
    todo = list(range(BURST))
    outcomes: list[Outcome] = []
    killed_at: dict[str, float] = {}
    pending_kills = list(KILLS)
    lock = asyncio.Lock()

    async def kill_when_due() -> None:
        completed = sum(1 for o in outcomes if o.status == 200)
        while pending_kills and completed >= pending_kills[0][0]:
            _, replica, service = pending_kills.pop(0)
            if service == "pii_filter":
                alive.pop(replica)  # the load balancer's health check takes it out
            await asyncio.to_thread(replicas.kill, replica, service)
            killed_at[f"{service}.{replica}"] = time.monotonic()

    async def client(http: httpx.AsyncClient) -> None:
        while todo:
            n = todo.pop(0)
            name = list(alive)[n % len(alive)]
            marker = _marker(rng)
            question = f"{QUESTIONS[n % len(QUESTIONS)]} Reference word {marker}."
            outcome = Outcome(marker, name)
            try:
                response = await http.post(f"{alive.get(name, replicas.gateways[name])}/query",
                                           json={"question": question}, headers=_auth(n % BURST_KEYS))
                outcome.status = response.status_code
                outcome.body = response.json()
            except httpx.TransportError:
                pass
            outcome.done_at = time.monotonic()
            outcomes.append(outcome)
            async with lock:
                await kill_when_due()

    async with httpx.AsyncClient(timeout=90, limits=httpx.Limits(max_connections=CONCURRENCY)) as http:
        await asyncio.gather(*(client(http) for _ in range(CONCURRENCY)))
    return outcomes, killed_at


@pytest.mark.timeout(600)
def test_a_burst_with_one_replica_of_each_service_killed_loses_and_duplicates_nothing(replicas: Replicas):
    started = time.monotonic()
    outcomes, killed_at = asyncio.run(_burst(replicas))
    burst_s = time.monotonic() - started
    assert len(outcomes) == BURST and len(killed_at) == len(KILLS)

    def settled() -> bool:
        return not any(row["status"] == "pending" for row in replicas.rows())

    wait_until(settled, timeout=120, interval=1, message="every stored query final")
    every_row = replicas.rows()
    assert all(row["status"] in ("answered", "failed") for row in every_row)
    markers = {o.marker for o in outcomes}
    assert len(markers) == BURST
    by_marker: dict[str, list[dict]] = {}
    for row in every_row:
        words = (row["redacted_question"] or "").rstrip(".").split()
        if words and words[-1] in markers:
            by_marker.setdefault(words[-1], []).append(row)
    rows = [row for found in by_marker.values() for row in found]

    duplicates = [m for m, found in by_marker.items() if len(found) > 1]
    answered = [o for o in outcomes if o.status == 200]
    failed_clearly = [o for o in outcomes if o.status is not None and o.status != 200]
    cut_off = [o for o in outcomes if o.status is None]
    lost = [o for o in answered
            if [r["status"] for r in by_marker.get(o.marker, [])] != ["answered"]
            or by_marker[o.marker][0]["answer"] != o.body["answer"]]
    lost += [o for o in failed_clearly if o.body.get("query_id")
             and [str(r["query_id"]) for r in by_marker.get(o.marker, [])] != [o.body["query_id"]]]
    recovery = {name: min((o.done_at for o in answered if o.done_at > at), default=float("inf")) - at
                for name, at in killed_at.items()}
    summary = {"burst_s": round(burst_s, 1), "answered": len(answered), "failed_clearly": len(failed_clearly),
               "cut_off_at_killed_gateway": len(cut_off), "rows": len(rows), "duplicates": len(duplicates),
               "lost": len(lost), "statuses": sorted({o.status or 0 for o in outcomes}),
               "next_answer_after_kill_s": {k: round(v, 2) for k, v in recovery.items()}}
    print("scale burst:", json.dumps(summary))

    assert duplicates == [] and len(rows) == len(by_marker)
    assert lost == []
    # every error is one a person can read: a JSON body with a code and a message
    assert all(o.body.get("error") and o.body.get("message") for o in failed_clearly)
    # only what was in flight at the killed gateway was cut off, and none of that is left pending
    assert all(o.gateway == "a" for o in cut_off) and len(cut_off) <= CONCURRENCY
    assert len(answered) >= BURST - CONCURRENCY - len(failed_clearly)
    assert all(v < 30 for v in recovery.values()), recovery
