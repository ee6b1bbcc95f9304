"""PostgreSQL helpers for tests: throw-away databases on the real server, and reading what was stored."""

from __future__ import annotations

import os
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

PG_ADMIN_URL = os.environ.get("TEST_DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def create_database(name: str) -> str:
    """Create an empty database `name`; returns its URL."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stored_row(database_url: str, query_id: UUID | str) -> dict[str, Any] | None:
    """The `queries` row of `query_id` as it is stored, or None."""
    with psycopg.connect(database_url, row_factory=dict_row, connect_timeout=5) as conn:
        return conn.execute("SELECT * FROM queries WHERE query_id = %s", (str(query_id),)).fetchone()
