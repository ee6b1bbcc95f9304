"""One live stack (gateway, rag_core, llm_connector, psql_worker as processes) shared by the fault scenarios.

Each scenario counts only its own queries (and the growth of the queries table), and starts from a
healthy stack: broker and database up, every service process running and ready, dead-letter queue empty.
Figures each scenario measures are printed at the end of the run (and written as JSON to
$FAULTS_FIGURES when set); docs/reliability.md records them.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pika
import pytest

from common.topology import Topology
from deploy.local import ROOT, LocalStack
from tests.conftest import AMQP_URL, PG_ADMIN_URL
from tests.faults.support import (
    all_final,
    ensure_broker_running,
    ensure_database_running,
    namespace_queues,
    work_queues_empty,
)
from tests.support.broker import queue_depth, wait_until
from tests.support.stack import build_index, isolated_services

WORKERS = ("rag_core", "llm_connector", "psql_worker")
SERVICES = ("pii_filter", *WORKERS)

# a part of knowledge/ is enough for these tests and keeps the ingest short
INDEX_DOCUMENTS = (
    "refund-for-defective-goods.md", "which-commission-pecuniary-jurisdiction.md",
    "limitation-period.md", "builder-delayed-possession.md", "e-daakhil-online-filing.md",
    "airlines-telecom-and-travel-complaints.md", "deficiency-in-service.md",
    "overcharging-mrp-and-bills.md", "appeals.md", "warranty-and-guarantee.md",
)

FIGURES: list[dict[str, Any]] = []


def _ready(port: int, path: str = "/ready") -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


class FaultStack:
    """The running services plus what scenarios need to disturb and inspect them."""

    def __init__(self, local: LocalStack, *, namespace: str, database_url: str, log_dir: Path) -> None:
        self.local = local
        self.namespace = namespace
        self.database_url = database_url
        self.log_dir = log_dir
        self.topology = Topology(namespace)
        self.amqp_url = AMQP_URL

    @property
    def gateway_url(self) -> str:
        return self.local.gateway_url

    @property
    def work_queues(self) -> tuple[str, ...]:
        t = self.topology
        return (t.rag_queries, t.psql_accepted, t.llm_prompts, t.psql_results)

    def log(self, service: str) -> Path:
        return self.log_dir / f"{service}.log"

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.local.processes.items()}

    def running(self, service: str) -> bool:
        return self.local.processes[service].poll() is None

    def start(self, service: str) -> None:
        self.local.start(service)
        self.local.wait_healthy(timeout=120, services=(service,))

    def service_ready(self, service: str) -> bool:
        """/ready of a worker (broker, consumer and dependencies), or the gateway's /ready."""
        return _ready(self.local.port(service))

    def service_alive(self, service: str) -> bool:
        """/health: the liveness a container check probes (a failing one gets the task replaced)."""
        return _ready(self.local.port(service), "/health")

    def probe(self, service: str, path: str = "/ready") -> dict[str, Any]:
        """A worker's /ready (or /health) JSON, whatever its status code."""
        url = f"http://127.0.0.1:{self.local.port(service)}{path}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as exc:
            return dict(json.loads(exc.read()))

    def ready(self) -> bool:
        return all(self.service_ready(s) for s in SERVICES)

    def wait_ready(self, timeout: float = 90) -> None:
        wait_until(self.ready, timeout=timeout, interval=0.25, message="every service ready")

    def assert_unchanged(self, before: dict[str, int], *, except_: tuple[str, ...] = ()) -> None:
        """No service process restarted or died (same PIDs, still running)."""
        for service, pid in before.items():
            if service in except_:
                continue
            process = self.local.processes[service]
            assert process.pid == pid, f"{service} was restarted"
            assert process.poll() is None, f"{service} exited with {process.returncode}"

    def settle(self, ids: set[UUID], *, timeout: float = 120) -> float:
        """Wait until every id has a final row and the work queues are empty; seconds it took."""
        started = time.monotonic()
        wait_until(lambda: all_final(self.database_url, ids), timeout=timeout, interval=0.5,
                   message="every accepted query persisted as answered or failed")
        wait_until(lambda: work_queues_empty(self.namespace, self.work_queues), timeout=60, interval=1,
                   message="work queues empty (ready and unacknowledged)")
        return time.monotonic() - started

    def dead_letters(self) -> int:
        return queue_depth(self.amqp_url, self.topology.dead_letter_queue)

    def queue_totals(self) -> dict[str, tuple[int, int]]:
        return namespace_queues(self.namespace)


@pytest.fixture(scope="session")
def faults_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INDEX_DIR with a snapshot of part of knowledge/, built by the ingest command."""
    paths = [ROOT / "knowledge" / name for name in INDEX_DOCUMENTS]
    return build_index(tmp_path_factory.mktemp("faults_index"), *paths)


def stack_env(*, index_dir: Path) -> dict[str, str]:
    return {
        "INDEX_DIR": str(index_dir),
        "LLM_PROVIDER": "extractive",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "ENVIRONMENT": "test",
        "AUTH_DISABLED": "true",
        "RATE_LIMIT": "",  # the bursts come from one address
        "MAX_CONCURRENT_PER_CALLER": "0",  # and are that address's requests in progress at once
        "RECONNECT_MAX_DELAY_S": "5",  # production default 30: recovery would be measured in half-minutes
        "ANSWER_TIMEOUT_S": "20",  # a reply lost in a broker restart costs the request this long (then 504)
    }


@pytest.fixture(scope="session")
def fault_stack(faults_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    ensure_broker_running(AMQP_URL)
    ensure_database_running(PG_ADMIN_URL)
    log_dir = tmp_path_factory.mktemp("fault_logs")
    env = stack_env(index_dir=faults_index)
    with isolated_services(env=env, prefix="faults", log_dir=log_dir) as services:
        try:
            stack = FaultStack(services.local, namespace=services.namespace,
                               database_url=services.database_url, log_dir=log_dir)
            stack.wait_ready(timeout=60)
            with httpx.Client(base_url=stack.gateway_url, timeout=60) as http:  # warm every stage once
                assert http.post("/query", json={"question": "How do I get a refund?"}).status_code == 200
            yield stack
        finally:  # a scenario may have left the broker or the database stopped: bring them back first
            ensure_broker_running(AMQP_URL)
            ensure_database_running(PG_ADMIN_URL)


@pytest.fixture
def stack(fault_stack: FaultStack) -> Iterator[FaultStack]:
    """The shared stack, healthy at the start of the scenario: services running and ready, no dead letters."""
    ensure_broker_running(AMQP_URL)
    ensure_database_running(PG_ADMIN_URL)
    for service in SERVICES:
        if not fault_stack.running(service):  # an earlier scenario failed before restoring it
            fault_stack.start(service)
    fault_stack.wait_ready(timeout=90)
    if fault_stack.dead_letters():  # an earlier scenario failed before checking its dead letters
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        connection.channel().queue_purge(fault_stack.topology.dead_letter_queue)
        connection.close()
    yield fault_stack


class Figures:
    """What a scenario measured, for the end-of-run summary and docs/reliability.md."""

    def record(self, scenario: str, **values: Any) -> None:
        entry = {"scenario": scenario, **values}
        FIGURES.append(entry)
        print(f"\n[faults] {json.dumps(entry, default=str)}")


@pytest.fixture
def figures() -> Figures:
    return Figures()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fault-injection figures")
    for entry in FIGURES:
        terminalreporter.write_line(json.dumps(entry, default=str))
    target = os.environ.get("FAULTS_FIGURES")
    if target:
        payload = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "figures": FIGURES}
        Path(target).write_text(json.dumps(payload, indent=2, default=str))
