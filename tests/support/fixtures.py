"""Fixtures every test can use (loaded by tests/conftest.py through `pytest_plugins`): a broker
namespace and a database of its own on the real servers, isolated per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pika
import pytest

from tests.support.broker import AMQP_URL, delete_namespace, running
from tests.support.database import create_database, drop_database

if TYPE_CHECKING:
    from embedder.settings import EmbedderSettings
    from tests.support.redis_server import PrivateRedis


@pytest.fixture(scope="session")
def amqp_url() -> str:
    return AMQP_URL


@pytest.fixture
def namespace(amqp_url: str) -> Iterator[str]:
    """A fresh queue/exchange prefix per test; everything under it is deleted afterwards."""
    ns = f"t{uuid.uuid4().hex[:10]}"
    yield ns
    delete_namespace(amqp_url, ns)


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database per test, dropped afterwards."""
    name = f"cr_test_{uuid.uuid4().hex[:10]}"
    url = create_database(name)
    yield url
    drop_database(name)


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """A fresh database with psql_worker's migrations applied."""
    from psql_worker.migrate import apply_migrations

    apply_migrations(database_url)
    return database_url


@pytest.fixture
def running_embedder(tmp_path: Path, amqp_url: str, namespace: str) -> Iterator[EmbedderSettings]:
    """The embedder service's worker consuming this test's namespace into tmp_path/index."""
    from embedder.service import build_worker  # imported here: it loads the pipeline's settings
    from embedder.settings import EmbedderSettings

    settings = EmbedderSettings(
        amqp_url=amqp_url, namespace=namespace, index_dir=str(tmp_path / "index"), health_port=0
    )
    with running(build_worker(settings), timeout=30):
        yield settings


@pytest.fixture
def redis_prefix(namespace: str) -> Iterator[str]:
    """The test's key prefix on the shared Redis ('<namespace>:', as the services build it); cleaned after."""
    from common.redis_link import key_prefix
    from tests.support.redis_server import REDIS_URL, delete_under

    prefix = key_prefix(namespace)
    yield prefix
    delete_under(REDIS_URL, prefix)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of this test's own, on a free port, to stop and start (never the shared one)."""
    from tests.support.redis_server import PrivateRedis

    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def channel(amqp_url: str) -> Iterator[pika.adapters.blocking_connection.BlockingChannel]:
    """A confirmed channel on the real broker for publishing and inspecting queues in tests."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    ch = connection.channel()
    ch.confirm_delivery()
    yield ch
    if connection.is_open:
        connection.close()
