"""The whole stack as a user runs it: images built from the repository's Dockerfiles, `docker compose up`.

The steps run in order against one stack (fresh volumes, torn down with `down -v` at the end, also
when a step fails). Waits are bounded; times are recorded (var/containers/measurements.json and the
terminal summary), never asserted.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.containers.compose import PROFILES, Compose, bounded_wait, host_kill
from tests.containers.settings import (
    BUILD_TIMEOUT_S,
    LOAD_CONCURRENCY,
    Measurements,
    load_questions,
    readme_question,
)

# the first step includes the cold image build (BUILD_TIMEOUT_S) and `up`; every wait inside is bounded
pytestmark = [pytest.mark.containers, pytest.mark.timeout(BUILD_TIMEOUT_S + 20 * 60)]

RAW_NAME = ("Ramesh", "Iyer")
RAW_PHONE = "9876501234"
RAW_EMAIL = "ramesh.iyer@example.org"
RAW_VALUES = (*RAW_NAME, RAW_PHONE, RAW_EMAIL)
PERSONAL_QUESTION = (
    f"My name is {RAW_NAME[0]} {RAW_NAME[1]}, you can reach me on {RAW_PHONE} or {RAW_EMAIL}. "
    "I bought a fridge for Rs 45,000 from Vijay Sales in Pune and it stopped working after two weeks. "
    "The seller refuses to refund or replace it. What can I do?"
)
LOAD_QUESTIONS = 200

# run inside a container with its own Python: GET without following redirects (a 307 is an answer)
HTTP_GET = """
import http.client, json, sys
connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
connection.request("GET", sys.argv[2])
response = connection.getresponse()
body = response.read()
print(json.dumps({"status": response.status, "location": response.getheader("location"),
                  "body": body[:200000].decode("utf-8", "replace")}))
"""
# every file under a directory searched for each value's bytes
SCAN_FILES = """
import json, os, sys
needles = [value.encode() for value in json.loads(sys.argv[2])]
found = {"files": 0, "bytes": 0, "hits": [], "unreadable": []}
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            found["unreadable"].append(f"{path}: {exc}")
            continue
        found["files"] += 1
        found["bytes"] += len(data)
        found["hits"] += [[needle.decode(), path] for needle in needles if needle in data]
print(json.dumps(found))
"""
# the container's own cgroup: peak memory (v2 memory.peak, v1 max_usage_in_bytes) and OOM kills
CGROUP_MEMORY = (
    "cat /sys/fs/cgroup/memory.peak 2>/dev/null || cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes"
)


# --- helpers -------------------------------------------------------------------------------------
def services(compose: Compose) -> dict[str, dict[str, Any]]:
    return compose.config()["services"]


def long_running(compose: Compose) -> list[str]:
    """Services a plain `up` starts that keep running: a health check, no profile."""
    return sorted(name for name, s in services(compose).items()
                  if not s.get("profiles") and not (s.get("healthcheck") or {}).get("disable"))


def restarting_services(compose: Compose) -> list[str]:
    """The project's own long-running services (built here) whose restart policy brings them back."""
    return sorted(name for name, s in services(compose).items()
                  if name in long_running(compose) and s.get("build")
                  and s.get("restart") in ("always", "unless-stopped", "on-failure"))


def health(container: dict[str, Any]) -> str:
    return (container["State"].get("Health") or {}).get("Status", "none")


def all_healthy(compose: Compose, names: list[str]) -> bool:
    containers = compose.containers()
    return all(name in containers and health(containers[name]) == "healthy" for name in names)


def ask(gateway: httpx.Client, question: str) -> dict[str, Any]:
    response = gateway.post("/query", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def ask_eventually(gateway: httpx.Client, question: str, *, timeout: float) -> dict[str, Any]:
    """The first 200 answer within `timeout` s (while a restarted service comes back)."""
    def attempt() -> dict[str, Any] | None:
        response = gateway.post("/query", json={"question": question})
        return response.json() if response.status_code == 200 else None

    return bounded_wait(attempt, timeout=timeout, interval=2, message=f"an answer to {question!r}")


def postgres(compose: Compose, sql: str) -> str:
    env = services(compose)["postgres"]["environment"]
    return compose.exec("postgres", "psql", "-U", env["POSTGRES_USER"], "-d", env["POSTGRES_DB"],
                        "-v", "ON_ERROR_STOP=1", "-At", "-c", sql).strip()


def postgres_dump(compose: Compose) -> str:
    env = services(compose)["postgres"]["environment"]
    return compose.exec("postgres", "pg_dump", "-U", env["POSTGRES_USER"], "-d", env["POSTGRES_DB"],
                        "--data-only", timeout=120)


def index_dir(compose: Compose) -> str:
    return services(compose)["rag-core"]["environment"]["INDEX_DIR"]


def current_snapshot(compose: Compose) -> str:
    return compose.exec("rag-core", "cat", f"{index_dir(compose)}/current").strip()


def snapshots(compose: Compose) -> list[str]:
    return sorted(compose.exec("rag-core", "ls", f"{index_dir(compose)}/snapshots").split())


def stored_row(compose: Compose, query_id: str) -> dict[str, Any] | None:
    text = postgres(compose, f"SELECT row_to_json(q) FROM queries q WHERE query_id = '{query_id}'")
    return json.loads(text) if text else None


def http_get_inside(compose: Compose, service: str, port: int | str, path: str) -> dict[str, Any]:
    return compose.python(service, HTTP_GET, str(port), path)


# --- the steps, in order -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared() -> dict[str, Any]:
    """What one step leaves for a later one (query ids, the snapshot in use)."""
    return {}


def test_up_runs_the_ingest_job_and_every_service_becomes_healthy(stack: Compose, measured: Measurements,
                                                                  shared: dict[str, Any]):
    containers = stack.containers()
    ingest = containers["ingest"]["State"]
    assert (ingest["Status"], ingest["ExitCode"]) == ("exited", 0)
    assert "skipping ingest" not in stack.logs("ingest")  # fresh volumes: it built the index
    unhealthy = {name: health(containers[name]) for name in long_running(stack)
                 if name not in containers or health(containers[name]) != "healthy"}
    assert unhealthy == {}
    shared["snapshot"] = current_snapshot(stack)
    shared["snapshots"] = snapshots(stack)
    assert shared["snapshots"] == [shared["snapshot"]]
    measured["services"] = long_running(stack)


def test_the_readme_question_gets_a_cited_answer(gateway: httpx.Client, shared: dict[str, Any]):
    body = ask(gateway, readme_question())
    assert body["answered"] is True and body["answer"].strip()
    assert body["citations"] and all(c["source"] and c["snippet"] for c in body["citations"])
    assert "District Commission" in body["answer"]
    shared["readme_query_id"] = body["query_id"]


def test_personal_data_is_redacted_before_postgres_logs_and_index(stack: Compose, gateway: httpx.Client,
                                                                 shared: dict[str, Any]):
    body = ask(gateway, PERSONAL_QUESTION)
    assert body["answered"] is True and body["citations"]
    assert {"PERSON", "PHONE", "EMAIL"} <= set(body["pii_found"])
    for raw in RAW_VALUES:
        assert raw not in body["redacted_question"]
    query_id = body["query_id"]
    shared["personal_query_id"] = query_id

    row = bounded_wait(lambda: (r := stored_row(stack, query_id)) and r["status"] != "pending" and r,
                       timeout=60, message="the row of the query with personal data, final")
    assert row["status"] == "answered"
    assert row["redacted_question"] == body["redacted_question"]

    dump = postgres_dump(stack)
    logs = stack.logs()
    assert query_id in dump and query_id in logs  # the haystacks do hold this query's traces
    index = stack.python("rag-core", SCAN_FILES, index_dir(stack), json.dumps(RAW_VALUES))
    assert index["files"] > 0 and index["unreadable"] == []
    leaks = {where: [raw for raw in RAW_VALUES if raw in text]
             for where, text in (("postgres", dump), ("logs", logs))}
    leaks["index"] = index["hits"]
    assert leaks == {"postgres": [], "logs": [], "index": []}


def test_queries_ready_metrics_and_docs_answer(stack: Compose, gateway: httpx.Client, shared: dict[str, Any]):
    record = gateway.get(f"/queries/{shared['readme_query_id']}")
    assert record.status_code == 200, record.text
    assert record.json()["status"] == "answered" and record.json()["query_id"] == shared["readme_query_id"]

    ready = gateway.get("/ready")
    assert ready.status_code == 200 and ready.json()["ready"] is True, ready.text

    docs = gateway.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", docs.text)
    assert assets and all(a.startswith("/") for a in assets), assets  # nothing from a CDN
    for asset in assets:
        assert gateway.get(asset).status_code == 200, asset
    assert gateway.get("/openapi.json").status_code == 200

    # /metrics: the gateway's on METRICS_PORT, each worker's on HEALTH_PORT, inside the container
    declared = services(stack)
    ports = {"pii-filter": declared["pii-filter"]["environment"]["METRICS_PORT"]}
    ports |= {name: declared[name]["environment"]["HEALTH_PORT"]
              for name in long_running(stack) if "HEALTH_PORT" in declared[name].get("environment", {})}
    answers = {name: http_get_inside(stack, name, port, "/metrics") for name, port in ports.items()}
    assert {name: a["status"] for name, a in answers.items()} == dict.fromkeys(ports, 200)
    assert all("# HELP" in a["body"] for a in answers.values())
    assert "cr_" in answers["pii-filter"]["body"]


def test_stop_exits_zero_everywhere_and_up_again_keeps_index_and_rows(
        stack: Compose, gateway: httpx.Client, measured: Measurements, shared: dict[str, Any]):
    rows = int(postgres(stack, "SELECT count(*) FROM queries"))
    started = time.monotonic()
    stack.run("stop", timeout=300)
    measured["stop_s"] = round(time.monotonic() - started, 1)
    # 0 from each main process itself: one still running at the end of its stop_grace_period is
    # SIGKILLed by the engine and exits 137
    ended = {name: (c["State"]["Status"], c["State"]["ExitCode"], c["State"]["OOMKilled"])
             for name, c in stack.containers().items()}
    assert ended == dict.fromkeys(ended, ("exited", 0, False))
    assert set(long_running(stack)) <= set(ended)

    started = time.monotonic()
    stack.up()
    measured["restart_up_to_healthy_s"] = round(time.monotonic() - started, 1)
    assert "skipping ingest" in stack.logs("ingest")
    assert current_snapshot(stack) == shared["snapshot"] and snapshots(stack) == shared["snapshots"]
    assert int(postgres(stack, "SELECT count(*) FROM queries")) == rows
    record = gateway.get(f"/queries/{shared['personal_query_id']}")
    assert record.status_code == 200 and record.json()["status"] == "answered", record.text
    ask(gateway, readme_question())


def test_a_killed_service_is_restarted_by_its_policy(stack: Compose, gateway: httpx.Client,
                                                    measured: Measurements):
    targets = restarting_services(stack)
    assert {"pii-filter", "rag-core", "llm-connector", "psql-worker"} <= set(targets)
    before = stack.containers()
    started = time.monotonic()
    for name in targets:
        host_kill(before[name], signal.SIGKILL)

    def back() -> bool:
        now = stack.containers()
        return all(now[n]["RestartCount"] > before[n]["RestartCount"] and health(now[n]) == "healthy"
                   for n in targets)

    bounded_wait(back, timeout=300, interval=2, message=f"{', '.join(targets)} restarted and healthy")
    measured["killed_to_healthy_s"] = round(time.monotonic() - started, 1)
    body = ask_eventually(gateway, readme_question(), timeout=120)
    assert body["answered"] is True and body["citations"]


def test_workers_reconnect_by_themselves_after_a_broker_restart(stack: Compose, gateway: httpx.Client,
                                                               measured: Measurements):
    workers = [name for name in restarting_services(stack)]
    before = stack.containers()
    started = time.monotonic()
    stack.run("restart", "rabbitmq", timeout=300)
    bounded_wait(lambda: all_healthy(stack, ["rabbitmq"]), timeout=300, interval=2,
                 message="rabbitmq healthy again")
    bounded_wait(lambda: gateway.get("/ready").status_code == 200, timeout=300, interval=2,
                 message="the gateway ready (every stage consuming) again")
    body = ask_eventually(gateway, readme_question(), timeout=120)
    measured["broker_restart_to_answer_s"] = round(time.monotonic() - started, 1)
    assert body["answered"] is True
    after = stack.containers()
    # the same processes: none of them was restarted to get its connection back
    assert {n: (after[n]["State"]["StartedAt"], after[n]["RestartCount"]) for n in workers} == \
        {n: (before[n]["State"]["StartedAt"], before[n]["RestartCount"]) for n in workers}
    bounded_wait(lambda: all_healthy(stack, workers), timeout=120, interval=2, message="workers healthy")


def test_the_pipeline_profile_builds_a_snapshot_rag_core_switches_to(
        stack: Compose, gateway: httpx.Client, measured: Measurements, shared: dict[str, Any]):
    old = current_snapshot(stack)
    started = time.monotonic()
    stack.up("embedder", timeout=450, profiles=PROFILES)
    stack.run("run", "--rm", "chunker", profiles=PROFILES, timeout=600)
    new = bounded_wait(lambda: (c := current_snapshot(stack)) != old and c, timeout=300, interval=2,
                       message="a new snapshot named by the index's `current`")
    measured["pipeline_snapshot_s"] = round(time.monotonic() - started, 1)
    assert new in snapshots(stack)

    def swapped() -> bool:
        ask(gateway, readme_question())  # rag-core looks for a new `current` as it answers
        return f"{old} -> {new}" in stack.logs("rag-core")

    bounded_wait(swapped, timeout=120, interval=2, message=f"rag-core swapping {old} -> {new}")
    body = ask(gateway, readme_question())
    assert body["answered"] is True and body["citations"]


def _stats_sampler(stack: Compose, names: dict[str, str], peaks: dict[str, float],
                   stop: threading.Event) -> None:
    """`docker stats` samples (the engine's working-set figure, page cache left out) until `stop`."""
    units = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "kB": 1e3, "MB": 1e6, "GB": 1e9}
    for _ in range(600):  # bounded: about 2 s a sample
        if stop.is_set():
            return
        done = subprocess.run(["docker", "stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}",
                               *names], capture_output=True, text=True, timeout=60, check=False)
        for line in done.stdout.splitlines():
            name, _, usage = line.partition("\t")
            found = re.match(r"([\d.]+)\s*([A-Za-z]+)", usage)
            if name in names and found:
                service = names[name]
                peaks[service] = max(peaks.get(service, 0.0), float(found[1]) * units.get(found[2], 1))


def test_memory_under_a_200_question_load_stays_under_each_limit(stack: Compose, gateway: httpx.Client,
                                                                measured: Measurements):
    questions = load_questions()
    batch = [questions[i % len(questions)] for i in range(LOAD_QUESTIONS)]
    containers = {name: c for name, c in stack.containers().items() if c["State"]["Running"]}
    names = {c["Name"].lstrip("/"): name for name, c in containers.items()}
    stats_peaks: dict[str, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_stats_sampler, args=(stack, names, stats_peaks, stop), daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(LOAD_CONCURRENCY) as pool:
            statuses = list(pool.map(
                lambda q: gateway.post("/query", json={"question": q}).status_code, batch))
    finally:
        stop.set()
        sampler.join(timeout=120)
    elapsed = time.monotonic() - started
    measured["load"] = {"questions": LOAD_QUESTIONS, "concurrency": LOAD_CONCURRENCY,
                        "seconds": round(elapsed, 1), "per_second": round(LOAD_QUESTIONS / elapsed, 1)}
    assert statuses == [200] * LOAD_QUESTIONS, {s: statuses.count(s) for s in set(statuses)}

    memory = {}
    for name, container in stack.containers().items():
        if not container["State"]["Running"]:
            continue
        peak = int(stack.exec(name, "sh", "-c", CGROUP_MEMORY).strip())
        limit = int(container["HostConfig"]["Memory"])
        memory[name] = {"limit_mib": round(limit / 2**20) if limit else None,
                        "cgroup_peak_mib": round(peak / 2**20, 1),
                        "stats_peak_mib": round(stats_peaks.get(name, 0) / 2**20, 1),
                        "oom_killed": container["State"]["OOMKilled"]}
    measured["memory"] = memory
    assert set(memory) >= set(long_running(stack))
    over = {name: m for name, m in memory.items()
            if m["oom_killed"] or (m["limit_mib"] and max(m["cgroup_peak_mib"], m["stats_peak_mib"])
                                   >= m["limit_mib"])}
    assert over == {}


def test_down_removes_every_container_volume_and_network(stack: Compose):
    done = stack.down()
    assert done.returncode == 0, done.stderr
    assert stack.leftovers() == {"containers": [], "volumes": [], "networks": []}
