"""Migrations against a fresh real database: once, in order, atomically, serialised by the advisory lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from psql_worker.migrate import (
    MIGRATION_LOCK_KEY,
    MigrationError,
    apply_migrations,
    apply_migrations_when_available,
    load_migrations,
)

pytestmark = pytest.mark.integration


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r[0] for r in rows}


def _recorded(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()


def test_bundled_migrations_are_found_in_order():
    migrations = load_migrations()
    assert [m.version for m in migrations][:1] == ["0001"]
    assert migrations[0].name == "create_queries"
    assert [m.version for m in migrations] == sorted(m.version for m in migrations)


def test_apply_creates_schema_once_and_is_idempotent(database_url):
    assert apply_migrations(database_url) == [m.version for m in load_migrations()]
    assert {"queries", "schema_migrations"} <= _tables(database_url)
    assert _recorded(database_url)[0] == ("0001", "create_queries")
    assert apply_migrations(database_url) == []
    assert len(_recorded(database_url)) == len(load_migrations())
    with psycopg.connect(database_url) as conn:
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'queries'")}
    assert "queries_completed_at_idx" in indexes


def test_concurrent_start_applies_each_migration_exactly_once(database_url):
    barrier = threading.Barrier(4)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            results.append(apply_migrations(database_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 0, 0, len(load_migrations())]
    assert len(_recorded(database_url)) == len(load_migrations())


def test_runner_waits_for_the_advisory_lock(database_url):
    holder = psycopg.connect(database_url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
    done = threading.Event()
    thread = threading.Thread(target=lambda: (apply_migrations(database_url), done.set()))
    thread.start()
    try:
        time.sleep(0.7)
        assert not done.is_set(), "the runner did not wait for the lock"
        assert "queries" not in _tables(database_url)
    finally:
        holder.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
        holder.close()
    thread.join(10)
    assert done.is_set()
    assert "queries" in _tables(database_url)


def test_failing_migration_rolls_back_everything(database_url, tmp_path: Path):
    (tmp_path / "0001_good.sql").write_text("CREATE TABLE a (id int);")
    (tmp_path / "0002_bad.sql").write_text("CREATE TABLE b (id int); SELECT * FROM no_such_table;")
    with pytest.raises(psycopg.errors.UndefinedTable):
        apply_migrations(database_url, migrations=load_migrations(tmp_path))
    assert _tables(database_url) == set()


def test_later_migrations_apply_on_top_and_edits_are_refused(database_url, tmp_path: Path):
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (id int);")
    assert apply_migrations(database_url, migrations=load_migrations(tmp_path)) == ["0001"]
    (tmp_path / "0002_second.sql").write_text("ALTER TABLE a ADD COLUMN name text;")
    assert apply_migrations(database_url, migrations=load_migrations(tmp_path)) == ["0002"]
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (id bigint);")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        apply_migrations(database_url, migrations=load_migrations(tmp_path))


def test_badly_named_or_duplicate_files_are_refused(tmp_path: Path):
    (tmp_path / "1_x.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NNNN_name"):
        load_migrations(tmp_path)
    (tmp_path / "1_x.sql").unlink()
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0001_b.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="two migration files"):
        load_migrations(tmp_path)


def test_waiting_for_an_unreachable_database_ends_when_stopped():
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    started = time.monotonic()
    result = apply_migrations_when_available(
        "postgresql://postgres@127.0.0.1:1/none?connect_timeout=1", stop=stop, max_delay_s=0.2
    )
    assert result is None
    assert 0.9 < time.monotonic() - started < 5
