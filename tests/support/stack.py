"""The live services as processes in their own broker namespace and database, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from deploy.local import PORTS, ROOT, LocalStack, free_port
from tests.conftest import AMQP_URL, _create_database, _drop_database
from tests.support.broker import delete_namespace


def build_index(index_dir: Path, *paths: Path | str, timeout: float = 900) -> Path:
    """Build a snapshot in `index_dir` with the ingest command people run (`python -m embedder.ingest`)."""
    env = {**os.environ, "INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "embedder.ingest", *(str(p) for p in paths)]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=timeout)
    return index_dir


@dataclass
class IsolatedServices:
    """Running services and where they keep their state."""

    local: LocalStack
    env: dict[str, str]
    namespace: str
    database_url: str
    log_dir: Path


@contextlib.contextmanager
def isolated_services(
    *, env: Mapping[str, str], prefix: str, log_dir: Path, start_timeout: float = 180
) -> Iterator[IsolatedServices]:
    """Start the four live services on a fresh namespace and database; stop and delete both afterwards."""
    namespace = f"{prefix}{uuid.uuid4().hex[:10]}"
    db_name = f"cr_{prefix}_{uuid.uuid4().hex[:10]}"
    database_url = _create_database(db_name)
    full_env = {"AMQP_URL": AMQP_URL, "NAMESPACE": namespace, "DATABASE_URL": database_url, **env}
    local = LocalStack(env=full_env, log_dir=log_dir, ports={name: free_port() for name in PORTS})
    try:
        local.start_all(timeout=start_timeout)
        yield IsolatedServices(local, full_env, namespace, database_url, log_dir)
    finally:
        local.stop_all()
        delete_namespace(AMQP_URL, namespace)
        _drop_database(db_name)
