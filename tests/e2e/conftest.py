"""The live services as real processes on the real RabbitMQ and PostgreSQL, with an index of knowledge/."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local import ROOT, LocalStack, free_port
from tests.conftest import AMQP_URL, _create_database, _drop_database
from tests.support.broker import delete_namespace, wait_until


@pytest.fixture(scope="session")
def knowledge_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INDEX_DIR holding a snapshot of the project's own knowledge base, built by the ingest command."""
    index_dir = tmp_path_factory.mktemp("index")
    env = {**os.environ, "INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1"}
    subprocess.run(
        [sys.executable, "-m", "embedder.ingest", str(ROOT / "knowledge")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return index_dir


class Stack:
    """A running stack plus what tests need to inspect it."""

    def __init__(self, local: LocalStack, *, namespace: str, database_url: str, log_dir: Path) -> None:
        self.local = local
        self.namespace = namespace
        self.database_url = database_url
        self.log_dir = log_dir
        self.http = httpx.Client(base_url=local.gateway_url, timeout=60)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))


@pytest.fixture(scope="module")
def stack(knowledge_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    namespace = f"e{uuid.uuid4().hex[:10]}"
    db_name = f"cr_e2e_{uuid.uuid4().hex[:10]}"
    database_url = _create_database(db_name)
    log_dir = tmp_path_factory.mktemp("logs")
    env = {
        "AMQP_URL": AMQP_URL,
        "NAMESPACE": namespace,
        "DATABASE_URL": database_url,
        "INDEX_DIR": str(knowledge_index),
        "LLM_PROVIDER": "extractive",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "AUTH_DISABLED": "true",
        "RATE_LIMIT": "1000/second",
    }
    ports = {name: free_port() for name in ("pii_filter", "rag_core", "llm_connector", "psql_worker")}
    local = LocalStack(env=env, log_dir=log_dir, ports=ports)
    try:
        local.start_all(timeout=180)
        s = Stack(local, namespace=namespace, database_url=database_url, log_dir=log_dir)
        wait_until(lambda: s.http.get("/ready").status_code == 200, timeout=30, message="gateway ready")
        yield s
        s.http.close()
    finally:
        local.stop_all()
        delete_namespace(AMQP_URL, namespace)
        _drop_database(db_name)
