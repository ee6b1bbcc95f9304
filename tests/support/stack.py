"""The live services as processes in their own broker namespace and database, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import httpx

from common.topology import Topology
from deploy.local import PORTS, ROOT, LocalStack, free_port
from tests.support.broker import AMQP_URL, delete_namespace, wait_until
from tests.support.database import create_database, drop_database


def build_index(index_dir: Path, *paths: Path | str, timeout: float = 900) -> Path:
    """Build a snapshot in `index_dir` with the ingest command people run (`python -m embedder.ingest`)."""
    env = {**os.environ, "INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "embedder.ingest", *(str(p) for p in paths)]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=timeout)
    return index_dir


@dataclass(eq=False)
class ServiceStack:
    """Running services, where they keep their state, and an HTTP client for the gateway."""

    local: LocalStack
    env: dict[str, str]
    namespace: str
    database_url: str
    log_dir: Path
    amqp_url: str = AMQP_URL

    @property
    def topology(self) -> Topology:
        return Topology(self.namespace)

    @property
    def gateway_url(self) -> str:
        return self.local.gateway_url

    @cached_property
    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.gateway_url, timeout=60)

    def wait_gateway_ready(self, timeout: float = 60) -> None:
        wait_until(lambda: self.http.get("/ready").status_code == 200, timeout=timeout,
                   message="gateway ready")

    def log(self, service: str) -> Path:
        return self.log_dir / f"{service}.log"

    def log_lines(self) -> dict[str, list[str]]:
        """Each service's log, line by line."""
        files = sorted(self.log_dir.glob("*.log"))
        return {p.stem: p.read_text(errors="replace").splitlines() for p in files}

    def logs(self) -> str:
        """Every service's log as one text."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))


S = TypeVar("S", bound=ServiceStack)


@contextlib.contextmanager
def isolated_services(
    *, env: Mapping[str, str], prefix: str, log_dir: Path, start_timeout: float = 180,
    stack: type[S] = ServiceStack,  # type: ignore[assignment]
) -> Iterator[S]:
    """Start the four live services on a fresh namespace and database; stop and delete both afterwards."""
    namespace = f"{prefix}{uuid.uuid4().hex[:10]}"
    db_name = f"cr_{prefix}_{uuid.uuid4().hex[:10]}"
    database_url = create_database(db_name)
    full_env = {"AMQP_URL": AMQP_URL, "NAMESPACE": namespace, "DATABASE_URL": database_url, **env}
    local = LocalStack(env=full_env, log_dir=log_dir, ports={name: free_port() for name in PORTS})
    running = stack(local, full_env, namespace, database_url, log_dir)
    try:
        local.start_all(timeout=start_timeout)
        yield running
    finally:
        if "http" in running.__dict__:
            running.http.close()
        local.stop_all()
        delete_namespace(AMQP_URL, namespace)
        drop_database(db_name)
