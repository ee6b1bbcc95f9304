"""The live services as real processes on the real RabbitMQ and PostgreSQL, with an index of knowledge/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local import ROOT
from tests.support.stack import ServiceStack, build_index, isolated_services


@pytest.fixture(scope="session")
def knowledge_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INDEX_DIR holding a snapshot of the project's own knowledge base, built by the ingest command."""
    return build_index(tmp_path_factory.mktemp("index"), ROOT / "knowledge")


@pytest.fixture(scope="module")
def stack(knowledge_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceStack]:
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
        services.wait_gateway_ready(timeout=30)
        yield services
