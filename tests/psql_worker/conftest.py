"""Fixtures for psql_worker tests: a migrated database, the retrying Database and the repository."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from psql_worker.db import Database
from psql_worker.repository import QueryRepository


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def database(migrated_url: str, stop: threading.Event) -> Iterator[Database]:
    db = Database.connect(migrated_url, size=4, stop=stop, name="psql-test", retry_max_delay_s=0.5)
    yield db
    db.close()


@pytest.fixture
def repository(database: Database) -> QueryRepository:
    return QueryRepository(database)
