"""Streamed answers: how soon a person sees something, and what the path adds to a model's first token.

    python -m bench.stream [--rounds 20]      (what `make bench-stream` runs)

1. The four services as processes, the extractive provider: for each question, the time from submitting
   POST /query (Accept: text/event-stream) to its first `accepted`, `citations`, `delta` and `done`
   events, next to the same question's JSON answer, interleaved.
2. llm_connector restarted on Bedrock's ConverseStream against the fake endpoint (real event-stream
   frames, tests/support/fake_bedrock.py), which writes each frame 50 ms after the last: the time from
   the fake writing its first text delta to the person's first `delta` event (llm_connector's parse,
   the pieces' guard, RabbitMQ, the gateway's restoring, SSE), next to botocore in this process reading
   the same fake directly (converse_stream, its first contentBlockDelta), interleaved in the same run.

Needs RabbitMQ and PostgreSQL as bench.e2e does; a fresh database and namespace, an index of knowledge/.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import httpx
import psycopg
from httpx_sse import connect_sse

from bench.e2e import ADMIN_URL, AMQP_URL, _wait_ready, build_index, percentile, questions
from bench.report import machine, write_section
from deploy.local import PORTS, LocalStack, free_port
from llm_connector.bedrock import make_bedrock_client
from llm_connector.settings import LlmSettings
from tests.support.fake_bedrock import FakeBedrock, Recorded, streamed

STREAM = {"Accept": "text/event-stream"}
FRAME_GAP_S = 0.05
# the first token is long enough for llm_connector to rule out an opening NOT_COVERED at once
TOKENS = ["Under section 35 of the Act, ", "you may file ", "a complaint ",
          "with the District Commission [1]."]
AWS = {"AWS_ACCESS_KEY_ID": "bench-key-id", "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_SESSION_TOKEN": "",
       "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
       "AWS_EC2_METADATA_DISABLED": "true"}


def first_events(http: httpx.Client, question: str) -> dict[str, float]:
    """ms from submitting to the first event of each kind, up to `done` (which must come)."""
    seen: dict[str, float] = {}
    started = time.perf_counter()
    with connect_sse(http, "POST", "/query", json={"question": question}, headers=STREAM) as source:
        for sse in source.iter_sse():
            seen.setdefault(sse.event, (time.perf_counter() - started) * 1000)
            if sse.event in ("done", "error"):
                break
    if "done" not in seen:
        raise RuntimeError(f"the stream ended without done: {sorted(seen)}")
    return seen


def json_answer_ms(http: httpx.Client, question: str) -> float:
    started = time.perf_counter()
    response = http.post("/query", json={"question": question})
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def first_delta_after(request: Recorded, at: float) -> float:
    """ms from the fake writing the first text delta (the frame after messageStart) to `at`."""
    return (at - request.sent_at[1]) * 1000


def path_first_token(http: httpx.Client, fake: FakeBedrock, question: str) -> float:
    before = len(fake.requests)
    with connect_sse(http, "POST", "/query", json={"question": question}, headers=STREAM) as source:
        arrived = None
        for sse in source.iter_sse():
            if sse.event == "delta" and arrived is None:
                arrived = time.monotonic()
            if sse.event in ("done", "error"):
                break
    if arrived is None:
        raise RuntimeError("no delta through the path")
    return first_delta_after(fake.requests[before], arrived)


def direct_first_token(client: object, fake: FakeBedrock) -> float:
    before = len(fake.requests)
    response = client.converse_stream(  # type: ignore[attr-defined]
        modelId="bench-model", messages=[{"role": "user", "content": [{"text": "direct"}]}],
    )
    arrived = None
    for event in response["stream"]:
        if "contentBlockDelta" in event and arrived is None:
            arrived = time.monotonic()
    assert arrived is not None
    return first_delta_after(fake.requests[before], arrived)


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} | {percentile(values, 0.9):.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="streamed answers: first events, first-token delay")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    qs = questions()
    fake = FakeBedrock(lambda _n, _r: streamed(TOKENS, delay_s=FRAME_GAP_S)).start()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        build_index(index_dir)
        db_name = f"cr_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        database_url = ADMIN_URL.rpartition("/")[0] + "/" + db_name
        namespace = f"bench{uuid.uuid4().hex[:6]}"
        env = {"AMQP_URL": AMQP_URL, "NAMESPACE": namespace, "DATABASE_URL": database_url,
               "INDEX_DIR": str(index_dir), "LLM_PROVIDER": "extractive", "AUTH_DISABLED": "true",
               "RATE_LIMIT": "100000/second", "MAX_CONCURRENT_PER_CALLER": "0", "LOG_LEVEL": "WARNING",
               "ANSWER_CACHE_TTL_S": "0"}
        stack = LocalStack(env=env, log_dir=Path(tmp) / "logs", ports={name: free_port() for name in PORTS})
        try:
            stack.start_all(timeout=180)
            _wait_ready(stack.gateway_url)
            with httpx.Client(base_url=stack.gateway_url, timeout=60) as http:
                for q in qs[:3]:  # warm up: the first questions load models and fill caches
                    first_events(http, q)
                kinds = ("accepted", "citations", "delta", "done")
                extractive: dict[str, list[float]] = {k: [] for k in kinds}
                json_ms: list[float] = []
                for i in range(args.rounds):
                    q = qs[i % len(qs)]
                    for kind, ms in first_events(http, q).items():
                        if kind in extractive:
                            extractive[kind].append(ms)
                    json_ms.append(json_answer_ms(http, q))

                stack.stop("llm_connector")
                stack.env = {**env, **AWS, "LLM_PROVIDER": "bedrock", "BEDROCK_ENDPOINT_URL": fake.url}
                stack.start("llm_connector")
                _wait_ready(stack.gateway_url, timeout=60)
                session = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench",
                                                region_name="ap-south-1")
                settings = LlmSettings(llm_provider="bedrock", bedrock_endpoint_url=fake.url)
                direct = make_bedrock_client(settings, session=session)
                for q in qs[:2]:
                    path_first_token(http, fake, q)
                    direct_first_token(direct, fake)
                path, straight = [], []
                for i in range(args.rounds):
                    path.append(path_first_token(http, fake, qs[i % len(qs)]))
                    straight.append(direct_first_token(direct, fake))
        finally:
            stack.stop_all()
            fake.stop()
            from tests.support.broker import delete_namespace

            delete_namespace(AMQP_URL, namespace)
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    report = _report(extractive, json_ms, path, straight, args.rounds)
    print(report)
    if not args.no_write:
        write_section("Streamed answers (bench.stream)", report)


def _report(
    extractive: dict[str, list[float]], json_ms: list[float], path: list[float], straight: list[float],
    rounds: int,
) -> str:
    added = [p - s for p, s in zip(path, straight, strict=True)]
    ratio = statistics.median(path) / max(statistics.median(straight), 1e-6)
    lines = [
        f"Measured {machine()} (`python -m bench.stream --rounds {rounds}`, one run; the four services as "
        "processes on the shared RabbitMQ and PostgreSQL, questions one at a time).",
        "",
        "Extractive provider: ms from submitting POST /query with `Accept: text/event-stream` to the first "
        "event of each kind, and the same question's JSON answer, interleaved.",
        "",
        "| event | median ms | p90 ms |",
        "|---|---|---|",
        *[f"| first `{kind}` | {summary(values)} |" for kind, values in extractive.items()],
        f"| JSON answer (no stream) | {summary(json_ms)} |",
        "",
        "Bedrock's ConverseStream against the fake endpoint (real event-stream frames, one HTTP chunk each, "
        f"{FRAME_GAP_S * 1000:.0f} ms apart): ms from the fake writing its first text delta to it being "
        "read.",
        "",
        "| read by | median ms | p90 ms |",
        "|---|---|---|",
        f"| botocore in the bench process, directly (converse_stream) | {summary(straight)} |",
        f"| the person: llm_connector, RabbitMQ, the gateway, SSE (first `delta`) | {summary(path)} |",
        f"| what the path adds (pairwise difference) | {summary(added)} |",
        "",
        "Target: the path adds at most 30 ms to the first token; median added "
        f"{statistics.median(added):.1f} ms (ratio of medians {ratio:.1f}x next to the direct read's "
        f"{statistics.median(straight):.1f} ms). A first token shorter than 16 characters waits for the next "
        "one (llm_connector rules out an opening NOT_COVERED before anything is shown).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
