"""The gateway's HTTP layer: server CPU per request with the configuration it runs (h11 with the header
deadline, pii_filter/server.py) next to uvicorn's httptools parser, which it used before, in one run.

    python -m bench.http_server [--seconds 5] [--rounds 3] [--write-docs]

Each round starts the gateway app as a process under each protocol in turn and sends keep-alive
requests from 8 connections (GET /health, and POST /query with an empty question, answered 422 after
the body limit, the JSON parse and validation), counting the server process's CPU time. No broker or
database is involved (the app's broker link points at a closed port); what differs is only the HTTP
parser and the protocol class.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

from bench.report import machine, write_section
from deploy.local import ROOT, free_port

PROTOCOLS = ("h11", "httptools")
CONNECTIONS = 8
REQUESTS = (("GET", "/health", None), ("POST", "/query", b'{"question": ""}'))


def serve(protocol: str, port: int) -> None:
    """Run the gateway app under `protocol` (the child process of a round)."""
    import logging

    import uvicorn

    from pii_filter.app import create_app
    from pii_filter.broker import GatewayBroker
    from pii_filter.server import server_config
    from pii_filter.settings import GatewaySettings

    class NoRedactor:  # /health and a 422 never reach the redactor
        def redact(self, text: str) -> object:
            raise AssertionError("not used")

        def redact_many(self, texts: list[str]) -> list[object]:
            raise AssertionError("not used")

    logging.disable(logging.WARNING)  # the broker link's reconnect warnings (its port is closed on purpose)
    settings = GatewaySettings(auth_disabled=True, port=port, rate_limit="", max_concurrent_per_caller=0,
                               amqp_url="amqp://guest:guest@127.0.0.1:1/%2F", max_connections=1000)
    broker = GatewayBroker(amqp_url=settings.amqp_url, topology=settings.topology, instance_id="bench-http",
                           reconnect_max_delay_s=30)
    app = create_app(settings=settings, redactor=NoRedactor(), broker=broker, records=None)  # type: ignore[arg-type]
    config = server_config(settings, app)
    if protocol == "httptools":
        config.http = "httptools"
    uvicorn.Server(config).run()


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(port: int, seconds: float) -> int:
    done = 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", connector=connector) as session:

        async def client(n: int) -> None:
            nonlocal done
            i = n
            while time.monotonic() < deadline:
                method, path, body = REQUESTS[i % len(REQUESTS)]
                headers = {"content-type": "application/json"} if body else None
                async with session.request(method, path, data=body, headers=headers) as response:
                    await response.read()
                    assert response.status in (200, 422), response.status
                done += 1
                i += 1

        await asyncio.gather(*(client(n) for n in range(CONNECTIONS)))
    return done


def one_round(protocol: str, seconds: float) -> tuple[float, float]:
    """(requests per second, server CPU microseconds per request) for one protocol."""
    port = free_port()
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "bench.http_server", "--serve", protocol,
                                "--port", str(port)], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the {protocol} server did not start") from None
                time.sleep(0.2)
        asyncio.run(_load(port, 1.0))  # warm-up
        cpu_before = _cpu_s(process.pid)
        started = time.monotonic()
        done = asyncio.run(_load(port, seconds))
        elapsed = time.monotonic() - started
        cpu = _cpu_s(process.pid) - cpu_before
        return done / elapsed, cpu / done * 1e6
    finally:
        process.terminate()
        process.wait(30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--serve", choices=PROTOCOLS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return
    figures: dict[str, list[tuple[float, float]]] = {p: [] for p in PROTOCOLS}
    for _ in range(args.rounds):
        for protocol in PROTOCOLS:
            figures[protocol].append(one_round(protocol, args.seconds))
    rows = []
    for protocol in PROTOCOLS:
        rates = [r for r, _ in figures[protocol]]
        cpus = [c for _, c in figures[protocol]]
        rows.append((protocol, statistics.median(rates), statistics.median(cpus)))
    ratio = rows[0][2] / rows[1][2]
    load = os.getloadavg()[0]
    body = "\n".join([
        f"Measured {machine()}; "
        f"`python -m bench.http_server --seconds {args.seconds:g} --rounds {args.rounds}`: the gateway app "
        f"under each protocol in turn, {CONNECTIONS} keep-alive connections alternating "
        "GET /health and a POST /query answered 422; medians over the rounds. Load average at the end: "
        f"{load:.1f} on a shared machine, so compare the rows, not runs.",
        "",
        "| protocol | requests/s | server CPU per request (µs) |",
        "|---|---|---|",
        *[f"| {'h11 + header deadline (runs)' if p == 'h11' else 'httptools (before)'} | {r:.0f} | {c:.0f} |"
          for p, r, c in rows],
        "",
        f"h11/httptools CPU per request: {ratio:.2f}x, {rows[0][2] - rows[1][2]:+.0f} µs per request (an "
        "answered query costs about 30 ms of CPU across the services: see the end-to-end section).",
    ])
    print(body)
    if args.write_docs:
        write_section("Gateway HTTP layer (bench.http_server)", body)


if __name__ == "__main__":
    main()
