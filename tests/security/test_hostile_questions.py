"""Issue 16 item 1: one client's hostile questions neither stall /health nor a quiet client.

The real redactor behind the real uvicorn server on 127.0.0.1: one key sends the worst inputs found
for any recognizer (tests/pii_filter/test_redaction_cost.py) at its concurrency cap, nonstop, while
another key asks a plain question at a time and a load balancer polls /health. What must hold is
functional, not a speed target: every health check answers 200 within the load balancer's own timeout
(HealthCheckTimeoutSeconds in deploy/aws/stack.yaml; past it the task is marked unhealthy) and every quiet
question is answered. The latencies are printed and recorded in docs/security.md, not asserted: this
two-core machine is shared and noisy.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from pii_filter.redaction import Redactor
from pii_filter.settings import GatewaySettings
from tests.support.gateway import KEY, OTHER_KEY, running_stages, served
from tests.support.hostile import hostile_texts

pytestmark = pytest.mark.integration

ALB_HEALTH_TIMEOUT_S = 5.0  # deploy/aws/stack.yaml, HealthCheckTimeoutSeconds
ATTACK_S = 12
QUIET_QUESTION = "My number is 9876543210, Croma refused a refund."
# the costliest for the whole redaction (spaCy tokens, digit runs, PIN codes, name cues)
WORST = [t for t in hostile_texts(2000) if t[:2] in ("a-", "1 ", "1-", "a ", "Aa", "56", "98", "Mr", "''")]


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def test_hostile_questions_leave_health_and_a_quiet_client_within_bounds(
    amqp_url: str, namespace: str
) -> None:
    redactor = Redactor.from_settings(GatewaySettings(auth_disabled=True))
    stop = threading.Event()
    health_ms: list[float] = []
    quiet_ms: list[float] = []
    failures: list[str] = []  # an assert inside a thread would not fail the test: collected here
    attacks: dict[str | int, int] = {"sent": 0, "answered": 0}

    with running_stages(amqp_url, namespace), served(
        amqp_url, namespace, redactor=redactor, rate_limit="", answer_timeout_s=30.0
    ) as gateway:

        def attack(index: int) -> None:
            with httpx.Client(base_url=gateway.url, headers={"X-API-Key": KEY}, timeout=60) as client:
                while not stop.is_set():
                    text = WORST[(index + attacks["sent"]) % len(WORST)]
                    attacks["sent"] += 1
                    status = client.post("/query", json={"question": text}).status_code
                    attacks["answered"] += status == 200
                    attacks[status] = attacks.get(status, 0) + 1

        def poll_health() -> None:
            with httpx.Client(base_url=gateway.url, timeout=ALB_HEALTH_TIMEOUT_S) as client:
                while not stop.is_set():
                    started = time.perf_counter()
                    try:
                        status = client.get("/health").status_code
                    except httpx.TimeoutException:
                        failures.append(f"/health gave no answer within {ALB_HEALTH_TIMEOUT_S:g} s")
                        continue
                    if status != 200:
                        failures.append(f"/health answered {status}")
                    health_ms.append((time.perf_counter() - started) * 1000)
                    time.sleep(0.05)

        def ask_quietly() -> None:
            with httpx.Client(base_url=gateway.url, headers={"X-API-Key": OTHER_KEY}, timeout=60) as client:
                while not stop.is_set():
                    started = time.perf_counter()
                    reply = client.post("/query", json={"question": QUIET_QUESTION})
                    if reply.status_code != 200 or "9876543210" in reply.json().get("redacted_question", ""):
                        failures.append(f"quiet client: {reply.status_code} {reply.text[:200]}")
                    quiet_ms.append((time.perf_counter() - started) * 1000)
                    time.sleep(0.2)

        cap = gateway.settings.max_concurrent_per_caller or 4
        threads = [threading.Thread(target=attack, args=(i,), daemon=True) for i in range(cap)]
        threads += [threading.Thread(target=work, daemon=True) for work in (poll_health, ask_quietly)]
        for thread in threads:
            thread.start()
        time.sleep(ATTACK_S)
        stop.set()
        for thread in threads:
            thread.join(90)

    assert attacks["answered"] >= cap  # the hostile questions were really analysed and answered
    assert len(quiet_ms) >= 5 and len(health_ms) >= 50
    print(f"health p99 {_p99(health_ms):.0f} ms, quiet p99 {_p99(quiet_ms):.0f} ms, attacks {attacks}")
    assert not failures, failures[:5]
