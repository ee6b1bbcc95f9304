"""Fault-injection helpers: a concurrent POST /query burst, exact database and queue counts, broker and
database control, the shared stack's handle and the figures each scenario records."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pika
import pika.exceptions
import psycopg

from tests.support.broker import queue_depth, wait_until
from tests.support.stack import ServiceStack

# A mix of plain questions and questions carrying personal data (redacted at the gateway).
QUESTIONS = [
    "The seller won't refund my broken fridge, what can I do?",
    "Which commission do I approach for a Rs 45 lakh claim?",
    "How long do I have to file a consumer complaint?",
    "My name is Anita Rao, phone 9876501234. The builder has delayed possession of my flat by two years.",
    "Can I file a complaint online without a lawyer?",
    "The airline cancelled my flight and refuses a refund. Email me at anita.rao@example.org.",
    "What is a deficiency in service?",
    "The shop charged more than the MRP on a bottle of water. What are my rights?",
    "How do I appeal against an order of the District Commission?",
    "My washing machine is still under warranty but the company will not repair it.",
]


# -- the burst ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One POST /query as the client saw it."""

    index: int
    status: int | None  # None: no HTTP response at all
    body: dict[str, Any]
    seconds: float
    transport_error: str = ""
    started_at: float = 0.0  # time.monotonic() when the request was sent

    @property
    def query_id(self) -> UUID | None:
        value = self.body.get("query_id")
        return UUID(value) if value else None

    @property
    def kind(self) -> str:
        """answered | failed | timeout (accepted) | rejected (clear 503) | unconfirmed | unexpected."""
        if self.status is not None and 200 <= self.status < 300 and self.query_id:
            return "answered"
        error, message = self.body.get("error"), self.body.get("message")
        if self.status in (502, 503) and self.query_id and message and error != "acceptance_unconfirmed":
            return "failed"  # accepted, then a stage reported a clear failure
        if self.status == 504 and self.query_id and self.body.get("error") == "answer_timeout":
            return "timeout"  # accepted but slow: the row must still end final
        if self.status == 503 and self.body.get("error") == "broker_unavailable" and self.body.get("message"):
            return "rejected"
        if self.status == 503 and self.body.get("error") == "acceptance_unconfirmed" and self.query_id:
            return "unconfirmed"  # sent, but the broker went away before confirming: may or may not run
        return "unexpected"


class Burst:
    """POST `n` questions with `concurrency` clients on a background thread; progress is observable."""

    def __init__(
        self, base_url: str, n: int, *, concurrency: int = 16, rate: float = 0.0, timeout_s: float = 90.0
    ) -> None:
        """`rate` > 0 paces the requests (request i starts no earlier than i / rate seconds in)."""
        self.base_url = base_url
        self.n = n
        self.rate = rate
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="burst", daemon=True)
        self.started = 0.0
        self.finished = 0.0

    @property
    def done(self) -> int:
        with self._lock:
            return len(self.outcomes)

    def start(self) -> Burst:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def wait_done(self, count: int, *, timeout: float = 120.0) -> None:
        """Block until at least `count` requests have completed (so a fault lands mid-burst)."""
        deadline = time.monotonic() + timeout
        while self.done < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"burst stuck at {self.done}/{self.n} (waited for {count})")
            time.sleep(0.05)

    def join(self, timeout: float = 240.0) -> list[Outcome]:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"burst did not finish in {timeout}s ({self.done}/{self.n})"
        assert len(self.outcomes) == self.n
        return sorted(self.outcomes, key=lambda o: o.index)

    def _one(self, client: httpx.Client, index: int) -> None:
        if self.rate:
            time.sleep(max(0.0, self.started + index / self.rate - time.monotonic()))
        started = time.monotonic()
        question = f"{QUESTIONS[index % len(QUESTIONS)]} (case {index})"
        try:
            response = client.post("/query", json={"question": question})
        except httpx.HTTPError as exc:
            outcome = Outcome(index, None, {}, time.monotonic() - started, f"{exc.__class__.__name__}: {exc}",
                              started_at=started)
        else:
            try:
                body = response.json()
            except ValueError:
                body = {"raw": response.text[:200]}
            seconds = time.monotonic() - started
            outcome = Outcome(index, response.status_code, body, seconds, started_at=started)
        with self._lock:
            self.outcomes.append(outcome)

    def _run(self) -> None:
        limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
        with httpx.Client(base_url=self.base_url, timeout=self.timeout_s, limits=limits) as client, \
                ThreadPoolExecutor(self.concurrency, thread_name_prefix="client") as pool:
            list(pool.map(lambda i: self._one(client, i), range(self.n)))
        self.finished = time.monotonic()


@dataclass
class Tally:
    """The burst in numbers."""

    outcomes: list[Outcome]

    def of(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == kind]

    @property
    def accepted_ids(self) -> set[UUID]:
        accepted = ("answered", "failed", "timeout")
        return {o.query_id for o in self.outcomes if o.kind in accepted and o.query_id}

    @property
    def accepted(self) -> int:
        return sum(o.kind in ("answered", "failed", "timeout") for o in self.outcomes)

    def accepted_spanning(self, moment: float) -> int:
        """Accepted queries whose request was open at `moment` (in the pipeline when the fault hit)."""
        accepted = ("answered", "failed", "timeout")
        return sum(o.kind in accepted and o.started_at < moment < o.started_at + o.seconds
                   for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        kinds = ("answered", "failed", "timeout", "rejected", "unconfirmed", "unexpected")
        return {k: len(self.of(k)) for k in kinds}

    def describe_unexpected(self) -> str:
        sample = self.of("unexpected")[:5]
        return "; ".join(f"#{o.index}: {o.status} {o.body} {o.transport_error}" for o in sample)


# -- the database ---------------------------------------------------------------------------------


def table_counts(database_url: str) -> tuple[int, int]:
    """(rows, distinct query ids) in the whole queries table."""
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        rows, distinct = conn.execute("SELECT count(*), count(DISTINCT query_id) FROM queries").fetchone()
    return int(rows), int(distinct)


def all_ids(database_url: str) -> set[UUID]:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return {r[0] for r in conn.execute("SELECT query_id FROM queries").fetchall()}


def statuses(database_url: str, ids: Iterable[UUID]) -> dict[UUID, str]:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        found = conn.execute(
            "SELECT query_id, status FROM queries WHERE query_id = ANY(%s)", (list(ids),)
        ).fetchall()
    return {qid: status for qid, status in found}


def all_final(database_url: str, ids: set[UUID]) -> bool:
    """Every id has a row and none is pending (False while the database is unreachable)."""
    try:
        found = statuses(database_url, ids)
    except psycopg.Error:
        return False
    return len(found) == len(ids) and all(s != "pending" for s in found.values())


# -- the broker -----------------------------------------------------------------------------------


def namespace_queues(namespace: str) -> dict[str, tuple[int, int]]:
    """Queue name -> (ready, unacknowledged) for every queue of the namespace (from rabbitmqctl)."""
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "name", "messages_ready", "messages_unacknowledged"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    queues = {}
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].startswith(f"{namespace}.") and parts[1].isdigit():
            queues[parts[0]] = (int(parts[1]), int(parts[2]))
    return queues


def work_queues_empty(namespace: str, work_queues: Iterable[str]) -> bool:
    queues = namespace_queues(namespace)
    return all(queues.get(q, (0, 0)) == (0, 0) for q in work_queues)


def broker_reachable(amqp_url: str) -> bool:
    try:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    except (pika.exceptions.AMQPError, OSError):
        return False
    with contextlib.suppress(pika.exceptions.AMQPError):
        connection.close()
    return True


def rabbitmqctl(*args: str, timeout: float = 120) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=timeout)


def ensure_broker_running(amqp_url: str, *, timeout: float = 120) -> None:
    """Bring RabbitMQ back whatever state a failed test left it in; wait until it takes connections."""
    if broker_reachable(amqp_url):
        return
    try:
        rabbitmqctl("start_app")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        subprocess.run(["rabbitmq-server", "-detached"], check=False, timeout=60)
    deadline = time.monotonic() + timeout
    while not broker_reachable(amqp_url):
        if time.monotonic() > deadline:
            raise RuntimeError("RabbitMQ did not come back")
        time.sleep(0.5)


def amqp_connection_of(pid: int) -> tuple[int, int] | None:
    """(client port, negotiated heartbeat seconds) of the AMQP connection process `pid` holds, if any."""
    sockets = subprocess.run(["ss", "-tnpH", "state", "established", "( dport = :5672 )"],
                             capture_output=True, text=True, check=True, timeout=30).stdout
    port = None
    for line in sockets.splitlines():
        if f"pid={pid}," in line:
            local = line.split()[2]  # Recv-Q Send-Q Local Peer Process (state filtered out)
            port = int(local.rsplit(":", 1)[1])
    if port is None:
        return None
    listing = subprocess.run(["rabbitmqctl", "-q", "list_connections", "peer_port", "timeout"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[0] == str(port):
            return port, int(parts[1])
    return None


# -- PostgreSQL -----------------------------------------------------------------------------------


def _pg_cluster() -> tuple[str, str]:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir() if p.name.isdigit())
    return versions[-1], "main"


def pg_ctl(action: str) -> None:
    version, cluster = _pg_cluster()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action],
                   check=True, capture_output=True, timeout=120)


def database_reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def ensure_database_running(url: str, *, timeout: float = 90) -> None:
    if database_reachable(url):
        return
    with contextlib.suppress(subprocess.CalledProcessError):
        pg_ctl("start")
    deadline = time.monotonic() + timeout
    while not database_reachable(url):
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not come back")
        time.sleep(0.5)


# -- service logs ---------------------------------------------------------------------------------


class LogCursor:
    """Reads only what a service logged after the cursor was made (logs are JSON lines)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def records(self) -> list[dict[str, Any]]:
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            lines = handle.read().decode(errors="replace").splitlines()
        out = []
        for line in lines:
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    out.append(record)
        return out

    def count(self, needle: str, *, query_id: UUID | None = None) -> int:
        return sum(
            needle in str(r.get("message", "")) and (query_id is None or r.get("query_id") == str(query_id))
            for r in self.records()
        )


# -- the shared stack and its figures ---------------------------------------------------------

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


class FaultStack(ServiceStack):
    """The running services plus what scenarios need to disturb and inspect them."""

    @property
    def work_queues(self) -> tuple[str, ...]:
        t = self.topology
        return (t.rag_queries, t.psql_accepted, t.llm_prompts, t.psql_results)

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


class Figures:
    """What a scenario measured, for the end-of-run summary and docs/reliability.md."""

    def record(self, scenario: str, **values: Any) -> None:
        entry = {"scenario": scenario, **values}
        FIGURES.append(entry)
        print(f"\n[faults] {json.dumps(entry, default=str)}")
