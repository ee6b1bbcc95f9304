"""The live services as real processes on the real RabbitMQ and PostgreSQL, with an index of knowledge/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local import ROOT, LocalStack
from tests.support.broker import wait_until
from tests.support.stack import build_index, isolated_services


@pytest.fixture(scope="session")
def knowledge_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INDEX_DIR holding a snapshot of the project's own knowledge base, built by the ingest command."""
    return build_index(tmp_path_factory.mktemp("index"), ROOT / "knowledge")


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
    env = {
        "INDEX_DIR": str(knowledge_index),
        "LLM_PROVIDER": "extractive",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "AUTH_DISABLED": "true",
        "RATE_LIMIT": "1000/second",
        "MAX_CONCURRENT_PER_CALLER": "0",  # concurrent questions from one address
    }
    with isolated_services(env=env, prefix="e2e", log_dir=tmp_path_factory.mktemp("logs")) as services:
        s = Stack(services.local, namespace=services.namespace, database_url=services.database_url,
                  log_dir=services.log_dir)
        wait_until(lambda: s.http.get("/ready").status_code == 200, timeout=30, message="gateway ready")
        yield s
        s.http.close()
