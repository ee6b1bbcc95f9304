"""Run every live service as a local process (no Docker): `python -m deploy.local` / `make run-local`.

Uses the RabbitMQ and PostgreSQL named by AMQP_URL / DATABASE_URL (defaults: localhost). If INDEX_DIR
has no index yet, the default knowledge base in knowledge/ is ingested first. Ctrl-C (or SIGTERM)
stops every service cleanly. The end-to-end tests and benchmarks start the same stack via `LocalStack`.

Every service listens on 127.0.0.1 only (the gateway on GATEWAY_HOST if set). The ports come from
GATEWAY_PORT, GATEWAY_METRICS_PORT, RAG_CORE_HEALTH_PORT, LLM_CONNECTOR_HEALTH_PORT and
PSQL_WORKER_HEALTH_PORT (defaults in `PORTS`), so two stacks can run side by side.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent

# service name -> module, in start order
SERVICES: dict[str, str] = {
    "psql_worker": "psql_worker",
    "rag_core": "rag_core",
    "llm_connector": "llm_connector",
    "pii_filter": "pii_filter",
}
GATEWAY_METRICS = "pii_filter_metrics"
# every port a stack uses -> (the variable `python -m deploy.local` reads it from, its default). A
# worker's port serves /health, /ready and /metrics; the gateway's is its HTTP port, its metrics separate.
PORTS: dict[str, tuple[str, int]] = {
    "pii_filter": ("GATEWAY_PORT", 8080),
    GATEWAY_METRICS: ("GATEWAY_METRICS_PORT", 8085),
    "rag_core": ("RAG_CORE_HEALTH_PORT", 8081),
    "llm_connector": ("LLM_CONNECTOR_HEALTH_PORT", 8082),
    "psql_worker": ("PSQL_WORKER_HEALTH_PORT", 8083),
}


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """An unused TCP port on localhost (for tests that run several stacks), never one this process handed
    out before: the kernel may offer a port again once its probe closed, and two services of one stack on
    the same port means the second cannot bind while the first answers its health probe (a worker's health
    server then answered the gateway's POST /query with 405)."""
    for _ in range(1000):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
    raise RuntimeError("no localhost port left that this process has not handed out already")


def ports_from(environ: Mapping[str, str]) -> dict[str, int]:
    """The stack's ports: each from its variable in `environ`, else its default."""
    ports = {}
    for name, (variable, default) in PORTS.items():
        raw = environ.get(variable, "").strip()
        if raw and not (raw.isdigit() and 0 < int(raw) < 65536):
            raise ValueError(f"{variable}={raw!r} is not a TCP port (1-65535)")
        ports[name] = int(raw) if raw else default
    if len(set(ports.values())) != len(ports):
        raise ValueError(f"two services would share a port: {ports}")
    return ports


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@dataclass
class LocalStack:
    """Starts the live services as child processes, each logging to its own file (or the console)."""

    env: Mapping[str, str]
    log_dir: Path | None = None
    ports: dict[str, int] = field(default_factory=dict)
    services: tuple[str, ...] = tuple(SERVICES)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    def port(self, name: str) -> int:
        """The port of a service (or of GATEWAY_METRICS): as given in `ports`, else its default."""
        return self.ports.get(name, PORTS[name][1])

    @property
    def gateway_metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.port(GATEWAY_METRICS)}/metrics"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.port('pii_filter')}"

    def service_env(self, service: str) -> dict[str, str]:
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1"}
        # internal ports on this machine only; the gateway too unless GATEWAY_HOST says otherwise (and then
        # the gateway refuses to start without API keys unless AUTH_DISABLED_ON_NETWORK=true)
        env["HEALTH_HOST"] = env["METRICS_HOST"] = "127.0.0.1"
        env["HOST"] = env.get("GATEWAY_HOST") or "127.0.0.1"
        if service == "pii_filter":
            env["PORT"] = str(self.port(service))
            env["METRICS_PORT"] = str(self.port(GATEWAY_METRICS))
            env.pop("HEALTH_PORT", None)
        else:
            env["HEALTH_PORT"] = str(self.port(service))
        return env

    def start(self, service: str) -> subprocess.Popen[bytes]:
        module = SERVICES[service]
        out: IO[bytes] | int | None = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            handle = open(self.log_dir / f"{service}.log", "ab")  # noqa: SIM115 - closed in stop()
            self._logs.append(handle)
            out = handle
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=ROOT,
            env=self.service_env(service),
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
        )
        self.processes[service] = process
        return process

    def start_all(self, *, timeout: float = 120.0) -> None:
        for service in self.services:
            self.start(service)
        self.wait_healthy(timeout=timeout)

    def wait_healthy(self, *, timeout: float = 120.0, services: tuple[str, ...] | None = None) -> None:
        deadline = time.monotonic() + timeout
        pending = set(services or self.services)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                process = self.processes[service]
                if process.poll() is not None:
                    raise RuntimeError(f"{service} exited with code {process.returncode} during start-up")
                if _healthy(self.port(service)):
                    pending.discard(service)
            time.sleep(0.2)
        if pending:
            raise TimeoutError(f"not healthy after {timeout:.0f}s: {', '.join(sorted(pending))}")

    def stop(self, service: str, *, sig: int = signal.SIGTERM, timeout: float = 25.0) -> int | None:
        """Signal one service and wait for it; returns its exit code (None if it had to be killed)."""
        process = self.processes.get(service)
        if process is None or process.poll() is not None:
            return process.returncode if process else None
        process.send_signal(sig)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None

    def stop_all(self) -> dict[str, int | None]:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = {name: self.stop(name) for name in reversed(list(self.processes))}
        for handle in self._logs:
            handle.close()
        self._logs.clear()
        return codes

    def __enter__(self) -> LocalStack:
        self.start_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()


def ensure_index(env: Mapping[str, str]) -> None:
    """Ingest the default knowledge base when INDEX_DIR has no current snapshot yet."""
    index_dir = Path(env.get("INDEX_DIR", "var/index"))
    if (index_dir / "current").exists():
        return
    print(f"no index in {index_dir}: ingesting knowledge/ first", flush=True)
    subprocess.run(
        [sys.executable, "-m", "embedder.ingest", str(ROOT / "knowledge")],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-ingest", action="store_true", help="do not ingest knowledge/ when no index exists"
    )
    args = parser.parse_args(argv)
    env = {
        "INDEX_DIR": os.environ.get("INDEX_DIR", str(ROOT / "var" / "index")),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text"),
    }
    if not os.environ.get("API_KEYS_SHA256"):  # local use: no API keys unless some are configured
        env["AUTH_DISABLED"] = os.environ.get("AUTH_DISABLED", "true")
    if not args.no_ingest:
        ensure_index(env)
    stack = LocalStack(env=env, ports=ports_from(os.environ))
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        stack.start_all()
        print(f"all services healthy; ask questions at {stack.gateway_url}/docs (Ctrl-C stops)", flush=True)
        while not stopping.is_set():
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}; stopping", flush=True)
                    stopping.set()
            stopping.wait(1)
    except KeyboardInterrupt:
        pass
    finally:
        codes = stack.stop_all()
        print("stopped: " + ", ".join(f"{k}={v}" for k, v in codes.items()), flush=True)


if __name__ == "__main__":
    main()
