"""Fixtures shared by every test: per-run broker namespace and database on the real servers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pika
import psycopg
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_ADMIN_URL = os.environ.get("TEST_DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def amqp_url() -> str:
    return AMQP_URL


@pytest.fixture
def namespace(amqp_url: str) -> Iterator[str]:
    """A fresh queue/exchange prefix per test; everything under it is deleted afterwards."""
    ns = f"t{uuid.uuid4().hex[:10]}"
    yield ns
    from tests.support.broker import delete_namespace

    delete_namespace(amqp_url, ns)


def _create_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def _drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database per test, dropped afterwards."""
    name = f"cr_test_{uuid.uuid4().hex[:10]}"
    url = _create_database(name)
    yield url
    _drop_database(name)


@pytest.fixture
def redis_prefix(namespace: str) -> Iterator[str]:
    """The test's key prefix on the shared Redis ('<namespace>:', as the services build it); cleaned after."""
    from common.redis_link import key_prefix
    from tests.support.redis_server import REDIS_URL, delete_under

    prefix = key_prefix(namespace)
    yield prefix
    delete_under(REDIS_URL, prefix)


@pytest.fixture
def private_redis(tmp_path) -> Iterator:
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
