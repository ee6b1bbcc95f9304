"""Versioned SQL migrations applied at start-up: in order, in one transaction, once per database.

Files are `psql_worker/migrations/NNNN_name.sql`. Applied versions are recorded in
`schema_migrations` with a checksum, so an edited, already-applied file stops the start-up instead of
silently diverging. A transaction-scoped advisory lock makes workers that start at the same time
apply them one after another (the second finds nothing left to do). A migration therefore must
be runnable inside a transaction (no `CREATE INDEX CONCURRENTLY`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import psycopg

from common.rabbit.connection import Backoff

log = logging.getLogger(__name__)

# any constant bigint works; advisory locks are per database
MIGRATION_LOCK_KEY = 0x63725F6D69677261  # "cr_migra"

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_CREATE_TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(RuntimeError):
    """The migration files and the database disagree; a person has to look."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Traversable | None = None) -> list[Migration]:
    """The migration files in version order; refuses badly named files and duplicate versions."""
    root = directory if directory is not None else resources.files("psql_worker") / "migrations"
    found: dict[str, Migration] = {}
    for entry in root.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if not match:
            raise MigrationError(f"migration file {entry.name!r} is not named NNNN_name.sql")
        version = match["version"]
        if version in found:
            raise MigrationError(f"two migration files have version {version}")
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def apply_migrations(database_url: str, *, migrations: list[Migration] | None = None) -> list[str]:
    """Apply every migration not yet recorded; return the versions applied by this call."""
    todo = migrations if migrations is not None else load_migrations()
    applied_now: list[str] = []
    with psycopg.connect(database_url, connect_timeout=10) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        conn.execute(_CREATE_TRACKING_TABLE)
        rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
        recorded = {version: checksum for version, checksum in rows}
        for migration in todo:
            checksum = recorded.pop(migration.version, None)
            if checksum is not None:
                if checksum != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.version}_{migration.name} was changed after it was applied"
                    )
                continue
            conn.execute(migration.sql.encode())  # several statements, no parameters
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
            applied_now.append(migration.version)
        if recorded:  # a newer release migrated this database; its changes must stay compatible
            log.warning("database has migrations this release does not know: %s", ", ".join(sorted(recorded)))
    if applied_now:
        log.info("applied migrations %s", ", ".join(applied_now))
    return applied_now


def apply_migrations_when_available(
    database_url: str, *, stop: threading.Event, max_delay_s: float = 30.0
) -> list[str] | None:
    """Wait out a database that is not reachable yet (capped back-off); None if stopped first."""
    backoff = Backoff(maximum=max_delay_s)
    while not stop.is_set():
        try:
            return apply_migrations(database_url)
        except psycopg.OperationalError as exc:
            log.warning("database not reachable for migrations (%s); retrying", exc.__class__.__name__)
            backoff.wait(stop)
    return None
