"""End-to-end speed: POST /query at concurrency 1, 8 and 32 against the services running as processes,
next to the in-process cost of the same stages (redact + embed + retrieve + prompt + compose + persist)
measured in the same run: at concurrency 1 each question runs in-process and then over HTTP, in turn.
Also each service's resident memory after the run.

    python -m bench.e2e [--seconds 20] [--levels 1,8,32]      (what `make bench-e2e` runs)

Needs RabbitMQ and PostgreSQL (AMQP_URL / BENCH_DATABASE_ADMIN_URL, localhost by default). Uses the
extractive provider, a fresh database and broker namespace, and an index of knowledge/ built here.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import aiohttp
import httpx
import psycopg

from bench.report import machine, write_section
from deploy.local import PORTS, ROOT, LocalStack, free_port

ADMIN_URL = os.environ.get("BENCH_DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
GOLDEN = ROOT.parent / "shared" / "eval" / "golden_dev.csv"
PERSONAL = [
    "I am Priya Nair, phone 9845012345. My washing machine from Croma broke within a week, what can I do?",
    "Anil Kumar here (anil.kumar@example.com). The airline cancelled my flight and kept Rs 12,000.",
    "My builder in Pune has delayed possession by two years. Contact me at +91 98200 12345. Remedies?",
]


NOTES = """Where the difference goes. Traced on 2026-12-01 with a timestamp at every hand-over (300
questions at concurrency 1 with a 20 ms pause, one run; p50 ms): HTTP in 1.7 and out 1.2 (client
send to the gateway's handler, and its response to the client); the three RabbitMQ hops with the
code around them 6.8 (gateway publish -> rag_core 2.7, rag_core -> llm_connector 2.3, reply -> the
waiting request 1.7); the stages 17.4 (redact 5.2, retrieve + prompt 9.2, compose 3.0).
- Changed on 2026-12-01:
  - The gateway's broker link runs on its event loop (aio-pika) instead of a pika thread: no thread
    hand-over on publish or reply. In each of three interleaved A/B pairs the two hand-overs took 0.4
    to 0.7 ms less (the pairs' totals fell by more, 1.9 to 7.6 ms, while the machine drifted); at
    concurrency 32 throughput was the same within noise (42.8/43.1 vs 42.7/40.7 queries/s, slow hour).
  - The extractive answer computed the system prompt's shingles again for every candidate sentence:
    40% of llm_connector's CPU at concurrency 32. Compose fell from 3.8 to 1.9 ms per question, and
    the CPU per answered query from 8.4 to 4.9 ms (py-spy and /proc CPU times during a 15 s run).
  - CPU per answered query at concurrency 32 after both (ms): pii_filter 10.6, rag_core 10.4,
    rabbitmq 5.1, llm_connector 4.9, psql_worker 4.3, postgres 0.4; the closed-loop client takes about a
    sixth of the two cores on top.
- Changed later on 2026-12-01 (the host is now an Intel Xeon; earlier figures were on an AMD EPYC):
  - Concurrent questions share one spaCy batch in the gateway (Presidio's BatchAnalyzerEngine; a
    lone question still runs inline): pii_filter's CPU per answered query at concurrency 32 fell from
    8.9-9.4 to 7.4-8.0 ms in two interleaved pairs. Batched and single redactions are identical on
    800 generated questions.
  - The phone recognizer had eight countries' numbering plans (Presidio's configuration model drops
    `supported_regions`); now only IN. In bench.pii_quality, ours/stock p50 went from 0.60/0.57 to
    0.48/0.49 with the same recall.
  - llm_connector searches each passage once for instructions before any sentence, and computes the
    system prompt's words once: compose + leak check 1.85-1.99 -> 1.59-1.71 ms a question.
  - All of it, in two interleaved pairs at concurrency 32 (CPU per answered query, services plus the
    load client, from /proc): 36.9 -> 34.2 ms and 33.9 -> 33.0 ms; 52.3 -> 55.8 and 56.0 -> 58.3
    queries/s.
  - Measured, not taken: ranking by exact cosine over the snapshot's vectors loaded once from Chroma
    instead of a Chroma query per question (rag_core's CPU 8% lower against pii_filter's in three
    pairs, 45 fewer thread switches per query among Chroma's tokio and sqlite threads), because
    the design has rag_core query Chroma; sending pika's three frames of a message in one send()
    instead of three: no measurable change; aio-pika for the workers: a bare relay costs 0.62-0.70
    ms of CPU a message against pika's 0.36-0.41, so the workers stay on pika; psql_worker's second
    reply for answered results: without it the CPU per answered query fell from 31.5 to 30.1 and 32.1
    to 30.2 ms in two pairs (about 5%), kept because it answers the questions in flight across a
    broker restart without waiting for the answer timeout.
  - With the code of this section, seven runs between 04:32 and 05:01 UTC gave 50.5-65.8 queries/s
    at concurrency 32 (28.7-37.6 ms of CPU per answered query, all processes: throughput is close to
    1,900 ms/s divided by it) and 1.24-1.27x at concurrency 1.
  - The concurrency-8/32 load client is now aiohttp instead of httpx. The client runs on the same two
    cores as the system it measures: per answered query it took 3.0 ms of CPU with httpx and 1.0 ms
    with aiohttp (from /proc, two interleaved pairs: 55.4/55.9 queries/s with httpx, 61.8/57.7 with
    aiohttp). An earlier try on the AMD host (36.8/36.7 against 36.9/37.5) showed no difference
    within that hour's noise.
- Changed in the evening of 2026-12-01 (issue 17; the host was an AMD EPYC again, shared by several
  sessions, load average about 8 on the two cores):
  - Workers no longer run a handler on the connection thread when nothing else is in flight (the
    `inline` subscriptions of rag_core and of the extractive llm_connector): every handler runs on the
    pool. Two interleaved pairs, with it / without it: concurrency-1 p50 52.8, 52.3 / 47.9, 43.5 ms;
    CPU per answered query at concurrency 32, rag_core 8.4, 10.1 / 10.2, 10.0 ms and llm_connector
    3.4, 4.4 / 4.4, 4.3 ms (all processes 27.6, 37.7 / 33.2, 35.4 ms). No difference beyond that hour's
    noise, so the mode went, and with it the stalls it caused (no heartbeats and no other delivery on
    the connection while a handler ran there, up to 1.6 s in a retry back-off).
  - The gateway's broker link moved from aio-pika to pika's asyncio adapter on the same event loop
    (one AMQP library; the topology declared on that connection instead of a blocking one in a
    thread), with the rest of issue 17. Two interleaved pairs, before / after (the other sessions'
    traffic on the shared RabbitMQ makes its own figure meaningless here, so the four services):
    CPU per answered query at concurrency 32, pii_filter 7.7, 7.2 / 5.5, 5.6 ms, rag_core 8.8, 8.4 /
    8.0, 8.5, llm_connector 3.7, 3.5 / 3.4, 3.7, psql_worker 3.9, 3.5 / 2.9, 3.3 (the four 24.1, 22.6
    / 19.8, 21.1 ms); concurrency-1 p50 37.2, 35.7 / 32.7, 34.7 ms (0.89, 0.92 / 0.80, 0.81x the
    in-process sum); 15.2, 22.8 / 25.5, 19.1 queries/s at concurrency 32, which followed the host.
- What this machine does to small hand-offs: a bare HTTP request to the gateway app takes 0.7-0.9 ms
  back to back but 1.9-2.4 ms after the client paused 2 or 20 ms (raw socket client, the same app),
  with or without idle-priority load on both cores. Each process that sleeps between queries pays
  this on waking, so every hop costs more at concurrency 1 than in a hot loop.
- psql_worker's pending-row write runs beside rag_core's retrieval: without it the concurrency-1
  p50 was 2.2-3.4 ms lower (two A/B pairs). Delivering the accepted event to psql_worker a second
  late (a TTL queue; the result, carrying top_k, writes the whole row first and the late event only
  reads) was then measured in three interleaved pairs with the timestamps: no consistent gain
  (totals 36.5/36.4/38.5 ms against 32.3/38.3/40.2 without), so not taken.
- Tried and not taken: classic instead of quorum queues for rag_core's and llm_connector's queues
  (about 1 ms a hop less in a bare pika chain on 2026-12-01; in the full system two interleaved
  pairs gave 1.24/1.21x against 1.26/1.24x) would lose the delivery limit that dead-letters a
  message that keeps killing its consumer; direct reply-to instead of the reply queue: no difference
  measurable here; a lower CPU priority
  for psql_worker: no difference; dropping psql_worker's backup reply: -0.3 ms on average over three
  A/B pairs, within noise.
- This machine's speed drifts by up to 1.7x within an hour (a pure-Python loop took 0.89 to 1.55 s),
  so only the figures of one run compare. With the code of this section, on 2026-12-01: the
  concurrency-1 ratio came out 1.21-1.31x in 10 runs (1.31 once, on the fastest hour: fixed costs
  such as the broker's commits weigh more when the Python stages run fast), and concurrency 32 gave
  36-59 queries/s. Throughput follows the CPU each query costs, which moved with the host: the same
  code took 35.7 ms of CPU per answered query at 02:00 UTC (46.8 queries/s) and 45.2 ms at 02:52 UTC
  (36.9 queries/s), summed over the four services, RabbitMQ and PostgreSQL from /proc.
Fixed earlier: the rate limiter's synchronous memory storage started a timer thread on nearly every
request (about 2 ms per query). The in-process sum includes persisting (both writes), which is off
the answer's path: llm_connector replies to the gateway directly and psql_worker stores the result in
parallel. Since 2026-12-01 the gateway keeps torch and transformers out of its process as its image
does (thinc and Presidio import them whenever installed): its resident memory here fell from about
590 to about 200 MB."""


def questions() -> list[str]:
    found = []
    if GOLDEN.exists():
        with GOLDEN.open(newline="") as handle:
            found = [row["question"] for row in csv.DictReader(handle)]
    return found + PERSONAL + ["Which commission do I approach for a Rs 45 lakh claim?"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def build_index(index_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "embedder.ingest", str(ROOT / "knowledge")],
        cwd=ROOT,
        check=True,
        env={**os.environ, "INDEX_DIR": str(index_dir)},
        capture_output=True,
    )


class InProcessStages:
    """The live path's stages called directly in this process, on the same index and database."""

    KEYS = ("redact", "retrieve+prompt", "compose", "persist", "sum")

    def __init__(self, database_url: str, index_dir: Path) -> None:
        os.environ["INDEX_DIR"] = str(index_dir)
        import threading

        from llm_connector.extractive import ExtractiveProvider
        from llm_connector.handler import AnswerHandler
        from pii_filter.redaction import Redactor
        from pii_filter.settings import GatewaySettings
        from psql_worker.db import Database
        from psql_worker.migrate import apply_migrations
        from psql_worker.repository import QueryRepository
        from rag_core.handler import QueryHandler
        from rag_core.retrieval import Retriever
        from rag_core.settings import RagSettings

        apply_migrations(database_url)
        self.database = Database.connect(database_url, size=2, stop=threading.Event())
        self.repository = QueryRepository(self.database)
        self.redactor = Redactor.from_settings(GatewaySettings(auth_disabled=True))
        self.rag = QueryHandler(retriever=Retriever.from_settings(RagSettings()))
        self.llm = AnswerHandler(provider=ExtractiveProvider())

    def run(self, question: str) -> dict[str, float]:
        """ms per stage for one question: redact, retrieve + prompt, compose, persist (both writes)."""
        from common.messages import RedactedQuery

        t0 = time.perf_counter()
        redaction = self.redactor.redact(question)
        t1 = time.perf_counter()
        query = RedactedQuery(
            query_id=uuid.uuid4(),
            redacted_question=redaction.redacted,
            pii_found=redaction.entity_types,
            top_k=5,
        )
        [grounded] = self.rag(query)
        t2 = time.perf_counter()
        answer = self.llm(grounded.message)[0]  # type: ignore[attr-defined]
        t3 = time.perf_counter()
        self.repository.record_accepted(query)
        self.repository.record_result(answer.message)  # type: ignore[attr-defined]
        t4 = time.perf_counter()
        spans = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)
        return {k: v * 1000 for k, v in zip(self.KEYS, spans, strict=True)}

    def close(self) -> None:
        self.database.close()


class KeepAliveClient:
    """POST /query over one kept-alive connection with the standard library's http.client.

    The lightest client at hand, so the concurrency-1 latency is the system's and not the client's:
    against the same app, httpx took 1.45-1.66 ms a request back to back where http.client took
    0.70-0.75 ms (2026-12-01), and it was the client used here until then.
    """

    def __init__(self, url: str) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)

    def post_query(self, question: str) -> int:
        """The response's status; its body is read and parsed, as a client would."""
        body = json.dumps({"question": question})
        self.connection.request("POST", "/query", body=body, headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        json.loads(response.read())
        return response.status

    def close(self) -> None:
        self.connection.close()


def paired_concurrency_1(
    url: str, stages: InProcessStages, qs: list[str], seconds: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Concurrency 1 with the in-process cost measured alongside: each question runs in-process, then
    through POST /query, in turn, so both see the same machine at the same moment (it is shared and
    noisy: measured one after the other, the two drifted apart by up to 50%). Returns (e2e, stages)."""
    latencies: list[float] = []
    costs: dict[str, list[float]] = {k: [] for k in InProcessStages.KEYS}
    errors = 0
    http = KeepAliveClient(url)
    try:
        for question in qs:  # warm both sides
            stages.run(question)
            http.post_query(question)
        started = time.perf_counter()
        n = 0
        while time.perf_counter() - started < seconds:
            question = qs[n % len(qs)]
            n += 1
            for key, value in stages.run(question).items():
                costs[key].append(value)
            t0 = time.perf_counter()
            status = http.post_query(question)
            if status == 200:
                latencies.append((time.perf_counter() - t0) * 1000)
            else:
                errors += 1
        elapsed = time.perf_counter() - started
    finally:
        http.close()
    e2e = {
        "n": len(latencies),
        "errors": errors,
        "qps": len(latencies) / elapsed,  # of the whole alternating loop: not a throughput figure
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
    }
    return e2e, {k: statistics.median(v) for k, v in costs.items()}


async def drive(url: str, qs: list[str], *, concurrency: int, seconds: float) -> dict[str, float]:
    """Closed loop: `concurrency` clients each sending the next question as soon as one is answered.

    aiohttp: the load client shares the two cores with the system it measures, and httpx's async
    client took about 3 ms of CPU per request against aiohttp's 1 ms (bench notes)."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            question = qs[next(counter) % len(qs)]
            t0 = time.perf_counter()
            async with http.post(f"{url}/query", json={"question": question}) as response:
                await response.read()
                if response.status == 200:
                    latencies.append((time.perf_counter() - t0) * 1000)
                else:
                    errors += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        async with http.post(f"{url}/query", json={"question": qs[0]}) as warm_up:
            await warm_up.read()
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "n": len(latencies),
        "errors": errors,
        "qps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (all its threads), from /proc; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def infrastructure_pids() -> dict[str, list[int]]:
    """The local RabbitMQ and PostgreSQL processes, when they run on this machine."""
    found: dict[str, list[int]] = {}
    for name, pattern in (("RabbitMQ", "beam.smp"), ("PostgreSQL", "postgres")):
        out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
        if out:
            found[name] = [int(pid) for pid in out]
    return found


def cpu_per_query(
    run: Callable[[], dict[str, float]], processes: dict[str, list[int]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Run one load level; return its results and the CPU each process spent per answered query (ms).

    Throughput on two shared cores follows this sum, which moves with the host's speed: it tells a
    slow hour from a slower system."""
    before = {name: sum(cpu_seconds(p) for p in pids) for name, pids in processes.items()}
    own = os.times()
    result = run()
    spent = {name: sum(cpu_seconds(p) for p in pids) - before[name] for name, pids in processes.items()}
    after = os.times()
    spent["load client"] = (after.user + after.system) - (own.user + own.system)
    answered = max(1.0, result["n"])
    return result, {name: seconds * 1000 / answered for name, seconds in spent.items()}


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="end-to-end latency/throughput vs in-process stage cost")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 20)))
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    qs = questions()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        build_index(index_dir)
        db_name = f"cr_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        database_url = ADMIN_URL.rpartition("/")[0] + "/" + db_name
        namespace = f"bench{uuid.uuid4().hex[:6]}"
        env = {
            "AMQP_URL": AMQP_URL,
            "NAMESPACE": namespace,
            "DATABASE_URL": database_url,
            "INDEX_DIR": str(index_dir),
            "LLM_PROVIDER": "extractive",
            "AUTH_DISABLED": "true",
            "RATE_LIMIT": "100000/second",
            "MAX_CONCURRENT_PER_CALLER": "0",  # the load client is one address with up to 32 in progress
            "LOG_LEVEL": "WARNING",
        }
        stack = LocalStack(
            env=env,
            log_dir=Path(tmp) / "logs",
            ports={name: free_port() for name in PORTS},
        )
        stages: InProcessStages | None = None
        try:
            stack.start_all(timeout=180)
            _wait_ready(stack.gateway_url)
            stages = InProcessStages(database_url, index_dir)
            results: dict[int, dict[str, float]] = {}
            stage: dict[str, float] = {}
            hot: dict[str, float] = {}
            cpu: dict[int, dict[str, float]] = {}
            for c in (int(x) for x in args.levels.split(",")):
                if c == 1:
                    results[1], stage = paired_concurrency_1(stack.gateway_url, stages, qs, args.seconds)
                    hot = hot_loop(stages, qs)
                else:
                    processes = {n: [p.pid] for n, p in stack.processes.items()} | infrastructure_pids()
                    results[c], cpu[c] = cpu_per_query(
                        lambda c=c: asyncio.run(
                            drive(stack.gateway_url, qs, concurrency=c, seconds=args.seconds)
                        ),
                        processes,
                    )
            memory = {name: rss_mb(p.pid) for name, p in stack.processes.items()}
        finally:  # leave nothing behind, also when a run fails half-way
            if stages is not None:
                stages.close()
            stack.stop_all()
            from tests.support.broker import delete_namespace

            delete_namespace(AMQP_URL, namespace)
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    report = _report(results, stage, memory, args.seconds, hot, cpu)
    print(report)
    if not args.no_write:
        write_section("End-to-end latency and throughput", report)


def _wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError("gateway not ready")


def hot_loop(stages: InProcessStages, qs: list[str], rounds: int = 5) -> dict[str, float]:
    """The in-process cost with the questions run back to back (warm caches, no pauses)."""
    costs: dict[str, list[float]] = {k: [] for k in InProcessStages.KEYS}
    for _ in range(rounds):
        for question in qs:
            for key, value in stages.run(question).items():
                costs[key].append(value)
    return {k: statistics.median(v) for k, v in costs.items()}


def _report(
    results: dict[int, dict[str, float]],
    stage: dict[str, float],
    memory: dict[str, tuple[float, float]],
    seconds: float,
    hot: dict[str, float] | None = None,
    cpu: dict[int, dict[str, float]] | None = None,
) -> str:
    lines = [
        f"Measured {machine()}; `python -m bench.e2e` (extractive provider, knowledge/ index, "
        f"{seconds:g} s per level, closed-loop clients).",
        "",
        "| concurrency | answered | errors | queries/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for c, r in results.items():
        qps = "– (alternates with in-process runs)" if c == 1 else f"{r['qps']:.1f}"
        cells = [c, r["n"], r["errors"], qps, *(f"{r[p]:.1f}" for p in ("p50", "p95", "p99"))]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    lines += [
        "",
        "In-process stage cost, measured in turn with the concurrency-1 requests (p50 per question, ms): "
        + ", ".join(f"{k} {v:.1f}" for k, v in stage.items()),
        "",
    ]
    if 1 in results:
        ratio = results[1]["p50"] / stage["sum"]
        lines.append(
            f"End-to-end p50 at concurrency 1 / in-process stage sum = **{ratio:.2f}×** (target ≤ 1.3×)."
        )
        if hot:
            lines += [
                "",
                "The same stages run back to back in a hot loop right after (no pause between questions, "
                "p50 ms): "
                + ", ".join(f"{k} {v:.1f}" for k, v in hot.items())
                + f"; against that sum the concurrency-1 p50 is **{results[1]['p50'] / hot['sum']:.2f}×**.",
            ]
    if 32 in results:
        r = results[32]
        lines.append(
            f"Sustained at concurrency 32: **{r['qps']:.1f} queries/s** with {r['errors']} errors "
            "(target ≥ 50/s, no error)."
        )
    if cpu and 32 in cpu:
        spent = cpu[32]
        lines += [
            "",
            "CPU per answered query at concurrency 32 (ms, from /proc; the system's processes and the load "
            "client share the two cores): "
            + ", ".join(f"{name} {ms:.1f}" for name, ms in spent.items())
            + f"; total {sum(spent.values()):.1f}.",
        ]
    lines += [
        "",
        "Resident memory after the run (MB, current / peak): "
        + ", ".join(f"{name} {cur:.0f} / {peak:.0f}" for name, (cur, peak) in memory.items())
        + f"; total {sum(c for c, _ in memory.values()):.0f} MB (the minimal tier's task has 2048 MB).",
        "",
        NOTES,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
